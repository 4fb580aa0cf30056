package iproute2

// The bridge tool (iproute2's bridge): bridge link and bridge fdb.

import (
	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/shell"
)

const bridgeUsage = `Usage: bridge [ OPTIONS ] OBJECT { COMMAND | help }
where  OBJECT := { link | fdb | mdb | vlan | monitor }
       OPTIONS := { -V[ersion] | -s[tatistics] | -d[etails] |
                    -o[neline] | -t[imestamp] | -n[etns] name |
                    -c[ompressvlans] -color -p[retty] -j[son] }`

func runBridge(c *shell.Cmd) int {
	return c.Exit(newIPCmd(c).runBridge(c.Args[1:]))
}

func (ip *ipCmd) runBridge(argv []string) error {
	a := &args{a: argv}
	if ok, err := ip.start(a, "bridge"); !ok {
		return err
	}
	obj, ok := a.word()
	if !ok {
		return usage(bridgeUsage)
	}
	switch {
	case matches(obj, "link"):
		return ip.bridgeLink(a)
	case matches(obj, "fdb"):
		return ip.bridgeFDB(a)
	case matches(obj, "mdb"), matches(obj, "vlan"), matches(obj, "monitor"):
		return shell.Failf(1, "nsemu: \"bridge %s\" is not emulated (supported: link, fdb)", obj)
	case matches(obj, "help"):
		return usage(bridgeUsage)
	}
	return shell.Failf(255, "Object %q is unknown, try \"bridge help\".", obj)
}

// bridgeReq is a parsed bridge link or bridge fdb selection.
type bridgeReq struct {
	br      string // fdb's bridge
	port    string // the port (bridge link's dev)
	dynamic bool   // fdb: learned entries only
}

// bridgeParser is the state of the bridge parsers.
type bridgeParser struct {
	*bridgeReq
	env names
}

var (
	bridgeLinkKeywords = []keyword[*bridgeParser]{
		{name: "dev", args: 1, apply: (*bridgeParser).setPort},
		{name: "master", args: 1}, // iproute2 takes `master BR` too
	}
	fdbKeywords = []keyword[*bridgeParser]{
		{name: "br", args: 1, apply: (*bridgeParser).setBridge},
		{name: "brport", args: 1, apply: (*bridgeParser).setFDBPort},
		{name: "dev", args: 1, apply: (*bridgeParser).setFDBPort},
		{name: "vlan", args: 1},
		{name: "state", args: 1},
		{name: "dynamic", apply: func(p *bridgeParser, _ []string) error { p.dynamic = true; return nil }},
	}
)

// parseBridgeLink parses bridge link show's words.
func parseBridgeLink(a *args, env names) (*bridgeReq, error) {
	return parseBridgeReq(a, env, bridgeLinkKeywords)
}

// parseFDB parses bridge fdb show's words.
func parseFDB(a *args, env names) (*bridgeReq, error) {
	return parseBridgeReq(a, env, fdbKeywords)
}

// parseBridgeReq walks a bridge selection; a word no keyword takes is the
// port.
func parseBridgeReq(a *args, env names, table []keyword[*bridgeParser]) (*bridgeReq, error) {
	p := &bridgeParser{bridgeReq: &bridgeReq{}, env: env}
	if err := walk(a, p, table, (*bridgeParser).positional); err != nil {
		return nil, err
	}
	return p.bridgeReq, nil
}

func (p *bridgeParser) positional(a *args) error { return p.setPort([]string{a.cur()}) }

// setPort takes the one port a selection may name.
func (p *bridgeParser) setPort(v []string) error {
	if p.port != "" {
		return duparg2("dev", v[0])
	}
	return p.setFDBPort(v)
}

// setFDBPort takes a port (fdb's dev and brport may repeat).
func (p *bridgeParser) setFDBPort(v []string) error {
	if _, ok := p.env.link(v[0]); !ok {
		return shell.Failf(255, "Cannot find device %q", v[0])
	}
	p.port = v[0]
	return nil
}

func (p *bridgeParser) setBridge(v []string) error {
	if k, ok := p.env.link(v[0]); !ok || k != emu.KindBridge {
		return shell.Failf(255, "Cannot find bridge device %q", v[0])
	}
	p.br = v[0]
	return nil
}

// showCommand takes bridge OBJECT's command word: show (also the default)
// goes on, other commands end the run with an error.
func showCommand(a *args, object, help string, notEmulated ...string) error {
	if !a.more() {
		return nil
	}
	cmd := a.cur()
	switch {
	case matches(cmd, "show"), matches(cmd, "lst"), matches(cmd, "list"):
		a.advance()
		return nil
	case matches(cmd, "help"):
		return usage(help)
	}
	for _, n := range notEmulated {
		if matches(cmd, n) {
			if object == "link" {
				return shell.Failf(1, "nsemu: \"bridge link set\" is not emulated")
			}
			return shell.Failf(1, "nsemu: \"bridge fdb %s\" is not emulated; the bridge learns by itself", cmd)
		}
	}
	return shell.Failf(255, "Command %q is unknown, try \"bridge %s help\".", cmd, object)
}

func (ip *ipCmd) bridgeLink(a *args) error {
	if err := showCommand(a, "link", "Usage: bridge link show [ dev DEV ]", "set"); err != nil {
		return err
	}
	r, err := parseBridgeLink(a, ip.names())
	if err != nil {
		return err
	}
	objs := []jsonObject{}
	for _, d := range ip.ns.Links() {
		if d.Master() == nil || (r.port != "" && d.Name() != r.port) {
			continue
		}
		l := viewLink(ip.nsids(), d)
		if ip.opts.json {
			objs = append(objs, bridgePortJSON(l))
			continue
		}
		ip.printf("%s\n", bridgePortLine(l))
	}
	if ip.opts.json {
		return ip.printJSON(objs)
	}
	return nil
}

func (ip *ipCmd) bridgeFDB(a *args) error {
	if a.more() {
		for _, cmd := range []string{"add", "append", "delete", "replace"} {
			if matches(a.cur(), cmd) && (cmd != "append" || a.cur() != "a") {
				a.advance()
				return ip.bridgeFDBModify(cmd, a)
			}
		}
	}
	if err := showCommand(a, "fdb", "Usage: bridge fdb [ show [ br BRDEV ] [ brport DEV ] [ dev DEV ] ]",
		"get", "flush"); err != nil {
		return err
	}
	r, err := parseFDB(a, ip.names())
	if err != nil {
		return err
	}
	rows := fdbRows(ip.ns, r)
	if ip.opts.json {
		objs := []jsonObject{}
		for _, row := range rows {
			objs = append(objs, row.json(r.port == ""))
		}
		return ip.printJSON(objs)
	}
	for _, row := range rows {
		ip.printf("%s\n", row.text(r.port == ""))
	}
	return nil
}
