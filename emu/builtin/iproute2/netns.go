package iproute2

// ip netns: list, add, delete and exec in named namespaces; the ids a
// namespace gives its peers.

import (
	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/shell"
)

// netnsReq is a parsed ip netns command line.
type netnsReq struct {
	cmd  string   // "list", "list-id", "add", "delete" or "exec"
	name string   // the namespace
	argv []string // exec's command line
}

const netnsUsage = "Usage:\tip netns list\n\tip netns add NAME\n\tip netns delete NAME\n\tip netns exec NAME cmd ..."

// parseNetns parses what follows `ip netns`. The word after the command
// must be a valid name, whatever the command.
func parseNetns(a *args) (*netnsReq, error) {
	if !a.more() {
		return &netnsReq{cmd: "list"}, nil
	}
	cmd, name := a.cur(), a.peek()
	if a.i+1 < len(a.a) && invalidNetnsName(name) {
		return nil, shell.Failf(255, "Invalid netns name %q", name)
	}
	r := &netnsReq{name: name}
	switch {
	case matches(cmd, "list"), matches(cmd, "show"), matches(cmd, "lst"):
		r.cmd = "list"
		return r, nil
	case matches(cmd, "list-id"):
		r.cmd = "list-id"
		return r, nil
	case matches(cmd, "help"):
		return nil, usage(netnsUsage)
	case matches(cmd, "add"):
		r.cmd = "add"
	case matches(cmd, "delete"):
		r.cmd = "delete"
	case matches(cmd, "exec"):
		r.cmd = "exec"
		if name != "" && a.i+2 >= len(a.a) {
			return nil, shell.Failf(1, "No command specified")
		}
		if name != "" {
			r.argv = a.a[a.i+2:]
		}
	case matches(cmd, "set"), matches(cmd, "identify"), matches(cmd, "pids"), matches(cmd, "monitor"), matches(cmd, "attach"):
		return nil, shell.Failf(1, "nsemu: \"ip netns %s\" is not emulated", cmd)
	default:
		return nil, shell.Failf(255, "Command %q is unknown, try \"ip netns help\".", cmd)
	}
	if name == "" {
		return nil, shell.Failf(1, "No netns name specified")
	}
	return r, nil
}

func runIPNetns(ip *ipCmd, a *args) error {
	r, err := parseNetns(a)
	if err != nil {
		return err
	}
	w := ip.c.World()
	switch r.cmd {
	case "list":
		ip.netnsList(w)
	case "list-id":
		ip.netnsListID(w)
	case "add":
		if _, err := w.AddNamespace(r.name); err != nil {
			return shell.Failf(1, "%s", err.Error())
		}
	case "delete":
		if err := w.DelNamespace(r.name); err != nil {
			return shell.Failf(1, "%s", err.Error())
		}
	case "exec":
		return ip.netnsExec(r)
	}
	return nil
}

// netnsExec runs a command line in a namespace; its status is ip's.
func (ip *ipCmd) netnsExec(r *netnsReq) error {
	ns, err := lookupNetns(ip.names(), r.name)
	if err != nil {
		return err
	}
	if status := ip.c.Sh.Exec(ip.c.Ctx, ns, r.argv, ip.c.Stdin, ip.out, ip.c.Stderr); status != 0 {
		return &shell.ExitError{Status: status}
	}
	return nil
}

func (ip *ipCmd) netnsList(w *emu.World) {
	if ip.opts.json {
		objs := []jsonObject{}
		for _, n := range w.Namespaces() {
			o := jsonObject{{"name", n.Name()}}
			if id := ip.nsids().of(n); id >= 0 {
				o = append(o, jsonField{"id", id})
			}
			objs = append(objs, o)
		}
		_ = ip.printJSON(objs)
		return
	}
	for _, n := range w.Namespaces() {
		if id := ip.nsids().of(n); id >= 0 {
			ip.printf("%s (id: %d)\n", n.Name(), id)
		} else {
			ip.printf("%s\n", n.Name())
		}
	}
}

func (ip *ipCmd) netnsListID(w *emu.World) {
	for _, n := range w.AllNamespaces() {
		id := ip.nsids().of(n)
		switch {
		case id < 0:
		case n.IsHost() || n.Hidden():
			ip.printf("nsid %d \n", id)
		default:
			ip.printf("nsid %d (iproute2 netns name: %s)\n", id, n.Name())
		}
	}
}

// peerNamespace returns the namespace holding the other end of veth d, or
// nil.
func peerNamespace(d *emu.Device) *emu.Namespace {
	if d.Kind != emu.KindVeth || d.End() == nil {
		return nil
	}
	// Fast path: the peer's namespace by the name its end carries.
	peer := d.End().Peer()
	if n, err := d.Namespace().World().Namespace(peer.Namespace()); err == nil {
		if pd, err := n.Link(peer.Name()); err == nil && pd.End() == peer {
			return n
		}
	}
	// A hidden namespace (a Docker container's), or a name taken twice.
	if p := d.Peer(); p != nil {
		return p.Namespace()
	}
	return nil
}

// nsids are the ids a namespace gives the namespaces it shares a veth pair
// with (the N of "ns1 (id: N)" and "link-netnsid N"). Linux allocates one
// when a veth pair first joins the two; nsemu numbers them in creation
// order (the host's, the named ones and Docker's hidden ones, oldest
// first), which gives the same ids for the usual tutorial (ns1, ns2, ns3
// wired in turn).
type nsids struct {
	view *emu.Namespace
	ids  map[*emu.Namespace]int
}

func newNsids(view *emu.Namespace) *nsids {
	n := &nsids{view: view, ids: map[*emu.Namespace]int{}}
	peers := map[*emu.Namespace]bool{}
	for _, d := range view.Links() {
		if p := peerNamespace(d); p != nil && p != view {
			peers[p] = true
		}
	}
	if len(peers) == 0 {
		return n
	}
	id := 0
	for _, ns := range view.World().AllNamespaces() {
		if peers[ns] {
			n.ids[ns] = id
			id++
		}
	}
	return n
}

// of returns the id of ns, or -1.
func (n *nsids) of(ns *emu.Namespace) int {
	if id, ok := n.ids[ns]; ok && ns != nil {
		return id
	}
	return -1
}

// nsids returns the ids the command's namespace gives others, computed once
// per command.
func (ip *ipCmd) nsids() *nsids {
	if ip.ids == nil || ip.ids.view != ip.ns {
		ip.ids = newNsids(ip.ns)
	}
	return ip.ids
}
