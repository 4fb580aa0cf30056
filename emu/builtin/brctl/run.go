package brctl

// The `brctl` built-in (bridge-utils 1.7): show, showmacs, addbr, delbr,
// addif, delif, setageing and stp.

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/shell"
	l2switch "github.com/nsemu/nsemu/switch"
	"github.com/nsemu/nsemu/vethsim"
)

// Builtins returns brctl.
func Builtins() []*shell.Builtin {
	return []*shell.Builtin{
		{
			Group: shell.GroupBridge,
			Name:  "brctl",
			Usage: "brctl { show [BR] | showmacs BR | addbr BR | delbr BR | addif BR DEV | delif BR DEV }",
			Help: `Manages the emulated bridges as bridge-utils' brctl does. STP is not
emulated: "brctl stp BR on" is accepted, and ports forward at once.`,
			Run: runBrctl,
		},
	}
}

var brctlCommands = []struct{ name, args, help string }{
	{"addbr", "<bridge>\t\t", "add bridge"},
	{"delbr", "<bridge>\t\t", "delete bridge"},
	{"addif", "<bridge> <device>\t", "add interface to bridge"},
	{"delif", "<bridge> <device>\t", "delete interface from bridge"},
	{"hairpin", "<bridge> <port> {on|off}\t", "turn hairpin on/off"},
	{"setageing", "<bridge> <time>\t\t", "set ageing time"},
	{"setbridgeprio", "<bridge> <prio>\t\t", "set bridge priority"},
	{"setfd", "<bridge> <time>\t\t", "set bridge forward delay"},
	{"sethello", "<bridge> <time>\t\t", "set hello time"},
	{"setmaxage", "<bridge> <time>\t\t", "set max message age"},
	{"setpathcost", "<bridge> <port> <cost>\t", "set path cost"},
	{"setportprio", "<bridge> <port> <prio>\t", "set port priority"},
	{"show", "[ <bridge> ]\t\t", "show a list of bridges"},
	{"showmacs", "<bridge>\t\t", "show a list of mac addrs"},
	{"showstp", "<bridge>\t\t", "show bridge stp info"},
	{"stp", "<bridge> {on|off}\t", "turn stp on/off"},
}

// brctlArgs is how many arguments each command takes (min, max; -1 for
// any number).
var brctlArgs = map[string][2]int{
	"addbr": {1, 1}, "delbr": {1, 1}, "addif": {2, -1}, "delif": {2, -1}, "hairpin": {3, 3},
	"setageing": {2, 2}, "setbridgeprio": {2, 2}, "setfd": {2, 2}, "sethello": {2, 2},
	"setmaxage": {2, 2}, "setpathcost": {3, 3}, "setportprio": {3, 3}, "show": {0, -1},
	"showmacs": {1, 1}, "showstp": {1, 1}, "stp": {2, 2},
}

func brctlHelp() string {
	var b strings.Builder
	b.WriteString("Usage: brctl [commands]\ncommands:\n")
	for _, c := range brctlCommands {
		fmt.Fprintf(&b, "\t%-10s\t%s%s\n", c.name, c.args, c.help)
	}
	return b.String()
}

func runBrctl(c *shell.Cmd) int {
	if len(c.Args) < 2 {
		c.Printf("%s", brctlHelp())
		return 1
	}
	cmd, rest := c.Args[1], c.Args[2:]
	n, ok := brctlArgs[cmd]
	if !ok {
		fmt.Fprintf(c.Stderr, "never heard of command [%s]\n", cmd)
		c.Printf("%s", brctlHelp())
		return 1
	}
	if len(rest) < n[0] || (n[1] >= 0 && len(rest) > n[1]) {
		for _, x := range brctlCommands {
			if x.name == cmd {
				return c.Exit(shell.Failf(1, "Incorrect number of arguments for command\nUsage: brctl %s %s%s", cmd, x.args, x.help))
			}
		}
	}
	b := &brctl{c: c, ns: c.NS}
	var err error
	switch cmd {
	case "show":
		err = b.show(rest)
	case "showmacs":
		err = b.showmacs(rest[0])
	case "addbr":
		err = b.addbr(rest[0])
	case "delbr":
		err = b.delbr(rest[0])
	case "addif":
		err = b.addif(rest[0], rest[1:])
	case "delif":
		err = b.delif(rest[0], rest[1:])
	case "setageing":
		err = b.setageing(rest[0], rest[1])
	case "stp":
		err = b.stp(rest[0], rest[1])
	default:
		err = shell.Failf(1, "nsemu: \"brctl %s\" is not emulated (STP is not emulated)", cmd)
	}
	return c.Exit(err)
}

type brctl struct {
	c  *shell.Cmd
	ns *emu.Namespace
}

// bridge returns a bridge device by name, or nil.
func (b *brctl) bridge(name string) *emu.Device {
	d, err := b.ns.Link(name)
	if err != nil || d.Kind != emu.KindBridge {
		return nil
	}
	return d
}

func bridgeID(d *emu.Device) string {
	return "8000." + strings.ReplaceAll(d.MAC().String(), ":", "")
}

func (b *brctl) show(names []string) error {
	var bridges []*emu.Device
	var errs bytes.Buffer
	status := 0
	if len(names) == 0 {
		for _, d := range b.ns.Links() {
			if d.Kind == emu.KindBridge {
				bridges = append(bridges, d)
			}
		}
		sort.Slice(bridges, func(i, j int) bool { return bridges[i].Name() < bridges[j].Name() })
	} else {
		for _, n := range names {
			d, err := b.ns.Link(n)
			switch {
			case err != nil:
				fmt.Fprintf(&errs, "bridge %s does not exist!\n", n)
				status = 1
			case d.Kind != emu.KindBridge:
				fmt.Fprintf(&errs, "device %s is not a bridge!\n", n)
				status = 1
			default:
				bridges = append(bridges, d)
			}
		}
	}
	if len(bridges) > 0 || len(names) == 0 {
		b.c.Printf("bridge name\tbridge id\t\tSTP enabled\tinterfaces\n")
	}
	for _, d := range bridges {
		var ports []string
		for _, p := range b.ns.Slaves(d.Name()) {
			ports = append(ports, p.Name())
		}
		sort.Strings(ports)
		b.c.Printf("%s\t\t%s\t%s\t\t", d.Name(), bridgeID(d), "no")
		if len(ports) == 0 {
			b.c.Printf("\n")
		}
		for i, p := range ports {
			if i > 0 {
				b.c.Printf("\t\t\t\t\t\t\t")
			}
			b.c.Printf("%s\n", p)
		}
	}
	if status != 0 {
		return &shell.ExitError{Status: status, Msg: strings.TrimSuffix(errs.String(), "\n")}
	}
	return nil
}

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
		local := "no"
		if e.Local {
			local = "yes"
		}
		age := e.Age
		if e.Local {
			age = 0
		}
		sec := int(age / time.Second)
		cs := int(age%time.Second) / int(10*time.Millisecond)
		b.c.Printf("%3d\t%s\t%s\t\t%4d.%02d\n", portNo[e.Port], e.MAC, local, sec, cs)
	}
	return nil
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

func (b *brctl) addif(brName string, ifaces []string) error {
	for _, ifname := range ifaces {
		br, brErr := b.ns.Link(brName)
		d, err := b.ns.Link(ifname)
		switch {
		case err != nil:
			return shell.Failf(1, "interface %s does not exist!", ifname)
		case brErr != nil:
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
		if err := b.ns.SetMaster(ifname, brName); err != nil {
			return shell.Failf(1, "can't add %s to bridge %s: %v", ifname, brName, err)
		}
	}
	return nil
}

func (b *brctl) delif(brName string, ifaces []string) error {
	for _, ifname := range ifaces {
		br, brErr := b.ns.Link(brName)
		d, err := b.ns.Link(ifname)
		switch {
		case err != nil:
			return shell.Failf(1, "interface %s does not exist!", ifname)
		case brErr != nil || br.Kind != emu.KindBridge:
			return shell.Failf(1, "bridge %s does not exist!", brName)
		case d.Master() != br:
			return shell.Failf(1, "device %s is not a port of %s", ifname, brName)
		}
		if err := b.ns.SetNoMaster(ifname); err != nil {
			return shell.Failf(1, "can't delete %s from %s: %v", ifname, brName, err)
		}
	}
	return nil
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
