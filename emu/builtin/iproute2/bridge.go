package iproute2

// The `bridge` built-in (iproute2's bridge): bridge link and bridge fdb.

import (
	"fmt"
	"sort"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/shell"
)

const bridgeUsage = `Usage: bridge [ OPTIONS ] OBJECT { COMMAND | help }
where  OBJECT := { link | fdb | mdb | vlan | monitor }
       OPTIONS := { -V[ersion] | -s[tatistics] | -d[etails] |
                    -o[neline] | -t[imestamp] | -n[etns] name |
                    -c[ompressvlans] -color -p[retty] -j[son] }`

func runBridge(c *shell.Cmd) int {
	ip := &ipCmd{c: c, ns: c.NS, out: c.Stdout, errOut: c.Stderr}
	return c.Exit(ip.runBridge(c.Args[1:]))
}

func (ip *ipCmd) runBridge(argv []string) error {
	a := &args{a: argv}
	if err := ip.parseGlobalOpts(a, "bridge"); err != nil {
		if e, ok := err.(*shell.ExitError); ok && e.Status == 0 {
			return nil
		}
		return err
	}
	if !a.more() {
		return shell.Failf(255, "%s", bridgeUsage)
	}
	obj := a.cur()
	a.advance()
	switch {
	case matches(obj, "link"):
		return ip.bridgeLink(a)
	case matches(obj, "fdb"):
		return ip.bridgeFDB(a)
	case matches(obj, "mdb"), matches(obj, "vlan"), matches(obj, "monitor"):
		return shell.Failf(1, "nsemu: \"bridge %s\" is not emulated (supported: link, fdb)", obj)
	case matches(obj, "help"):
		return shell.Failf(255, "%s", bridgeUsage)
	}
	return shell.Failf(255, "Object %q is unknown, try \"bridge help\".", obj)
}

// portState is the STP state `bridge link` shows: without STP a port
// forwards as soon as it, its carrier and its bridge are up.
func portState(d *emu.Device) string {
	m := d.Master()
	if m != nil && m.IsUp() && d.IsUp() && d.Carrier() {
		return "forwarding"
	}
	return "disabled"
}

func (ip *ipCmd) bridgeLink(a *args) error {
	if a.more() {
		cmd := a.cur()
		switch {
		case matches(cmd, "show"), matches(cmd, "lst"), matches(cmd, "list"):
			a.advance()
		case matches(cmd, "set"):
			return shell.Failf(1, "nsemu: \"bridge link set\" is not emulated")
		case matches(cmd, "help"):
			return shell.Failf(255, "Usage: bridge link show [ dev DEV ]")
		default:
			return shell.Failf(255, "Command %q is unknown, try \"bridge link help\".", cmd)
		}
	}
	dev := ""
	for ; a.more(); a.advance() {
		v := a.cur()
		if v == "dev" {
			s, err := a.next()
			if err != nil {
				return err
			}
			v = s
		} else if v == "master" {
			// iproute2 takes `master BR` too.
			if _, err := a.next(); err != nil {
				return err
			}
			continue
		}
		if dev != "" {
			return duparg2("dev", v)
		}
		if _, err := ip.ns.Link(v); err != nil {
			return shell.Failf(255, "Cannot find device %q", v)
		}
		dev = v
	}
	for _, d := range ip.ns.Links() {
		if d.Master() == nil || (dev != "" && d.Name() != dev) {
			continue
		}
		l := viewLink(ip.nsids(), d)
		ip.printf("%d: %s%s: <%s> mtu %d master %s state %s priority 32 cost 2 \n",
			l.index, l.name, l.peer, l.flags(), l.mtu, l.master, portState(d))
	}
	return nil
}

func (ip *ipCmd) bridgeFDB(a *args) error {
	if a.more() {
		cmd := a.cur()
		switch {
		case matches(cmd, "show"), matches(cmd, "lst"), matches(cmd, "list"):
			a.advance()
		case matches(cmd, "add"), matches(cmd, "append"), matches(cmd, "delete"), matches(cmd, "replace"),
			matches(cmd, "get"), matches(cmd, "flush"):
			return shell.Failf(1, "nsemu: \"bridge fdb %s\" is not emulated; the bridge learns by itself", cmd)
		case matches(cmd, "help"):
			return shell.Failf(255, "Usage: bridge fdb [ show [ br BRDEV ] [ brport DEV ] [ dev DEV ] ]")
		default:
			return shell.Failf(255, "Command %q is unknown, try \"bridge fdb help\".", cmd)
		}
	}
	var br, port string
	dynamicOnly := false
	for ; a.more(); a.advance() {
		switch v := a.cur(); v {
		case "br", "brport", "dev":
			s, err := a.next()
			if err != nil {
				return err
			}
			d, err := ip.ns.Link(s)
			if v == "br" {
				if err != nil || d.Kind != emu.KindBridge {
					return shell.Failf(255, "Cannot find bridge device %q", s)
				}
				br = s
				continue
			}
			if err != nil {
				return shell.Failf(255, "Cannot find device %q", s)
			}
			port = s
		case "vlan", "state":
			if _, err := a.next(); err != nil {
				return err
			}
		case "dynamic":
			dynamicOnly = true
		default:
			if port != "" {
				return duparg2("dev", v)
			}
			if _, err := ip.ns.Link(v); err != nil {
				return shell.Failf(255, "Cannot find device %q", v)
			}
			port = v
		}
	}
	type row struct {
		index int
		mac   string
		text  string
	}
	var rows []row
	for _, b := range ip.ns.Links() {
		if b.Kind != emu.KindBridge || (br != "" && b.Name() != br) || b.Bridge() == nil {
			continue
		}
		for _, e := range b.Bridge().FDB() {
			if dynamicOnly && e.Local {
				continue
			}
			if port != "" && e.Port != port {
				continue
			}
			index := b.Index()
			if e.Port != b.Name() {
				if d, err := ip.ns.Link(e.Port); err == nil {
					index = d.Index()
				}
			}
			text := e.MAC.String()
			if port == "" {
				text += " dev " + e.Port
			}
			text += " master " + b.Name()
			if e.Local {
				text += " permanent"
			} else {
				text += " "
			}
			rows = append(rows, row{index, e.MAC.String(), text})
		}
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].index != rows[j].index {
			return rows[i].index < rows[j].index
		}
		return rows[i].mac < rows[j].mac
	})
	for _, r := range rows {
		fmt.Fprintln(ip.out, r.text)
	}
	return nil
}
