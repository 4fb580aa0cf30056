package docker

import (
	"encoding/hex"
	"fmt"
	"net"
	"net/netip"
	"regexp"
	"sort"
	"time"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/stack/netfilter"
)

// randHex returns n random hex digits (an id, a veth name's tail), drawn
// from the engine's source: the world's seed decides them.
func (e *Engine) randHex(n int) string {
	b := make([]byte, (n+1)/2)
	e.rngMu.Lock()
	for i := range b {
		b[i] = byte(e.rng.Uint32())
	}
	e.rngMu.Unlock()
	return hex.EncodeToString(b)[:n]
}

func (e *Engine) randUint32() uint32 {
	e.rngMu.Lock()
	defer e.rngMu.Unlock()
	return e.rng.Uint32()
}

// Network is a Docker network: the predefined bridge, host and none, or a
// user-defined bridge network.
type Network struct {
	ID     string
	Name   string
	Driver string // bridge, host, null
	// Bridge is the bridge device (docker0, br-<12 hex>); Subnet and
	// Gateway its addresses.
	Bridge  string
	Subnet  netip.Prefix
	Gateway netip.Addr
	// UserSubnet is set when the subnet was given (--subnet): only then
	// may containers ask for an address (--ip).
	UserSubnet bool
	// Default marks the default bridge network (no DNS between
	// containers; the deprecated top-level NetworkSettings fields).
	Default bool
	Created time.Time

	used map[netip.Addr]bool
}

// IsBridge reports whether the network is a bridge network.
func (n *Network) IsBridge() bool { return n.Driver == "bridge" }

// ShortID is the first 12 characters of the ID.
func (n *Network) ShortID() string { return n.ID[:12] }

// allocate takes an address: want if valid, else the lowest free one.
// The engine's mu must be held, as for release.
func (n *Network) allocate(want netip.Addr) (netip.Addr, error) {
	if want.IsValid() {
		if !n.Subnet.Contains(want) {
			return netip.Addr{}, daemonErr("Invalid address %s: It does not belong to any of this network's subnets", want)
		}
		if n.used[want] || want == n.Gateway || want == n.Subnet.Masked().Addr() || want == broadcast(n.Subnet) {
			return netip.Addr{}, daemonErr("Address already in use")
		}
		n.used[want] = true
		return want, nil
	}
	last := broadcast(n.Subnet)
	for a := n.Subnet.Masked().Addr().Next(); a.IsValid() && a.Less(last); a = a.Next() {
		if a == n.Gateway || n.used[a] {
			continue
		}
		n.used[a] = true
		return a, nil
	}
	return netip.Addr{}, daemonErr("no available IPv4 addresses on this network's address pools: %s (%s)", n.Name, n.ID)
}

// release frees an address allocate took.
func (n *Network) release(a netip.Addr) { delete(n.used, a) }

func broadcast(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().As4()
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	v |= (1 << (32 - p.Bits())) - 1
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

func sortNetworks(ns []*Network) {
	sort.SliceStable(ns, func(i, j int) bool { return ns[i].Name < ns[j].Name })
}

// ---- iptables, as Docker writes them ----

func pm(port uint16) *netfilter.PortMatch { return &netfilter.PortMatch{Lo: port, Hi: port} }

func hostPrefix(a netip.Addr) netip.Prefix { return netip.PrefixFrom(a, 32) }

// installChains creates Docker's chains and the jumps to them.
func (e *Engine) installChains() error {
	st := e.ns.Stack()
	for _, ch := range []string{"DOCKER", "DOCKER-ISOLATION-STAGE-1", "DOCKER-ISOLATION-STAGE-2", "DOCKER-USER"} {
		if err := st.Netfilter().NewChain("filter", ch); err != nil && err != netfilter.ErrChainExists {
			return fmt.Errorf("iptables -N %s: %w", ch, err)
		}
	}
	if err := st.Netfilter().NewChain("nat", "DOCKER"); err != nil && err != netfilter.ErrChainExists {
		return fmt.Errorf("iptables -t nat -N DOCKER: %w", err)
	}
	type tr struct {
		table, chain string
		r            netfilter.Rule
	}
	for _, x := range []tr{
		{"filter", "FORWARD", netfilter.Rule{Target: "DOCKER-USER"}},
		{"filter", "FORWARD", netfilter.Rule{Target: "DOCKER-ISOLATION-STAGE-1"}},
		{"filter", "DOCKER-ISOLATION-STAGE-1", netfilter.Rule{Target: "RETURN"}},
		{"filter", "DOCKER-ISOLATION-STAGE-2", netfilter.Rule{Target: "RETURN"}},
		{"filter", "DOCKER-USER", netfilter.Rule{Target: "RETURN"}},
		{"nat", "PREROUTING", netfilter.Rule{DstType: "LOCAL", Target: "DOCKER"}},
		{"nat", "OUTPUT", netfilter.Rule{Dst: netip.MustParsePrefix("127.0.0.0/8"), NotDst: true, DstType: "LOCAL", Target: "DOCKER"}},
	} {
		if err := st.Netfilter().Append(x.table, x.chain, x.r); err != nil {
			return fmt.Errorf("iptables -t %s -A %s: %w", x.table, x.chain, err)
		}
	}
	return st.Netfilter().SetPolicy("filter", "FORWARD", "DROP")
}

// netRules are the rules of one bridge network: where they go, and the
// 1-based position Docker inserts them at (0 appends).
type netRule struct {
	table, chain string
	pos          int
	r            netfilter.Rule
}

func (n *Network) rules() []netRule {
	br := n.Bridge
	return []netRule{
		// After the DOCKER-USER and DOCKER-ISOLATION-STAGE-1 jumps, newer
		// networks first.
		{"filter", "FORWARD", 3, netfilter.Rule{Out: br, CtState: "RELATED,ESTABLISHED", Target: "ACCEPT"}},
		{"filter", "FORWARD", 4, netfilter.Rule{Out: br, Target: "DOCKER"}},
		{"filter", "FORWARD", 5, netfilter.Rule{In: br, Out: br, NotOut: true, Target: "ACCEPT"}},
		{"filter", "FORWARD", 6, netfilter.Rule{In: br, Out: br, Target: "ACCEPT"}},
		{"filter", "DOCKER-ISOLATION-STAGE-1", 1, netfilter.Rule{In: br, Out: br, NotOut: true, Target: "DOCKER-ISOLATION-STAGE-2"}},
		{"filter", "DOCKER-ISOLATION-STAGE-2", 1, netfilter.Rule{Out: br, Target: "DROP"}},
		{"nat", "POSTROUTING", 1, netfilter.Rule{Src: n.Subnet.Masked(), Out: br, NotOut: true, Target: "MASQUERADE"}},
		{"nat", "DOCKER", 1, netfilter.Rule{In: br, Target: "RETURN"}},
	}
}

// setupBridge creates a bridge network's device and rules; on failure it
// leaves nothing behind.
func (e *Engine) setupBridge(n *Network) error {
	h := e.ns
	if d, err := h.Link(n.Bridge); err == nil && n.Default {
		// An existing docker0 (made by hand) is used as it is.
		if d.Kind != emu.KindBridge {
			return daemonErr("failed to start daemon: Error initializing network controller: %s is not a bridge", n.Bridge)
		}
	} else {
		mac := net.HardwareAddr{0x02, 0x42, byte(e.randUint32()), byte(e.randUint32()), byte(e.randUint32()), byte(e.randUint32())}
		if _, err := h.AddBridgeWithMAC(n.Bridge, mac); err != nil {
			return daemonErr("Failed to program NAT chain: could not create bridge %s: %v", n.Bridge, err)
		}
	}
	undo := func() { _ = h.DelLink(n.Bridge) }
	if err := h.AddAddr(n.Bridge, netip.PrefixFrom(n.Gateway, n.Subnet.Bits())); err != nil && err.Error() != "RTNETLINK answers: File exists" {
		undo()
		return daemonErr("failed to set up %s: %v", n.Bridge, err)
	}
	if err := h.SetLinkUp(n.Bridge, true); err != nil {
		undo()
		return err
	}
	st := h.Stack()
	for i, x := range n.rules() {
		if err := st.Netfilter().Insert(x.table, x.chain, x.pos, x.r); err != nil {
			e.deleteRules(n.rules()[:i])
			undo()
			return daemonErr("Failed to program %s chain: iptables --wait -t %s -I %s: %v", x.chain, x.table, x.chain, err)
		}
	}
	return nil
}

func (e *Engine) deleteRules(rs []netRule) {
	st := e.ns.Stack()
	for _, x := range rs {
		_ = st.Netfilter().Delete(x.table, x.chain, x.r)
	}
}

// teardownBridge removes a user network's rules and bridge.
func (e *Engine) teardownBridge(n *Network) {
	e.deleteRules(n.rules())
	_ = e.ns.DelLink(n.Bridge)
}

// ---- docker network create / rm / connect / disconnect ----

// NetworkOptions are docker network create's options.
type NetworkOptions struct {
	Name    string
	Driver  string // "" or bridge
	Subnet  string // CIDR, or ""
	Gateway string // address, or ""
}

var validName = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]*$`)

// defaultPools are Docker's default address pools: 172.17–31.0.0/16, then
// 192.168.0.0/16 in /20s.
func defaultPools() []netip.Prefix {
	var out []netip.Prefix
	for i := 17; i <= 31; i++ {
		out = append(out, netip.PrefixFrom(netip.AddrFrom4([4]byte{172, byte(i), 0, 0}), 16))
	}
	for i := 0; i < 256; i += 16 {
		out = append(out, netip.PrefixFrom(netip.AddrFrom4([4]byte{192, 168, byte(i), 0}), 20))
	}
	return out
}

// CreateNetwork is docker network create: a bridge br-<12 hex> with its own
// subnet (the next free default pool unless given) and Docker's rules.
func (e *Engine) CreateNetwork(o NetworkOptions) (*Network, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.checkLocked(); err != nil {
		return nil, err
	}
	if o.Driver != "" && o.Driver != "bridge" {
		return nil, daemonErr("plugin %q not found", o.Driver)
	}
	if !validName.MatchString(o.Name) {
		return nil, daemonErr("invalid network name %q, only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", o.Name)
	}
	for _, n := range e.networks {
		if n.Name == o.Name {
			return nil, daemonErr("network with name %s already exists", o.Name)
		}
	}
	n := &Network{ID: e.randHex(64), Name: o.Name, Driver: "bridge", Created: e.now(), used: map[netip.Addr]bool{}}
	n.Bridge = "br-" + n.ID[:12]
	switch {
	case o.Subnet != "":
		p, err := netip.ParsePrefix(o.Subnet)
		if err != nil || !p.Addr().Is4() {
			return nil, daemonErr("invalid CIDR address: %s", o.Subnet)
		}
		if p.Bits() > 30 {
			return nil, daemonErr("invalid network config:\ninvalid subnet %s: prefix length must be at most /30", o.Subnet)
		}
		for _, x := range e.networks {
			if x.Subnet.IsValid() && x.Subnet.Overlaps(p) {
				return nil, daemonErr("Pool overlaps with other one on this address space")
			}
		}
		n.Subnet, n.UserSubnet = p, true
	case o.Gateway != "":
		return nil, daemonErr("every ip-range or gateway must have a corresponding subnet")
	default:
		for _, p := range defaultPools() {
			if !e.poolTakenLocked(p) {
				n.Subnet = p
				break
			}
		}
		if !n.Subnet.IsValid() {
			return nil, daemonErr("could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network")
		}
	}
	if o.Gateway != "" {
		g, err := netip.ParseAddr(o.Gateway)
		if err != nil || !g.Is4() {
			return nil, daemonErr("invalid gateway address %s", o.Gateway)
		}
		if !n.Subnet.Contains(g) {
			return nil, daemonErr("no matching subnet for gateway %s", o.Gateway)
		}
		n.Gateway = g
	} else {
		n.Gateway = n.Subnet.Masked().Addr().Next()
	}
	if err := e.setupBridge(n); err != nil {
		return nil, err
	}
	e.networks = append(e.networks, n)
	return n, nil
}

// poolTakenLocked reports whether a default pool overlaps a network or one
// of the engine's namespace's routes (Docker skips those too). e.mu must
// be held.
func (e *Engine) poolTakenLocked(p netip.Prefix) bool {
	for _, n := range e.networks {
		if n.Subnet.IsValid() && n.Subnet.Overlaps(p) {
			return true
		}
	}
	for _, r := range e.ns.Stack().Routes() {
		if r.Dst.Bits() > 0 && r.Dst.Overlaps(p) {
			return true
		}
	}
	return false
}

// RemoveNetwork is docker network rm.
func (e *Engine) RemoveNetwork(ref string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.checkLocked(); err != nil {
		return err
	}
	n, err := e.networkLocked(ref)
	if err != nil {
		return err
	}
	if n.Default || n.Driver != "bridge" {
		return daemonErr("%s is a pre-defined network and cannot be removed", n.Name)
	}
	for _, c := range e.containers {
		if c.state == StateRunning && c.endpointOn(n) != nil {
			return daemonErr("error while removing network: network %s id %s has active endpoints", n.Name, n.ID)
		}
	}
	for _, c := range e.containers {
		c.dropAttach(n)
	}
	e.teardownBridge(n)
	for i, x := range e.networks {
		if x == n {
			e.networks = append(e.networks[:i:i], e.networks[i+1:]...)
			break
		}
	}
	return nil
}

// netAndContainerLocked finds the network and the container that
// connect and disconnect name. e.mu must be held.
func (e *Engine) netAndContainerLocked(netRef, ctrRef string) (*Network, *Container, error) {
	if err := e.checkLocked(); err != nil {
		return nil, nil, err
	}
	n, err := e.networkLocked(netRef)
	if err != nil {
		return nil, nil, err
	}
	c, err := e.containerLocked(ctrRef)
	if err != nil {
		return nil, nil, err
	}
	return n, c, nil
}

// Connect is docker network connect: the container joins the network now
// if it runs, else when it starts.
func (e *Engine) Connect(netRef, ctrRef string, ip netip.Addr) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	n, c, err := e.netAndContainerLocked(netRef, ctrRef)
	if err != nil {
		return err
	}
	if !n.IsBridge() || c.mode == modeHost || c.mode == modeNone || c.mode == modeContainer {
		if n.Driver == "host" || c.mode == modeHost {
			return daemonErr("container cannot be disconnected from host network or connected to host network")
		}
		return daemonErr("container %s: network mode does not allow connecting to %s", c.ID, n.Name)
	}
	if ip.IsValid() {
		if err := checkUserIP(n, ip); err != nil {
			return err
		}
	}
	for _, a := range c.attach {
		if a.net == n {
			return daemonErr("endpoint with name %s already exists in network %s", c.Name, n.Name)
		}
	}
	att := &attachment{net: n, ip: ip}
	c.attach = append(c.attach, att)
	if c.state == StateRunning {
		if err := e.joinLocked(c, att); err != nil {
			c.attach = c.attach[:len(c.attach)-1]
			return err
		}
	}
	return nil
}

// Disconnect is docker network disconnect.
func (e *Engine) Disconnect(netRef, ctrRef string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	n, c, err := e.netAndContainerLocked(netRef, ctrRef)
	if err != nil {
		return err
	}
	if n.Driver == "host" || c.mode == modeHost {
		return daemonErr("container cannot be disconnected from host network or connected to host network")
	}
	found := false
	for _, a := range c.attach {
		found = found || a.net == n
	}
	if !found {
		return daemonErr("container %s is not connected to network %s", c.ID, n.Name)
	}
	if ep := c.endpointOn(n); ep != nil {
		e.leaveLocked(c, ep)
	}
	c.dropAttach(n)
	return nil
}

func checkUserIP(n *Network, ip netip.Addr) error {
	if n.Default {
		return daemonErr("user specified IP address is supported on user defined networks only")
	}
	if !n.UserSubnet {
		return daemonErr("user specified IP address is supported only when connecting to networks with user configured subnets")
	}
	if !n.Subnet.Contains(ip) {
		return daemonErr("Invalid address %s: It does not belong to any of this network's subnets", ip)
	}
	return nil
}
