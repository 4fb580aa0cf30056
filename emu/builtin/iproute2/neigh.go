package iproute2

// ip neigh: the neighbour (ARP) table of the namespace.

import (
	"net"
	"net/netip"
	"slices"

	"gvisor.dev/gvisor/pkg/tcpip"

	"github.com/nsemu/nsemu/emu/shell"
	"github.com/nsemu/nsemu/stack"
)

func runIPNeigh(ip *ipCmd, a *args) error {
	cmd, ok := a.word()
	if !ok {
		return ip.neighList(a, false)
	}
	switch {
	case matches(cmd, "add"):
		return ip.neighModify(a, "add")
	case matches(cmd, "change"), cmd == "chg":
		return ip.neighModify(a, "change")
	case matches(cmd, "replace"):
		return ip.neighModify(a, "replace")
	case matches(cmd, "delete"):
		return ip.neighModify(a, "delete")
	case matches(cmd, "get"):
		return shell.Failf(1, "nsemu: \"ip neigh get\" is not emulated; use ip neigh show ADDR dev DEV")
	case matches(cmd, "show"), matches(cmd, "lst"), matches(cmd, "list"):
		return ip.neighList(a, false)
	case matches(cmd, "flush"):
		return ip.neighList(a, true)
	case matches(cmd, "help"):
		return usage(neighModifyUsage + "\n       ip neigh { show | flush } [ to PREFIX ] [ dev DEV ] [ nud STATE ]")
	}
	return shell.Failf(255, "Command %q is unknown, try \"ip neigh help\".", cmd)
}

const (
	neighListUsage   = "Usage: ip neigh { show | flush } [ to PREFIX ] [ dev DEV ] [ nud STATE ]"
	neighModifyUsage = "Usage: ip neigh { add | del | change | replace } ADDR [ lladdr LLADDR ] [ nud STATE ] dev DEV"
)

// nudStates are the neighbour states by their ip neigh names.
var nudStates = map[string]string{
	"permanent": "PERMANENT", "reachable": "REACHABLE", "stale": "STALE", "incomplete": "INCOMPLETE",
	"delay": "DELAY", "probe": "PROBE", "failed": "FAILED", "noarp": "NOARP", "none": "NONE",
}

// neighReq is a parsed ip neigh command line: a selection for show and
// flush (list), an entry for add, change, replace and delete.
type neighReq struct {
	list bool
	dev  string
	// to is the selected prefix (list) or the entry's address (a /32).
	to    netip.Prefix
	hasTo bool
	// states are the selected states (list; nil: any).
	states map[string]bool
	// proxy: list proxy entries, which nsemu has none of.
	proxy bool
	// nud is the entry's state (ip neigh's name).
	nud string
	mac net.HardwareAddr
}

// neighParser is the state of parseNeigh.
type neighParser struct {
	*neighReq
	env names
}

// neighKeywords are ip neigh's words. show and flush (ipneigh_list_or_flush)
// take the first and third parts, the changing commands (ipneigh_modify)
// the first and second.
var (
	neighShared = []keyword[*neighParser]{
		{name: "dev", args: 1, apply: (*neighParser).setDev},
		{name: "nud", args: 1, apply: (*neighParser).setNud},
		{name: "proxy", rest: true, apply: (*neighParser).setProxy},
		{name: "protocol", args: 1},
	}
	neighModifyKeywords = slices.Concat(neighShared,
		[]keyword[*neighParser]{{name: "lladdr", args: 1, apply: (*neighParser).setLLAddr}},
		ignored[*neighParser](0, "router", "extern_learn", "use", "managed"))
	neighListKeywords = slices.Concat(neighShared,
		ignored[*neighParser](0, "unused", "all"),
		ignored[*neighParser](1, "vrf", "master"))
)

// parseNeigh parses ip neigh's words, for show and flush when list is set.
func parseNeigh(a *args, env names, list bool) (*neighReq, error) {
	p := &neighParser{neighReq: &neighReq{list: list}, env: env}
	table := neighModifyKeywords
	if list {
		table = neighListKeywords
	} else {
		p.nud = "permanent"
	}
	if err := walk(a, p, table, (*neighParser).positional); err != nil {
		return nil, err
	}
	if !list && (p.dev == "" || !p.hasTo) {
		return nil, shell.Failf(255, "Device and destination are required arguments.")
	}
	return p.neighReq, nil
}

// setDev: show and flush look the device up at once, the others later.
func (p *neighParser) setDev(v []string) error {
	if p.list {
		if _, ok := p.env.link(v[0]); !ok {
			return nodev(v[0])
		}
	}
	p.dev = v[0]
	return nil
}

func (p *neighParser) setNud(v []string) error {
	if p.list && v[0] == "all" {
		p.states = map[string]bool{}
		for _, st := range nudStates {
			p.states[st] = true
		}
		return nil
	}
	st, ok := nudStates[v[0]]
	if !ok {
		return invarg("nud state is bad", v[0])
	}
	if p.list {
		if p.states == nil {
			p.states = map[string]bool{}
		}
		p.states[st] = true
	}
	p.nud = v[0]
	return nil
}

func (p *neighParser) setProxy([]string) error {
	if !p.list {
		return shell.Failf(2, "nsemu: proxy neighbour entries are not emulated")
	}
	p.proxy = true
	return nil
}

func (p *neighParser) setLLAddr(v []string) error {
	m, err := parseLLAddr(v[0])
	p.mac = m
	return err
}

// positional takes [to] PREFIX (show, flush) or [to] ADDR.
func (p *neighParser) positional(a *args) error {
	v, err := a.after("to")
	if err != nil {
		return err
	}
	if matches(v, "help") {
		if p.list {
			return usage(neighListUsage)
		}
		return usage(neighModifyUsage)
	}
	if p.hasTo {
		return duparg2("to", v)
	}
	if p.list {
		pfx, _, ok := parsePrefix(v, true)
		if !ok {
			return errPrefix(v)
		}
		p.to, p.hasTo = pfx.Masked(), true
		return nil
	}
	addr, ok := parseIPv4(v)
	if !ok {
		return errAddress(v)
	}
	p.to, p.hasTo = netip.PrefixFrom(addr, 32), true
	return nil
}

// picks reports whether a show or flush selection picks n.
func (r *neighReq) picks(n stack.Neighbor) bool {
	switch {
	case r.dev != "" && n.Dev != r.dev, r.hasTo && !r.to.Contains(n.Addr), n.State == "NONE":
		return false
	}
	return r.states == nil || r.states[n.State]
}

func (ip *ipCmd) neighList(a *args, flush bool) (err error) {
	if flush && !a.more() {
		return shell.Failf(1, "Flush requires arguments.")
	}
	r, err := parseNeigh(a, ip.names(), true)
	if err != nil || r.proxy {
		return err
	}
	st := ip.ns.Stack()
	objs := []jsonObject{}
	defer func() {
		if ip.opts.json && !flush && err == nil {
			err = ip.printJSON(objs)
		}
	}()
	for _, n := range st.Neighbors() {
		switch {
		case !r.picks(n):
		case !flush && ip.opts.json:
			objs = append(objs, neighJSON(n, r.dev == ""))
		case !flush:
			ip.printf("%s\n", neighLine(n, r.dev == ""))
		case r.states == nil && n.State == "PERMANENT":
			// flush keeps permanent entries unless asked
		default:
			if err := st.DelNeighbor(n.Dev, n.Addr); err != nil {
				return emuErr(err)
			}
		}
	}
	return nil
}

func (ip *ipCmd) neighModify(a *args, how string) error {
	r, err := parseNeigh(a, ip.names(), false)
	if err != nil {
		return err
	}
	d, err := ip.ns.Link(r.dev)
	if err != nil {
		return nodev(r.dev)
	}
	st, dst := ip.ns.Stack(), r.to.Addr()
	exists := slices.ContainsFunc(st.Neighbors(), func(n stack.Neighbor) bool {
		return n.Dev == r.dev && n.Addr == dst && n.State != "NONE"
	})
	if how == "delete" {
		if !exists {
			return errNoSuchFile
		}
		return emuErr(st.DelNeighbor(r.dev, dst))
	}
	switch {
	case r.nud != "permanent" && r.nud != "noarp":
		return shell.Failf(2, "nsemu: only permanent neighbour entries can be added (nud %s)", r.nud)
	case r.mac == nil:
		return rtnl("Error: No link layer address given.")
	case len(r.mac) != 6:
		return errInvalidArg
	}
	if err := l3Check(d); err != nil {
		return err
	}
	switch {
	case how == "add" && exists:
		return errFileExists
	case how == "change" && !exists:
		return errNoSuchFile
	}
	return emuErr(st.AddNeighbor(r.dev, dst, tcpip.LinkAddress(r.mac)))
}
