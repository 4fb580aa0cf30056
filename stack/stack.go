// Package stack gives each emulated namespace its own gVisor netstack and
// the Linux view of it: devices by name, IPv4 addresses with prefixes,
// connected and static routes, the neighbour table, ip_forward, iptables,
// and sockets for the built-in programs (ping, TCP and UDP through gonet).
//
// gVisor's package is imported as gstack. Every tcpip.Error is turned into a
// Go error here; errors carry the words Linux uses (ErrNetworkUnreachable is
// "Network is unreachable").
//
// A Stack is safe for concurrent use. Its methods never block on the network
// except the socket and ping calls, which block on the emulator clock.
package stack

import (
	"errors"
	"fmt"
	randv2 "math/rand/v2"
	"net/netip"
	"sort"
	"sync"
	"sync/atomic"

	"gvisor.dev/gvisor/pkg/buffer"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/link/loopback"
	"gvisor.dev/gvisor/pkg/tcpip/network/arp"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv6"
	gstack "gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/tcpip/transport/icmp"
	"gvisor.dev/gvisor/pkg/tcpip/transport/raw"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
	"gvisor.dev/gvisor/pkg/tcpip/transport/udp"

	"github.com/nsemu/nsemu/emu/trace"
	"github.com/nsemu/nsemu/stack/netfilter"
)

// Errors with the words Linux uses.
var (
	ErrNetworkUnreachable = errors.New("Network is unreachable")
	ErrExists             = errors.New("File exists")
	ErrNoSuchProcess      = errors.New("No such process")
	ErrNoSuchDevice       = errors.New("Cannot find device")
	ErrAddrNotAvailable   = errors.New("Cannot assign requested address")
	ErrInvalidGateway     = errors.New("Nexthop has invalid gateway")
)

// DeviceError names the device an error is about.
type DeviceError struct {
	Dev string
	Err error
}

func (e *DeviceError) Error() string {
	if e.Err == ErrNoSuchDevice {
		return fmt.Sprintf("Cannot find device %q", e.Dev)
	}
	return fmt.Sprintf("%s: %v", e.Dev, e.Err)
}

func (e *DeviceError) Unwrap() error { return e.Err }

func noDevice(name string) error { return &DeviceError{Dev: name, Err: ErrNoSuchDevice} }

// Config sets up a stack.
type Config struct {
	// Name of the namespace, for events ("host" for the root namespace).
	Name string
	// Clock shared by all stacks; required.
	Clock tcpip.Clock
	// Bus receives neighbour, route, NAT and drop events; may be nil.
	Bus *trace.Bus
	// Loopback is lo's link endpoint: gVisor's loopback when nil, or one
	// wrapping it (emu's, which can hold a qdisc).
	Loopback gstack.LinkEndpoint
}

// Link is what a device needs to become a NIC: a gVisor link endpoint.
type Link interface {
	gstack.LinkEndpoint
}

// forwardingAware links are told when their namespace starts forwarding
// (vethsim ends re-segment large packets then).
type forwardingAware interface {
	SetSegmentOnReceive(bool)
}

// NIC is a device known to the stack.
type NIC struct {
	ID    tcpip.NICID
	Name  string
	Link  Link
	Up    bool
	Addrs []netip.Prefix
	// Loopback is true for lo.
	Loopback bool
}

// Route is a routing table entry.
type Route struct {
	// Dst is the destination prefix; 0.0.0.0/0 for the default route.
	Dst netip.Prefix
	// Gateway is the next hop; invalid for a directly connected route.
	Gateway netip.Addr
	// Dev is the output device.
	Dev string
	// Src is the preferred source (set on connected routes).
	Src netip.Addr
	// Metric is the route's priority (lower wins among equal prefixes).
	Metric int
	// Kernel marks connected routes made from an address ("proto kernel").
	Kernel bool
}

// IsDefault reports whether r is a default route.
func (r Route) IsDefault() bool { return r.Dst.Bits() == 0 }

// Stack is one namespace's network stack.
type Stack struct {
	name  string
	clock tcpip.Clock
	bus   *trace.Bus
	s     *gstack.Stack
	nf    *netfilter.Tables

	mu   sync.Mutex
	nics map[tcpip.NICID]*NIC
	// nicNames maps NIC IDs to names for nicName (written under mu).
	nicNames   sync.Map
	routes     []Route // static routes; connected ones are derived
	forwarding bool
	closed     bool
	// gvForwarding is gVisor's forwarding switch. gVisor is a strong-host
	// stack: without forwarding it drops packets for an address of another
	// NIC. Linux is weak-host, so a namespace with two addressed devices
	// turns gVisor forwarding on and emulates ip_forward=0 with its
	// forward hook (hooks.go).
	gvForwarding bool
	fwdOn        atomic.Bool

	klogMu    sync.Mutex
	klogLines []KernelLogLine

	// held is hold's (hooks.go): a forwarded packet's bytes per input
	// device.
	holdMu   sync.Mutex
	held     map[string]buffer.Buffer
	holdDone bool
}

// New makes a namespace's stack with a loopback device lo, down, as in a new
// Linux network namespace.
//
// A stack costs memory even when idle, and emulations run thousands of
// them, so New avoids gVisor's per-stack defaults where a shared or
// stateless equivalent behaves the same (see ipv4Protocol and
// runtimeRandSource).
func New(cfg Config) (*Stack, error) {
	if cfg.Clock == nil {
		return nil, errors.New("stack: a clock is required")
	}
	st := &Stack{name: cfg.Name, clock: cfg.Clock, bus: cfg.Bus, nics: map[tcpip.NICID]*NIC{}}
	st.s = gstack.New(gstack.Options{
		NetworkProtocols:   []gstack.NetworkProtocolFactory{ipv4Protocol, ipv6.NewProtocol, arp.NewProtocol},
		TransportProtocols: []gstack.TransportProtocolFactory{tcp.NewProtocol, udp.NewProtocol, icmp.NewProtocol4, icmp.NewProtocol6},
		Clock:              cfg.Clock,
		HandleLocal:        true,
		NUDDisp:            &nudDispatcher{st: st},
		RawFactory:         raw.EndpointFactory{},
		RandSource:         runtimeRandSource{},
	})
	tuneTCP(st.s)
	st.nf = netfilter.New(st.s, nfHost{st}, st.hooks())
	lo := cfg.Loopback
	if lo == nil {
		lo = loopback.New()
	}
	if err := st.addNIC("lo", lo, true); err != nil {
		st.s.Close()
		return nil, err
	}
	loNIC := st.nicByNameLocked("lo")
	loNIC.Addrs = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/8")}
	if err := st.s.AddProtocolAddress(loNIC.ID, protoAddr(loNIC.Addrs[0]), gstack.AddressProperties{}); err != nil {
		st.s.Close()
		return nil, fmt.Errorf("lo: %s", err)
	}
	return st, nil
}

// ipv4Protocol makes every stack's IPv4 protocol (each with its own
// state: TTL, forwarding, endpoints) around one table of IP ID counters.
// ipv4.NewProtocol would draw a fresh table per stack: 2048 counters
// (8 KiB) read from the kernel's random source. The counters are atomic
// and picked by a hash of source, destination and protocol, so each flow
// still sees increasing IDs from a random start; flows of different
// namespaces that hash alike advance one counter, as in Linux, whose
// ip_idents table is shared by all network namespaces too.
var ipv4Protocol = ipv4.NewProtocolWithOptions(ipv4.Options{})

// runtimeRandSource is the stacks' insecure random source (NUD, IGMP and
// MLD jitter, TCP's processor hashing, conntrack's hash seed): the runtime's
// per-thread ChaCha8 generator, through math/rand/v2. gVisor's default is a
// math/rand source behind a mutex per stack, 4.9 KiB each. It is safe for
// concurrent use, as gstack.Options.RandSource must be, and cannot be
// reseeded (gVisor seeds its default from crypto/rand anyway, so nothing
// relied on a seed).
type runtimeRandSource struct{}

// Int63 implements rand.Source.
func (runtimeRandSource) Int63() int64 { return int64(randv2.Uint64() >> 1) }

// Uint64 implements rand.Source64.
func (runtimeRandSource) Uint64() uint64 { return randv2.Uint64() }

// Seed implements rand.Source; the runtime's generator has no seed to set.
func (runtimeRandSource) Seed(int64) {}

func tuneTCP(s *gstack.Stack) {
	sack := tcpip.TCPSACKEnabled(true)
	_ = s.SetTransportProtocolOption(tcp.ProtocolNumber, &sack)
	rcv := tcpip.TCPReceiveBufferSizeRangeOption{Min: 4 << 10, Default: 1 << 20, Max: 8 << 20}
	_ = s.SetTransportProtocolOption(tcp.ProtocolNumber, &rcv)
	snd := tcpip.TCPSendBufferSizeRangeOption{Min: 4 << 10, Default: 1 << 20, Max: 8 << 20}
	_ = s.SetTransportProtocolOption(tcp.ProtocolNumber, &snd)
	mod := tcpip.TCPModerateReceiveBufferOption(true)
	_ = s.SetTransportProtocolOption(tcp.ProtocolNumber, &mod)
	ttl := tcpip.DefaultTTLOption(64)
	_ = s.SetNetworkProtocolOption(ipv4.ProtocolNumber, &ttl)
}

// Name returns the namespace's name.
func (st *Stack) Name() string { return st.name }

// Clock returns the stack's clock.
func (st *Stack) Clock() tcpip.Clock { return st.clock }

// Gstack returns the underlying gVisor stack, for advanced uses (gonet).
func (st *Stack) Gstack() *gstack.Stack { return st.s }

// Close destroys the stack and every NIC; it waits for their goroutines.
func (st *Stack) Close() {
	st.mu.Lock()
	if st.closed {
		st.mu.Unlock()
		return
	}
	st.closed = true
	st.mu.Unlock()
	st.s.Close()
	st.s.Wait()
	st.s.Destroy()
	st.releaseHeld("")
}

func protoAddr(p netip.Prefix) tcpip.ProtocolAddress {
	proto := ipv4.ProtocolNumber
	if p.Addr().Is6() {
		proto = ipv6.ProtocolNumber
	}
	return tcpip.ProtocolAddress{
		Protocol:          proto,
		AddressWithPrefix: tcpip.AddressWithPrefix{Address: tcpAddr(p.Addr()), PrefixLen: p.Bits()},
	}
}

func tcpAddr(a netip.Addr) tcpip.Address {
	if a.Is4() {
		return tcpip.AddrFrom4(a.As4())
	}
	return tcpip.AddrFrom16(a.As16())
}

func netAddr(a tcpip.Address) netip.Addr {
	ad, _ := netip.AddrFromSlice(a.AsSlice())
	return ad
}

func (st *Stack) nicByNameLocked(name string) *NIC {
	for _, n := range st.nics {
		if n.Name == name {
			return n
		}
	}
	return nil
}

// AddNIC adds a device to the stack, down and without addresses.
func (st *Stack) AddNIC(name string, link Link) error {
	return st.addNIC(name, link, false)
}

func (st *Stack) addNIC(name string, link Link, lo bool) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.nicByNameLocked(name) != nil {
		return &DeviceError{Dev: name, Err: ErrExists}
	}
	id := st.s.NextNICID()
	if err := st.s.CreateNICWithOptions(id, link, gstack.NICOptions{Name: name, Disabled: true}); err != nil {
		return fmt.Errorf("creating NIC %q: %s", name, err)
	}
	st.nics[id] = &NIC{ID: id, Name: name, Link: link, Loopback: lo}
	st.nicNames.Store(id, name)
	if fa, ok := link.(forwardingAware); ok {
		fa.SetSegmentOnReceive(st.forwarding)
	}
	return nil
}

// RemoveNIC removes a device, its addresses and every route through it. The
// link endpoint is detached, not closed.
func (st *Stack) RemoveNIC(name string) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	n := st.nicByNameLocked(name)
	if n == nil {
		return noDevice(name)
	}
	n.Link.SetOnCloseAction(nil)
	if err := st.s.RemoveNIC(n.ID); err != nil {
		return fmt.Errorf("removing NIC %q: %s", name, err)
	}
	delete(st.nics, n.ID)
	st.nicNames.Delete(n.ID)
	st.releaseHeld(name)
	st.dropRoutesLocked(name)
	st.syncRoutesLocked()
	return st.syncForwardingLocked()
}

// RenameNIC renames a device.
func (st *Stack) RenameNIC(old, name string) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	n := st.nicByNameLocked(old)
	if n == nil {
		return noDevice(old)
	}
	if name == old {
		return nil
	}
	if st.nicByNameLocked(name) != nil {
		return &DeviceError{Dev: name, Err: ErrExists}
	}
	if err := st.s.SetNICName(n.ID, name); err != nil {
		return fmt.Errorf("renaming %q: %s", old, err)
	}
	n.Name = name
	st.nicNames.Store(n.ID, name)
	for i := range st.routes {
		if st.routes[i].Dev == old {
			st.routes[i].Dev = name
		}
	}
	st.syncRoutesLocked()
	return nil
}

// NICs returns the devices, by index.
func (st *Stack) NICs() []NIC {
	st.mu.Lock()
	defer st.mu.Unlock()
	out := make([]NIC, 0, len(st.nics))
	for _, n := range st.nics {
		c := *n
		c.Addrs = append([]netip.Prefix(nil), n.Addrs...)
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// LookupNIC returns a device by name.
func (st *Stack) LookupNIC(name string) (NIC, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	n := st.nicByNameLocked(name)
	if n == nil {
		return NIC{}, false
	}
	c := *n
	c.Addrs = append([]netip.Prefix(nil), n.Addrs...)
	return c, true
}

// SetUp sets a device's administrative state. Taking a device down removes
// every route through it, as Linux does; bringing it up restores the
// connected routes of its addresses.
func (st *Stack) SetUp(name string, up bool) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	n := st.nicByNameLocked(name)
	if n == nil {
		return noDevice(name)
	}
	var err tcpip.Error
	if up {
		err = st.s.EnableNIC(n.ID)
	} else {
		err = st.s.DisableNIC(n.ID)
	}
	if err != nil {
		return fmt.Errorf("setting %q %s: %s", name, map[bool]string{true: "up", false: "down"}[up], err)
	}
	n.Up = up
	if !up {
		st.dropRoutesLocked(name)
		_ = st.s.ClearNeighbors(n.ID, ipv4.ProtocolNumber)
	}
	st.syncRoutesLocked()
	return nil
}

// SetMTU sets a device's MTU.
func (st *Stack) SetMTU(name string, mtu uint32) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	n := st.nicByNameLocked(name)
	if n == nil {
		return noDevice(name)
	}
	if err := st.s.SetNICMTU(n.ID, mtu); err != nil {
		return fmt.Errorf("setting MTU of %q: %s", name, err)
	}
	return nil
}

// SetMAC sets a device's hardware address.
func (st *Stack) SetMAC(name string, mac tcpip.LinkAddress) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	n := st.nicByNameLocked(name)
	if n == nil {
		return noDevice(name)
	}
	if err := st.s.SetNICAddress(n.ID, mac); err != nil {
		return fmt.Errorf("setting address of %q: %s", name, err)
	}
	return nil
}

// AddAddress adds an address with its prefix length to a device. When the
// device is up, the connected route appears.
func (st *Stack) AddAddress(name string, p netip.Prefix) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	n := st.nicByNameLocked(name)
	if n == nil {
		return noDevice(name)
	}
	for _, nn := range st.nics {
		for _, a := range nn.Addrs {
			if a.Addr() == p.Addr() && nn == n {
				return ErrExists
			}
		}
	}
	if err := st.s.AddProtocolAddress(n.ID, protoAddr(p), gstack.AddressProperties{}); err != nil {
		if _, ok := err.(*tcpip.ErrDuplicateAddress); ok {
			return ErrExists
		}
		return fmt.Errorf("adding %s to %q: %s", p, name, err)
	}
	n.Addrs = append(n.Addrs, p)
	st.syncRoutesLocked()
	return st.syncForwardingLocked()
}

// DelAddress removes an address from a device (and its connected route).
func (st *Stack) DelAddress(name string, p netip.Prefix) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	n := st.nicByNameLocked(name)
	if n == nil {
		return noDevice(name)
	}
	for i, a := range n.Addrs {
		if a.Addr() == p.Addr() && (a.Bits() == p.Bits() || !p.IsValid()) {
			if err := st.s.RemoveAddress(n.ID, tcpAddr(a.Addr())); err != nil {
				return fmt.Errorf("removing %s from %q: %s", p, name, err)
			}
			n.Addrs = append(n.Addrs[:i], n.Addrs[i+1:]...)
			st.dropUnreachableGatewaysLocked()
			st.syncRoutesLocked()
			return st.syncForwardingLocked()
		}
	}
	return ErrAddrNotAvailable
}

// FlushAddresses removes every address of a device.
func (st *Stack) FlushAddresses(name string) error {
	n, ok := st.LookupNIC(name)
	if !ok {
		return noDevice(name)
	}
	for _, a := range n.Addrs {
		if err := st.DelAddress(name, a); err != nil {
			return err
		}
	}
	return nil
}

// connectedLocked returns the connected routes: one per network of the
// addresses of an up device (a secondary address in the same network adds
// none, as on Linux), devices by index so that ties break the same way
// every time.
func (st *Stack) connectedLocked() []Route {
	nics := make([]*NIC, 0, len(st.nics))
	for _, n := range st.nics {
		if n.Up && !n.Loopback {
			nics = append(nics, n)
		}
	}
	sort.Slice(nics, func(i, j int) bool { return nics[i].ID < nics[j].ID })
	var out []Route
	for _, n := range nics {
	addrs:
		for _, a := range n.Addrs {
			r := Route{Dst: a.Masked(), Dev: n.Name, Src: a.Addr(), Kernel: true}
			for _, o := range out {
				if o.Dst == r.Dst && o.Dev == r.Dev {
					continue addrs
				}
			}
			out = append(out, r)
		}
	}
	return out
}

// Routes returns the routing table: static routes and connected ones, most
// specific first, as `ip route` lists them (default first).
func (st *Stack) Routes() []Route {
	st.mu.Lock()
	defer st.mu.Unlock()
	all := append(append([]Route(nil), st.routes...), st.connectedLocked()...)
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].IsDefault() != all[j].IsDefault() {
			return all[i].IsDefault()
		}
		ai, aj := all[i].Dst.Addr(), all[j].Dst.Addr()
		if c := ai.Compare(aj); c != 0 {
			return c < 0
		}
		if all[i].Dst.Bits() != all[j].Dst.Bits() {
			return all[i].Dst.Bits() > all[j].Dst.Bits()
		}
		return all[i].Metric < all[j].Metric
	})
	return all
}

// lookupLocked finds the route for dst: longest prefix, then lowest metric.
func (st *Stack) lookupLocked(dst netip.Addr) (Route, bool) {
	best, found := Route{}, false
	for _, r := range append(st.connectedLocked(), st.routes...) {
		if r.Dst.Addr().BitLen() != dst.BitLen() || !r.Dst.Contains(dst) {
			continue
		}
		if !found || r.Dst.Bits() > best.Dst.Bits() || (r.Dst.Bits() == best.Dst.Bits() && r.Metric < best.Metric) {
			best, found = r, true
		}
	}
	return best, found
}

// localLocked reports the device owning a local address.
func (st *Stack) localLocked(a netip.Addr) (*NIC, bool) {
	for _, n := range st.nics {
		for _, p := range n.Addrs {
			if p.Addr() == a {
				return n, true
			}
		}
	}
	return nil, false
}

// RouteGet answers `ip route get ADDR`: the route used, and the source
// address chosen. Local addresses route through lo.
func (st *Stack) RouteGet(dst netip.Addr) (Route, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if dst.IsLoopback() {
		if lo := st.nicByNameLocked("lo"); lo == nil || !lo.Up {
			return Route{}, ErrNetworkUnreachable
		}
	}
	if n, ok := st.localLocked(dst); ok || dst.IsLoopback() {
		dev := "lo"
		if n != nil && n.Loopback {
			dev = n.Name
		}
		return Route{Dst: netip.PrefixFrom(dst, dst.BitLen()), Dev: dev, Src: dst}, nil
	}
	r, ok := st.lookupLocked(dst)
	if !ok {
		st.emitRoute(dst, "none", ErrNetworkUnreachable.Error())
		return Route{}, ErrNetworkUnreachable
	}
	if !r.Src.IsValid() {
		r.Src = st.sourceForLocked(r)
	}
	return r, nil
}

func (st *Stack) sourceForLocked(r Route) netip.Addr {
	n := st.nicByNameLocked(r.Dev)
	if n == nil {
		return netip.Addr{}
	}
	next := r.Gateway
	for _, a := range n.Addrs {
		if next.IsValid() && a.Contains(next) {
			return a.Addr()
		}
	}
	for _, a := range n.Addrs {
		if a.Addr().Is4() {
			return a.Addr()
		}
	}
	return netip.Addr{}
}

// AddRoute adds a static route. The gateway must be reachable through a
// connected route (Linux's "Nexthop has invalid gateway"); the device is
// derived from the gateway when not given.
func (st *Stack) AddRoute(r Route) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	r.Dst = r.Dst.Masked()
	r.Kernel = false
	if r.Dev != "" {
		n := st.nicByNameLocked(r.Dev)
		if n == nil {
			return noDevice(r.Dev)
		}
		if !n.Up {
			return ErrNetworkUnreachable
		}
	}
	if r.Gateway.IsValid() {
		gr, ok := st.lookupConnectedLocked(r.Gateway, r.Dev)
		if !ok {
			return ErrInvalidGateway
		}
		r.Dev = gr.Dev
	} else if r.Dev == "" {
		return errors.New("either \"to\" is duplicate, or \"dev\" is a garbage")
	}
	for _, x := range append(st.routes, st.connectedLocked()...) {
		if x.Dst == r.Dst && x.Metric == r.Metric {
			return ErrExists
		}
	}
	st.routes = append(st.routes, r)
	st.syncRoutesLocked()
	return nil
}

// lookupConnectedLocked finds the on-link route to a gateway: longest
// prefix among connected and device (gateway-less) routes, as Linux's
// link-scope nexthop lookup does.
func (st *Stack) lookupConnectedLocked(gw netip.Addr, dev string) (Route, bool) {
	best, found := Route{}, false
	for _, c := range append(st.connectedLocked(), st.routes...) {
		if c.Gateway.IsValid() || !c.Dst.Contains(gw) || (dev != "" && c.Dev != dev) {
			continue
		}
		if !found || c.Dst.Bits() > best.Dst.Bits() || (c.Dst.Bits() == best.Dst.Bits() && c.Metric < best.Metric) {
			best, found = c, true
		}
	}
	return best, found
}

// DelRoute removes a static route matching r's destination (and gateway and
// device when given), or a connected one.
func (st *Stack) DelRoute(r Route) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	r.Dst = r.Dst.Masked()
	for i, x := range st.routes {
		if x.Dst == r.Dst && (!r.Gateway.IsValid() || x.Gateway == r.Gateway) && (r.Dev == "" || x.Dev == r.Dev) {
			st.routes = append(st.routes[:i], st.routes[i+1:]...)
			st.syncRoutesLocked()
			return nil
		}
	}
	return ErrNoSuchProcess
}

func (st *Stack) dropRoutesLocked(dev string) {
	kept := st.routes[:0]
	for _, r := range st.routes {
		if r.Dev != dev {
			kept = append(kept, r)
		}
	}
	st.routes = kept
}

// dropUnreachableGatewaysLocked removes static routes whose gateway is no
// longer on a connected network (Linux flushes them with the address).
func (st *Stack) dropUnreachableGatewaysLocked() {
	kept := st.routes[:0]
	for _, r := range st.routes {
		if r.Gateway.IsValid() {
			if _, ok := st.lookupConnectedLocked(r.Gateway, r.Dev); !ok {
				continue
			}
		}
		kept = append(kept, r)
	}
	st.routes = kept
}

// syncRoutesLocked installs the table in gVisor.
//
// Linux picks the route by destination alone (longest prefix, then metric),
// whatever source address a reply carries. gVisor prefers, among matching
// routes, one whose device owns the source address: a reply from the host's
// ens33 address to a bridged namespace would leave through ens33's default
// route. So the table is flattened first: each route keeps only the part of
// its prefix that no more specific route covers, and every destination
// matches exactly one gVisor route — the one Linux would use.
func (st *Stack) syncRoutesLocked() {
	// The best route per prefix.
	best := map[netip.Prefix]Route{}
	for _, r := range append(st.connectedLocked(), st.routes...) {
		n := st.nicByNameLocked(r.Dev)
		if n == nil || !n.Up {
			continue
		}
		if b, ok := best[r.Dst]; !ok || r.Metric < b.Metric {
			best[r.Dst] = r
		}
	}
	prefixes := make([]netip.Prefix, 0, len(best))
	for p := range best {
		prefixes = append(prefixes, p)
	}
	sort.Slice(prefixes, func(i, j int) bool {
		if prefixes[i].Bits() != prefixes[j].Bits() {
			return prefixes[i].Bits() > prefixes[j].Bits()
		}
		return prefixes[i].Addr().Less(prefixes[j].Addr())
	})
	var table []tcpip.Route
	for _, p := range prefixes {
		r := best[p]
		pieces := []netip.Prefix{p}
		for _, q := range prefixes {
			if q.Bits() > p.Bits() && p.Contains(q.Addr()) {
				pieces = subtractPrefix(pieces, q)
			}
		}
		// 127/8 is lo's (Linux's local table comes first), never a
		// device's.
		pieces = subtractPrefix(pieces, loopbackNet)
		n := st.nicByNameLocked(r.Dev)
		for _, piece := range pieces {
			sub, err := tcpip.NewSubnet(tcpAddr(piece.Addr()), tcpip.MaskFromBytes(prefixMask(piece)))
			if err != nil {
				continue
			}
			tr := tcpip.Route{Destination: sub, NIC: n.ID}
			if r.Gateway.IsValid() {
				tr.Gateway = tcpAddr(r.Gateway)
			}
			if r.Src.IsValid() {
				tr.SourceHint = tcpAddr(r.Src)
			}
			table = append(table, tr)
		}
	}
	// Loopback: 127.0.0.0/8 through lo when it is up.
	for _, n := range st.nics {
		if n.Loopback && n.Up {
			sub, _ := tcpip.NewSubnet(tcpip.AddrFrom4([4]byte{127, 0, 0, 0}), tcpip.MaskFromBytes([]byte{255, 0, 0, 0}))
			table = append(table, tcpip.Route{Destination: sub, NIC: n.ID})
		}
	}
	st.s.SetRouteTable(table)
}

var loopbackNet = netip.MustParsePrefix("127.0.0.0/8")

// subtractPrefix removes q from each prefix of ps, splitting as needed.
func subtractPrefix(ps []netip.Prefix, q netip.Prefix) []netip.Prefix {
	var out []netip.Prefix
	for _, p := range ps {
		switch {
		case !p.Overlaps(q):
			out = append(out, p)
		case q.Bits() <= p.Bits():
			// q covers p entirely.
		default:
			lo, hi := splitPrefix(p)
			out = append(out, subtractPrefix([]netip.Prefix{lo, hi}, q)...)
		}
	}
	return out
}

// splitPrefix halves a prefix.
func splitPrefix(p netip.Prefix) (netip.Prefix, netip.Prefix) {
	bits := p.Bits() + 1
	lo := netip.PrefixFrom(p.Addr(), bits)
	b := p.Addr().AsSlice()
	i := (bits - 1) / 8
	b[i] |= 0x80 >> ((bits - 1) % 8)
	hiAddr, _ := netip.AddrFromSlice(b)
	return lo, netip.PrefixFrom(hiAddr, bits)
}

func prefixMask(p netip.Prefix) []byte {
	n := p.Addr().BitLen() / 8
	m := make([]byte, n)
	bits := p.Bits()
	for i := 0; i < n; i++ {
		switch {
		case bits >= 8:
			m[i] = 0xff
			bits -= 8
		case bits > 0:
			m[i] = byte(0xff << (8 - bits))
			bits = 0
		}
	}
	return m
}

// Forwarding reports net.ipv4.ip_forward.
func (st *Stack) Forwarding() bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.forwarding
}

// SetForwarding sets net.ipv4.ip_forward for every device.
func (st *Stack) SetForwarding(on bool) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.forwarding = on
	st.fwdOn.Store(on)
	for _, n := range st.nics {
		if fa, ok := n.Link.(forwardingAware); ok {
			fa.SetSegmentOnReceive(on)
		}
	}
	if on {
		// Install the TTL hook (see expireTTL).
		if err := st.nf.InstallPrerouting(); err != nil {
			return err
		}
	}
	return st.syncForwardingLocked()
}

// syncForwardingLocked sets gVisor's forwarding switch: on when ip_forward
// is on, or when two devices have addresses (weak-host delivery).
func (st *Stack) syncForwardingLocked() error {
	addressed := 0
	for _, n := range st.nics {
		if !n.Loopback && len(n.Addrs) > 0 {
			addressed++
		}
	}
	want := st.forwarding || addressed >= 2
	if want == st.gvForwarding {
		return nil
	}
	if err := st.s.SetForwardingDefaultAndAllNICs(ipv4.ProtocolNumber, want); err != nil {
		return fmt.Errorf("setting ip_forward: %s", err)
	}
	st.gvForwarding = want
	return st.nf.InstallForward()
}

// Neighbor is a row of the neighbour (ARP) table.
type Neighbor struct {
	Addr  netip.Addr
	MAC   tcpip.LinkAddress
	Dev   string
	State string
}

// NeighborState names gVisor's neighbour states as Linux does.
func NeighborState(s gstack.NeighborState) string {
	switch s {
	case gstack.Incomplete:
		return "INCOMPLETE"
	case gstack.Reachable:
		return "REACHABLE"
	case gstack.Stale:
		return "STALE"
	case gstack.Delay:
		return "DELAY"
	case gstack.Probe:
		return "PROBE"
	case gstack.Static:
		return "PERMANENT"
	case gstack.Unreachable:
		return "FAILED"
	default:
		return "NONE"
	}
}

// Neighbors returns the IPv4 neighbour table, by device then address.
func (st *Stack) Neighbors() []Neighbor {
	st.mu.Lock()
	nics := make([]*NIC, 0, len(st.nics))
	for _, n := range st.nics {
		if !n.Loopback {
			nics = append(nics, n)
		}
	}
	st.mu.Unlock()
	sort.Slice(nics, func(i, j int) bool { return nics[i].ID < nics[j].ID })
	var out []Neighbor
	for _, n := range nics {
		entries, err := st.s.Neighbors(n.ID, ipv4.ProtocolNumber)
		if err != nil {
			continue
		}
		sort.Slice(entries, func(i, j int) bool {
			return netAddr(entries[i].Addr).Less(netAddr(entries[j].Addr))
		})
		for _, e := range entries {
			out = append(out, Neighbor{Addr: netAddr(e.Addr), MAC: e.LinkAddr, Dev: n.Name, State: NeighborState(e.State)})
		}
	}
	return out
}

// AddNeighbor adds a permanent neighbour entry.
func (st *Stack) AddNeighbor(dev string, a netip.Addr, mac tcpip.LinkAddress) error {
	n, ok := st.LookupNIC(dev)
	if !ok {
		return noDevice(dev)
	}
	if err := st.s.AddStaticNeighbor(n.ID, ipv4.ProtocolNumber, tcpAddr(a), mac); err != nil {
		return fmt.Errorf("adding neighbour %s: %s", a, err)
	}
	return nil
}

// DelNeighbor removes a neighbour entry.
func (st *Stack) DelNeighbor(dev string, a netip.Addr) error {
	n, ok := st.LookupNIC(dev)
	if !ok {
		return noDevice(dev)
	}
	if err := st.s.RemoveNeighbor(n.ID, ipv4.ProtocolNumber, tcpAddr(a)); err != nil {
		return ErrNoSuchProcess
	}
	return nil
}

// FlushNeighbors empties a device's neighbour table (all devices when dev
// is empty) but for permanent entries, as `ip neigh flush` does.
func (st *Stack) FlushNeighbors(dev string) error {
	for _, n := range st.NICs() {
		if n.Loopback || (dev != "" && n.Name != dev) {
			continue
		}
		entries, err := st.s.Neighbors(n.ID, ipv4.ProtocolNumber)
		if err != nil {
			continue
		}
		for _, e := range entries {
			if e.State != gstack.Static {
				_ = st.s.RemoveNeighbor(n.ID, ipv4.ProtocolNumber, e.Addr)
			}
		}
	}
	if dev != "" {
		if _, ok := st.LookupNIC(dev); !ok {
			return noDevice(dev)
		}
	}
	return nil
}

// nicName names a NIC without taking st.mu: gVisor calls the neighbour
// dispatcher synchronously from RemoveNIC and DisableNIC, which run under
// st.mu.
func (st *Stack) nicName(id tcpip.NICID) string {
	if v, ok := st.nicNames.Load(id); ok {
		return v.(string)
	}
	return ""
}

func (st *Stack) emit(ev trace.Event) {
	if !st.bus.Enabled() {
		return
	}
	ev.Time = st.clock.Now()
	ev.NS = st.name
	st.bus.Emit(&ev)
}

func (st *Stack) emitRoute(dst netip.Addr, how, reason string) {
	st.emit(trace.Event{Kind: trace.RouteDecision, Addr: dst.String(), Reason: fmt.Sprintf("route to %s: %s", dst, how) + suffix(reason)})
}

func suffix(s string) string {
	if s == "" {
		return ""
	}
	return " → " + s
}

type nudDispatcher struct{ st *Stack }

func (d *nudDispatcher) event(id tcpip.NICID, e gstack.NeighborEntry, state string) {
	if !d.st.bus.Enabled() {
		return
	}
	ev := trace.Event{Kind: trace.NeighChanged, Dev: d.st.nicName(id), Addr: netAddr(e.Addr).String(), State: state}
	if e.LinkAddr != "" {
		ev.MAC = e.LinkAddr.String()
	}
	d.st.emit(ev)
}

func (d *nudDispatcher) OnNeighborAdded(id tcpip.NICID, e gstack.NeighborEntry) {
	d.event(id, e, NeighborState(e.State))
}

func (d *nudDispatcher) OnNeighborChanged(id tcpip.NICID, e gstack.NeighborEntry) {
	d.event(id, e, NeighborState(e.State))
}

func (d *nudDispatcher) OnNeighborRemoved(id tcpip.NICID, e gstack.NeighborEntry) {
	d.event(id, e, "DELETED")
}
