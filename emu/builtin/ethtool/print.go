package ethtool

import (
	"fmt"
	"io"
	"strings"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/shell"
)

// printFeatures is -k: the legacy flags' headings with their features,
// then the other features, as ethtool 6.1 prints them.
func printFeatures(w io.Writer, d *emu.Device) {
	f := featuresOf(d)
	fmt.Fprintf(w, "Features for %s:\n", d.Name())
	for _, g := range groups {
		on, fixed := false, true
		for _, n := range g.features {
			on = on || f[n].on
			fixed = fixed && f[n].fixed
		}
		// A heading says [fixed], never [requested …] (its features do).
		fmt.Fprintf(w, "%s: %s%s\n", g.heading, onOff(on), mark(state{on: on, wanted: on, fixed: fixed}))
		if len(g.features) == 1 {
			continue
		}
		for _, n := range g.features {
			fmt.Fprintf(w, "\t%s: %s%s\n", n, onOff(f[n].on), mark(f[n]))
		}
	}
	for _, n := range others {
		fmt.Fprintf(w, "%s: %s%s\n", n, onOff(f[n].on), mark(f[n]))
	}
}

// mark is " [fixed]", " [requested on|off]" or nothing.
func mark(s state) string {
	switch {
	case s.fixed:
		return " [fixed]"
	case s.wanted != s.on:
		return " [requested " + onOff(s.wanted) + "]"
	}
	return ""
}

// driverInfo is what -i says of each kind: the kernel's drivers (an
// uplink's eth0 leads to a TAP, tun's), with their version and bus-info.
var driverInfo = map[emu.Kind][3]string{
	emu.KindVeth:   {"veth", "1.0", ""},
	emu.KindBridge: {"bridge", "2.3", "N/A"},
	emu.KindEther:  {"tun", "1.6", "tap"},
}

// printDriver is -i.
func printDriver(c *shell.Cmd, d *emu.Device) error {
	info, ok := driverInfo[d.Kind]
	if !ok {
		return shell.Failf(71, "Cannot get driver information: Operation not supported")
	}
	fw := ""
	if d.Kind == emu.KindBridge {
		fw = "N/A"
	}
	stats := "no"
	if d.Kind == emu.KindVeth {
		stats = "yes"
	}
	c.Printf("driver: %s\nversion: %s\nfirmware-version: %s\nexpansion-rom-version: \nbus-info: %s\n", info[0], info[1], fw, info[2])
	c.Printf("supports-statistics: %s\nsupports-test: no\nsupports-eeprom-access: no\nsupports-register-dump: no\nsupports-priv-flags: no\n", stats)
	return nil
}

// printStats is -S: the counters of the kernel's veth that nsemu keeps —
// the peer's ifindex and the frames the receive queue dropped. nsemu has
// no XDP, so veth's xdp counters are not listed.
func printStats(c *shell.Cmd, d *emu.Device) error {
	if d.Kind != emu.KindVeth {
		return errNoStats
	}
	c.Printf("NIC statistics:\n     peer_ifindex: %d\n     rx_queue_0_drops: %d\n", d.PeerIndex(), d.Counters().RxDropped)
	return nil
}

// printSettings is ethtool DEV: a veth (and tun) reports 10000Mb/s full
// duplex as the kernel's does; a bridge knows no speed; lo has only a
// link.
func printSettings(w io.Writer, d *emu.Device) {
	fmt.Fprintf(w, "Settings for %s:\n", d.Name())
	link := "no"
	if d.OperState() == "UP" || (d.Kind == emu.KindLoopback && d.IsUp()) {
		link = "yes"
	}
	if d.Kind == emu.KindLoopback {
		fmt.Fprintf(w, "\tLink detected: %s\n", link)
		return
	}
	var b strings.Builder
	b.WriteString("\tSupported ports: [  ]\n\tSupported link modes:   Not reported\n\tSupported pause frame use: No\n")
	b.WriteString("\tSupports auto-negotiation: No\n\tSupported FEC modes: Not reported\n\tAdvertised link modes:  Not reported\n")
	b.WriteString("\tAdvertised pause frame use: No\n\tAdvertised auto-negotiation: No\n\tAdvertised FEC modes: Not reported\n")
	if d.Kind == emu.KindBridge {
		b.WriteString("\tSpeed: Unknown!\n\tDuplex: Unknown! (255)\n\tAuto-negotiation: off\n\tPort: Other\n\tPHYAD: 0\n\tTransceiver: internal\n")
	} else {
		b.WriteString("\tSpeed: 10000Mb/s\n\tDuplex: Full\n\tAuto-negotiation: off\n\tPort: Twisted Pair\n\tPHYAD: 0\n\tTransceiver: internal\n\tMDI-X: Unknown\n")
	}
	if d.Kind == emu.KindEther {
		b.WriteString("        Current message level: 0x00000000 (0)\n                              \n")
	}
	fmt.Fprintf(w, "%s\tLink detected: %s\n", b.String(), link)
}
