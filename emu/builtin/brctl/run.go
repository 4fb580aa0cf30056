package brctl

// brctl's commands that change the bridges.

import (
	"fmt"
	"strings"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/shell"
	"github.com/nsemu/nsemu/vethsim"
)

// bridge returns a bridge device by name, or nil.
func (b *brctl) bridge(name string) *emu.Device {
	d, err := b.ns.Link(name)
	if err != nil || d.Kind != emu.KindBridge {
		return nil
	}
	return d
}

func (b *brctl) addbr(name string) error {
	// brctl copies the name into an IFNAMSIZ buffer: longer names are cut.
	if len(name) > vethsim.MaxNameLen {
		name = name[:vethsim.MaxNameLen]
	}
	if _, err := b.ns.Link(name); err == nil {
		return shell.Failf(1, "device %s already exists; can't create bridge with the same name", name)
	}
	if vethsim.ValidName(name) != nil {
		return shell.Failf(1, "add bridge failed: Invalid argument")
	}
	if _, err := b.ns.AddBridge(name); err != nil {
		return shell.Failf(1, "add bridge failed: %v", err)
	}
	return nil
}

func (b *brctl) delbr(name string) error {
	d, err := b.ns.Link(name)
	switch {
	case err != nil:
		return shell.Failf(1, "bridge %s doesn't exist; can't delete it", name)
	case d.Kind != emu.KindBridge:
		return shell.Failf(1, "can't delete bridge %s: Operation not permitted", name)
	case d.IsUp():
		return shell.Failf(1, "bridge %s is still up; can't delete it", name)
	}
	if err := b.ns.DelLink(name); err != nil {
		return shell.Failf(1, "can't delete bridge %s: %v", name, err)
	}
	return nil
}

// eachPort runs do on each of ifaces in turn, once check has accepted the
// bridge and the port (each nil when missing), looked up afresh for each.
func (b *brctl) eachPort(brName string, ifaces []string, check func(br, d *emu.Device, ifname string) error, do func(ifname string) error) error {
	for _, ifname := range ifaces {
		br, _ := b.ns.Link(brName)
		d, _ := b.ns.Link(ifname)
		if err := check(br, d, ifname); err != nil {
			return err
		}
		if err := do(ifname); err != nil {
			return err
		}
	}
	return nil
}

func (b *brctl) addif(brName string, ifaces []string) error {
	return b.eachPort(brName, ifaces, func(br, d *emu.Device, ifname string) error {
		switch {
		case d == nil:
			return shell.Failf(1, "interface %s does not exist!", ifname)
		case br == nil:
			return shell.Failf(1, "bridge %s does not exist!", brName)
		case br.Kind != emu.KindBridge:
			return shell.Failf(1, "can't add %s to bridge %s: Operation not supported", ifname, brName)
		case d.Kind == emu.KindLoopback:
			return shell.Failf(1, "can't add %s to bridge %s: Invalid argument", ifname, brName)
		case d.Kind == emu.KindBridge:
			return shell.Failf(1, "device %s is a bridge device itself; can't add a bridge device to a bridge device.", ifname)
		case d.Master() != nil:
			return shell.Failf(1, "device %s is already a member of a bridge; can't add it to bridge %s.", ifname, brName)
		}
		return nil
	}, func(ifname string) error {
		if err := b.ns.SetMaster(ifname, brName); err != nil {
			return shell.Failf(1, "can't add %s to bridge %s: %v", ifname, brName, err)
		}
		return nil
	})
}

func (b *brctl) delif(brName string, ifaces []string) error {
	return b.eachPort(brName, ifaces, func(br, d *emu.Device, ifname string) error {
		switch {
		case d == nil:
			return shell.Failf(1, "interface %s does not exist!", ifname)
		case br == nil || br.Kind != emu.KindBridge:
			return shell.Failf(1, "bridge %s does not exist!", brName)
		case d.Master() != br:
			return shell.Failf(1, "device %s is not a port of %s", ifname, brName)
		}
		return nil
	}, func(ifname string) error {
		if err := b.ns.SetNoMaster(ifname); err != nil {
			return shell.Failf(1, "can't delete %s from %s: %v", ifname, brName, err)
		}
		return nil
	})
}

func (b *brctl) setageing(brName, value string) error {
	secs, err := shell.ParseSeconds(value)
	if err != nil || strings.HasSuffix(value, "s") {
		return shell.Failf(1, "bad ageing time value")
	}
	d := b.bridge(brName)
	if d == nil || d.Bridge() == nil {
		return shell.Failf(1, "set ageing time failed: No such device")
	}
	d.Bridge().SetAgeing(secs)
	return nil
}

func (b *brctl) stp(brName, value string) error {
	d := b.bridge(brName)
	if d == nil {
		return shell.Failf(1, "set stp status failed: No such device")
	}
	switch value {
	case "on", "yes", "1":
		fmt.Fprintf(b.c.Stderr, "nsemu: STP is not emulated; %s forwards without it\n", brName)
	case "off", "no", "0":
	default:
		return shell.Failf(1, "expect on/off for argument")
	}
	return nil
}
