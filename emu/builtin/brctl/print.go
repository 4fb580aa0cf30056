package brctl

// brctl's tables: its help, show and showmacs.

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/shell"
	l2switch "github.com/nsemu/nsemu/switch"
)

// help is brctl's usage, listing its commands.
func help() string {
	var b strings.Builder
	b.WriteString("Usage: brctl [commands]\ncommands:\n")
	for _, c := range commands {
		fmt.Fprintf(&b, "\t%-10s\t%s%s\n", c.name, c.args, c.help)
	}
	return b.String()
}

func bridgeID(d *emu.Device) string {
	return "8000." + strings.ReplaceAll(d.MAC().String(), ":", "")
}

// show prints the table of bridges: ns's all, by name, or those named.
func (b *brctl) show(names []string) error {
	bridges, err := b.showBridges(names)
	if len(bridges) > 0 || len(names) == 0 {
		b.c.Printf("bridge name\tbridge id\t\tSTP enabled\tinterfaces\n")
	}
	for _, d := range bridges {
		var ports []string
		for _, p := range b.ns.Slaves(d.Name()) {
			ports = append(ports, p.Name())
		}
		sort.Strings(ports)
		b.c.Printf("%s", showLines(d, ports))
	}
	return err
}

// showBridges returns the bridges show lists, and an error naming each of
// names that is not a bridge.
func (b *brctl) showBridges(names []string) ([]*emu.Device, error) {
	var bridges []*emu.Device
	if len(names) == 0 {
		for _, d := range b.ns.Links() {
			if d.Kind == emu.KindBridge {
				bridges = append(bridges, d)
			}
		}
		sort.Slice(bridges, func(i, j int) bool { return bridges[i].Name() < bridges[j].Name() })
		return bridges, nil
	}
	var errs []string
	for _, n := range names {
		d, err := b.ns.Link(n)
		switch {
		case err != nil:
			errs = append(errs, fmt.Sprintf("bridge %s does not exist!", n))
		case d.Kind != emu.KindBridge:
			errs = append(errs, fmt.Sprintf("device %s is not a bridge!", n))
		default:
			bridges = append(bridges, d)
		}
	}
	if errs != nil {
		return bridges, shell.Failf(1, "%s", strings.Join(errs, "\n"))
	}
	return bridges, nil
}

// showLines are a bridge's lines in show's table: the first port beside
// the bridge, the others under it.
func showLines(d *emu.Device, ports []string) string {
	s := fmt.Sprintf("%s\t\t%s\t%s\t\t", d.Name(), bridgeID(d), "no")
	if len(ports) == 0 {
		return s + "\n"
	}
	return s + strings.Join(ports, "\n\t\t\t\t\t\t\t") + "\n"
}

// showmacs prints a bridge's forwarding database, by MAC.
func (b *brctl) showmacs(name string) error {
	d, err := b.ns.Link(name)
	if err != nil {
		return shell.Failf(1, "read of forward table failed: No such device")
	}
	if d.Kind != emu.KindBridge || d.Bridge() == nil {
		return shell.Failf(1, "read of forward table failed: Operation not supported")
	}
	portNo := map[string]int{}
	for i, p := range d.Bridge().Ports() {
		portNo[p.Name] = i + 1
	}
	var rows []l2switch.Entry
	for _, e := range d.Bridge().FDB() {
		if _, ok := portNo[e.Port]; ok {
			rows = append(rows, e)
		}
	}
	sort.Slice(rows, func(i, j int) bool { return bytes.Compare(rows[i].MAC, rows[j].MAC) < 0 })
	b.c.Printf("port no\tmac addr\t\tis local?\tageing timer\n")
	for _, e := range rows {
		b.c.Printf("%s\n", macLine(portNo[e.Port], e))
	}
	return nil
}

// macLine is an entry's line in showmacs' table; local entries do not age.
func macLine(port int, e l2switch.Entry) string {
	local, age := "no", e.Age
	if e.Local {
		local, age = "yes", 0
	}
	sec := int(age / time.Second)
	cs := int(age%time.Second) / int(10*time.Millisecond)
	return fmt.Sprintf("%3d\t%s\t%s\t\t%4d.%02d", port, e.MAC, local, sec, cs)
}
