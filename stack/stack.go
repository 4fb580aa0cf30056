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
	ErrOnLinkNoDev        = errors.New("Nexthop device required for onlink")
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
	// Busy counts the packets the stack holds in its own queues (policy
	// routing), as the veth ends count frames in flight, so that the
	// world's clock does not jump past them; may be nil.
	Busy *atomic.Int64
	// Seed, when not all zero, seeds every random number the stack draws
	// (see seededSource); otherwise they are random.
	Seed [4]uint64
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
	// pending: gVisor has no NIC for it yet (ensureNICLocked).
	pending bool
}

// Stack is one namespace's network stack.
type Stack struct {
	name  string
	clock tcpip.Clock
	bus   *trace.Bus
	busy  *atomic.Int64
	s     *gstack.Stack
	nf    *netfilter.Tables

	mu   sync.Mutex
	nics map[tcpip.NICID]*NIC
	// byName indexes nics by name: the host of a big world has a device
	// per bridge port, and every command names one.
	byName map[string]*NIC
	// nicNames maps NIC IDs to names for nicName (written under mu).
	nicNames   sync.Map
	routes     []Route         // static routes; connected ones are derived
	tables     map[uint32]bool // the tables besides main that exist
	forwarding bool
	closed     bool
	// gvForwarding is gVisor's forwarding switch. gVisor is a strong-host
	// stack: without forwarding it drops packets for an address of another
	// NIC. Linux is weak-host, so a namespace with two addressed devices
	// turns gVisor forwarding on and emulates ip_forward=0 with its
	// forward hook (hooks.go).
	gvForwarding bool
	fwdOn        atomic.Bool
	// inputOn: the PREROUTING hook's input checks are installed (input.go).
	inputOn bool
	// outputOn: the OUTPUT hook is installed (divert.go).
	outputOn bool

	// rules are the policy routing rules, by priority (rule.go).
	rules []Rule
	// confAll and confDevs are the net.ipv4.conf settings of "all" and of
	// each device, by name (conf.go).
	confAll  Conf
	confDevs map[string]Conf
	// view is what the packet path reads (view.go); replaced under mu.
	view atomic.Pointer[view]
	// echoIgnoreAll is net.ipv4.icmp_echo_ignore_all.
	echoIgnoreAll atomic.Bool
	// socks records the programs that own sockets (socklist.go).
	socks sockTable
	// div sends forwarded packets by policy routes (divert.go).
	div diverter
	// onChange is told of changes (SetOnChange).
	onChange atomic.Pointer[func()]

	klogMu    sync.Mutex
	klogLines []KernelLogLine

	// held is hold's (hooks.go): a forwarded packet's bytes per input
	// device.
	holdMu   sync.Mutex
	held     map[string]buffer.Buffer
	holdDone bool

	// links follows link resolution for what gVisor does not report
	// (linkfail.go).
	links linkWatch

	// arpTaps are the open ARP sockets (arpsock.go).
	arpTaps arpTaps
	// pmtu holds the learnt path MTUs (pmtu.go).
	pmtu pmtuCache
	// neighs are the devices' neighbour entries (neigh.go).
	neighs neighSet
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
	st := &Stack{name: cfg.Name, clock: cfg.Clock, bus: cfg.Bus, busy: cfg.Busy, nics: map[tcpip.NICID]*NIC{}, byName: map[string]*NIC{}, rules: defaultRules()}
	opts := gstack.Options{
		NetworkProtocols:   []gstack.NetworkProtocolFactory{ipv4Protocol, ipv6.NewProtocol, arp.NewProtocol},
		TransportProtocols: []gstack.TransportProtocolFactory{tcp.NewProtocol, udp.NewProtocol, icmp.NewProtocol4, icmp.NewProtocol6},
		Clock:              cfg.Clock,
		HandleLocal:        true,
		NUDDisp:            &nudDispatcher{st: st},
		RawFactory:         raw.EndpointFactory{},
		RandSource:         runtimeRandSource{},
	}
	if cfg.Seed != [4]uint64{} {
		src := newSeededSource(cfg.Seed)
		opts.RandSource, opts.SecureRNG = src, secureReader{src}
	}
	st.s = gstack.New(opts)
	tuneTCP(st.s)
	// Linux's ephemeral ports (net.ipv4.ip_local_port_range).
	_ = st.s.SetPortRange(32768, 60999)
	st.installEchoHandler()
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
	st.mu.Lock()
	st.publishLocked()
	st.mu.Unlock()
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
	st.stopDivert()
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

func (st *Stack) nicByNameLocked(name string) *NIC { return st.byName[name] }

// AddNIC adds a device to the stack, down and without addresses.
func (st *Stack) AddNIC(name string, link Link) error {
	return st.addNIC(name, link, false)
}

func (st *Stack) addNIC(name string, link Link, lo bool) error {
	defer st.changed()
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.nicByNameLocked(name) != nil {
		return &DeviceError{Dev: name, Err: ErrExists}
	}
	id := st.s.NextNICID()
	n := &NIC{ID: id, Name: name, Link: link, Loopback: lo, pending: !lo}
	if lo {
		if err := st.s.CreateNICWithOptions(id, link, gstack.NICOptions{Name: name, Disabled: true}); err != nil {
			return fmt.Errorf("creating NIC %q: %s", name, err)
		}
	}
	st.nics[id], st.byName[name] = n, n
	st.nicNames.Store(id, name)
	if fa, ok := link.(forwardingAware); ok {
		fa.SetSegmentOnReceive(st.forwarding)
	}
	st.publishLocked()
	return nil
}

// ensureNICLocked gives gVisor the NIC n stands for. A device is a NIC of
// the stack from AddNIC on, but gVisor's NIC (its IPv4, IPv6 and ARP
// endpoints, neighbour caches, statistics: the larger part of a device's
// cost) is made only when the device is first brought up, addressed or
// given a neighbour, MTU or MAC: a veth end made in the host only to be
// enslaved to a bridge by the next command never needs one. Until then
// the device is down, without addresses or routes, and its link endpoint
// is not attached (frames reaching it are dropped, as by a down device).
// st.mu must be held.
func (st *Stack) ensureNICLocked(n *NIC) error {
	if !n.pending {
		return nil
	}
	ep := newNICLink(st, n.ID, n.Link)
	if err := st.s.CreateNICWithOptions(n.ID, ep, gstack.NICOptions{Name: n.Name, Disabled: true}); err != nil {
		return fmt.Errorf("creating NIC %q: %s", n.Name, err)
	}
	n.pending = false
	return nil
}

// RemoveNIC removes a device, its addresses and every route through it. The
// link endpoint is detached, not closed.
func (st *Stack) RemoveNIC(name string) error {
	defer st.changed()
	st.mu.Lock()
	defer st.mu.Unlock()
	n := st.nicByNameLocked(name)
	if n == nil {
		return noDevice(name)
	}
	n.Link.SetOnCloseAction(nil)
	if n.pending {
		delete(st.nics, n.ID)
		delete(st.byName, n.Name)
		st.nicNames.Delete(n.ID)
		st.publishLocked()
		return nil
	}
	if err := st.s.RemoveNIC(n.ID); err != nil {
		return fmt.Errorf("removing NIC %q: %s", name, err)
	}
	delete(st.nics, n.ID)
	delete(st.byName, n.Name)
	st.nicNames.Delete(n.ID)
	st.releaseHeld(name)
	st.dropRoutesLocked(name)
	st.syncRoutesLocked()
	return st.syncForwardingLocked()
}

// RenameNIC renames a device.
func (st *Stack) RenameNIC(old, name string) error {
	defer st.changed()
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
	if n.pending {
		// Named at creation.
	} else if err := st.s.SetNICName(n.ID, name); err != nil {
		return fmt.Errorf("renaming %q: %s", old, err)
	}
	delete(st.byName, n.Name)
	n.Name = name
	st.byName[name] = n
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
	defer st.changed()
	st.mu.Lock()
	defer st.mu.Unlock()
	n := st.nicByNameLocked(name)
	if n == nil {
		return noDevice(name)
	}
	if !up && n.pending {
		return nil // down already
	}
	if err := st.ensureNICLocked(n); err != nil {
		return err
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
	defer st.changed()
	st.mu.Lock()
	defer st.mu.Unlock()
	n := st.nicByNameLocked(name)
	if n == nil {
		return noDevice(name)
	}
	if err := st.ensureNICLocked(n); err != nil {
		return err
	}
	if err := st.s.SetNICMTU(n.ID, mtu); err != nil {
		return fmt.Errorf("setting MTU of %q: %s", name, err)
	}
	return nil
}

// SetMAC sets a device's hardware address.
func (st *Stack) SetMAC(name string, mac tcpip.LinkAddress) error {
	defer st.changed()
	st.mu.Lock()
	defer st.mu.Unlock()
	n := st.nicByNameLocked(name)
	if n == nil {
		return noDevice(name)
	}
	if err := st.ensureNICLocked(n); err != nil {
		return err
	}
	if err := st.s.SetNICAddress(n.ID, mac); err != nil {
		return fmt.Errorf("setting address of %q: %s", name, err)
	}
	return nil
}

// AddAddress adds an address with its prefix length to a device. When the
// device is up, the connected route appears.
func (st *Stack) AddAddress(name string, p netip.Prefix) error {
	defer st.changed()
	st.mu.Lock()
	defer st.mu.Unlock()
	n := st.nicByNameLocked(name)
	if n == nil {
		return noDevice(name)
	}
	for _, a := range n.Addrs {
		if a.Addr() == p.Addr() {
			return ErrExists
		}
	}
	if err := st.ensureNICLocked(n); err != nil {
		return err
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
	defer st.changed()
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
		st.inputOn = true
	}
	defer st.publishLocked()
	return st.syncForwardingLocked()
}

// syncForwardingLocked sets gVisor's forwarding switch: on when ip_forward
// is on, or when two devices have addresses (weak-host delivery). lo counts
// when it holds an address besides 127.0.0.1/8: a packet for it arrives on
// another device (`ip addr add 198.51.100.7/32 dev lo`, a router's loopback
// address), and gVisor delivers it only through its forwarding path.
func (st *Stack) syncForwardingLocked() error {
	addressed := 0
	for _, n := range st.nics {
		if n.weakHostAddressed() {
			addressed++
		}
	}
	want := st.forwarding || addressed >= 2 || st.needsWeakHostLocked()
	if want != st.gvForwarding {
		if err := st.s.SetForwardingDefaultAndAllNICs(ipv4.ProtocolNumber, want); err != nil {
			return fmt.Errorf("setting ip_forward: %s", err)
		}
		st.gvForwarding = want
		if err := st.nf.InstallForward(); err != nil {
			return err
		}
	}
	return st.installInputLocked()
}

// weakHostAddressed reports whether packets for one of n's addresses may
// arrive on another device: any address of a device, lo's besides 127/8.
func (n *NIC) weakHostAddressed() bool {
	for _, a := range n.Addrs {
		if !n.Loopback || !loopbackNet.Contains(a.Addr()) {
			return true
		}
	}
	return false
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

// SetOnChange makes f called after every change to the stack's devices,
// addresses, routes or rules, on the goroutine that made it, with no lock
// of the stack held (emu's watchers, `ip monitor`).
func (st *Stack) SetOnChange(f func()) { st.onChange.Store(&f) }

// changed calls the change callback. st.mu must not be held.
func (st *Stack) changed() {
	if f := st.onChange.Load(); f != nil {
		(*f)()
	}
}
