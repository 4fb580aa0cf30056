package emu

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"

	"github.com/nsemu/nsemu/stack"
	"github.com/nsemu/nsemu/stack/vxlan"
	l2switch "github.com/nsemu/nsemu/switch"
	"github.com/nsemu/nsemu/vethsim"
	"github.com/nsemu/nsemu/vethsim/qdisc"
)

var nsSeq atomic.Int64

// Namespace is a network namespace: its own stack, devices, routes,
// neighbour table and iptables.
type Namespace struct {
	w       *World
	name    string
	root    bool
	created int64
	st      *stack.Stack
	lo      *qdisc.Egress // lo's link endpoint, which can hold a qdisc
	hidden  bool          // made by NewHiddenNamespace, never changes; World.hidden lists the live ones

	// mu guards devs, dead, sysctls and hooks. It is held only to read or
	// change them, never while calling out: it is taken alone or under
	// World.topo (see World for the order), never with World.mu or
	// another namespace's mu.
	mu      sync.Mutex
	devs    map[string]*Device
	dead    bool
	sysctls map[string]string // the stored keys written (sysctl.go)
	conf    confState         // net.ipv4.conf (conf.go)
	hooks   []*destroyHook    // run when the namespace goes (anon.go)
	// vxSocks are the UDP sockets of the namespace's VXLAN devices
	// (vxlan.go); they guard themselves.
	vxSocks vxlan.Sockets
	// watchers are told of changes (watch.go).
	watchers []*watcher
	// ops counts the changes in progress (watch.go).
	ops atomic.Int32

	// confMu serialises giving the stack the settings (pushConf). Lock
	// order: World.topo, then confMu, then mu (and the stack's own lock).
	confMu sync.Mutex
}

// Name returns the namespace's name (HostName for the root namespace).
func (n *Namespace) Name() string { return n.name }

// IsHost reports whether this is the host's root namespace.
func (n *Namespace) IsHost() bool { return n.root }

// Stack returns the namespace's network stack: addresses, routes,
// neighbours, forwarding, iptables and sockets.
func (n *Namespace) Stack() *stack.Stack { return n.st }

// World returns the world the namespace belongs to.
func (n *Namespace) World() *World { return n.w }

// Link returns a device by name.
func (n *Namespace) Link(name string) (*Device, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	d, ok := n.devs[name]
	if !ok {
		return nil, &DeviceNotFound{Name: name}
	}
	return d, nil
}

// Links returns the devices by ifindex.
func (n *Namespace) Links() []*Device {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := make([]*Device, 0, len(n.devs))
	for _, d := range n.devs {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].index < out[j].index })
	return out
}

func (n *Namespace) has(name string) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	_, ok := n.devs[name]
	return ok
}

// put adds a device that arrives in n: new, or moved from another
// namespace. It starts with n's default IPv4 settings (conf.go).
func (n *Namespace) put(d *Device) {
	n.mu.Lock()
	n.devs[d.name] = d
	n.initConfLocked(d)
	n.mu.Unlock()
	d.ns = n
	if d.end != nil {
		d.end.SetNamespace(n.name)
	}
	_ = n.pushConf(d, "")
}

// remove takes a device out of n: deleted, or moved away.
func (n *Namespace) remove(name string) {
	n.mu.Lock()
	d, ok := n.devs[name]
	if ok {
		n.dropConfLocked(d)
	}
	delete(n.devs, name)
	n.mu.Unlock()
	if ok {
		_ = n.pushConf(d, "")
	}
}

// attachL3 makes a device a NIC of the namespace's stack.
func (n *Namespace) attachL3(d *Device) error {
	if err := n.st.AddNIC(d.name, d.link()); err != nil {
		return err
	}
	if d.up {
		return n.st.SetUp(d.name, true)
	}
	return nil
}

// AddVeth creates a veth pair (`ip link add NAME type veth peer name PEER
// [netns PEERNS]`). Both ends start down. peerNS nil means this namespace.
func (n *Namespace) AddVeth(name, peer string, peerNS *Namespace) (*Device, *Device, error) {
	defer n.op()()
	if peerNS != nil && peerNS != n {
		defer peerNS.op()()
	}
	n.w.topo.Lock()
	defer n.w.topo.Unlock()
	if peerNS == nil {
		peerNS = n
	}
	if err := vethsim.ValidName(name); err != nil {
		return nil, nil, err
	}
	if err := vethsim.ValidName(peer); err != nil {
		return nil, nil, err
	}
	if n.has(name) || peerNS.has(peer) || (peerNS == n && name == peer) {
		return nil, nil, ErrExists
	}
	// Linux registers the peer first, so it gets the lower ifindex
	// ("11: veth-1-br@if12" after `ip link add veth-1 ... peer name veth-1-br`).
	peerIndex := n.w.allocIndex()
	pair, err := vethsim.NewPair(vethsim.Config{
		Names:    [2]string{name, peer},
		Indexes:  [2]int{n.w.allocIndex(), peerIndex},
		MACs:     [2]net.HardwareAddr{n.w.NewMAC(), n.w.NewMAC()},
		Bus:      n.w.bus,
		Clock:    n.w.clock,
		Busy:     &n.w.busy,
		HopDelay: n.w.hop,
		Hops:     n.w.hops,
	})
	if err != nil {
		return nil, nil, err
	}
	a, b := pair.Ends()
	a.SetGSO(n.w.gso)
	b.SetGSO(n.w.gso)
	da := &Device{Kind: KindVeth, name: name, index: a.Index(), end: a}
	db := &Device{Kind: KindVeth, name: peer, index: b.Index(), end: b}
	da.peer, db.peer = db, da
	if err := n.st.AddNIC(name, a); err != nil {
		return nil, nil, err
	}
	if err := peerNS.st.AddNIC(peer, b); err != nil {
		_ = n.st.RemoveNIC(name)
		return nil, nil, err
	}
	n.put(da)
	peerNS.put(db)
	return da, db, nil
}

// AddBridge creates a bridge (`ip link add NAME type bridge`), down.
func (n *Namespace) AddBridge(name string) (*Device, error) {
	return n.AddBridgeWithMAC(name, nil)
}

// AddBridgeWithMAC creates a bridge with a given MAC (Docker's docker0 uses
// 02:42:…); nil picks a random one.
func (n *Namespace) AddBridgeWithMAC(name string, mac net.HardwareAddr) (*Device, error) {
	defer n.op()()
	n.w.topo.Lock()
	defer n.w.topo.Unlock()
	if err := vethsim.ValidName(name); err != nil {
		return nil, err
	}
	if n.has(name) {
		return nil, ErrExists
	}
	idx := n.w.allocIndex()
	if mac == nil {
		mac = n.w.NewMAC()
	}
	br, err := l2switch.New(l2switch.Config{Name: name, Namespace: n.name, MAC: mac, SelfMAC: n.w.NewMAC(), Index: idx, Bus: n.w.bus, Clock: n.w.clock, Busy: &n.w.busy,
		HopDelay: n.w.hop, Hops: n.w.hops})
	if err != nil {
		return nil, err
	}
	d := &Device{Kind: KindBridge, name: name, index: idx, br: br}
	n.setBridgeNetfilterLocked(br)
	if err := n.st.AddNIC(name, br.Self()); err != nil {
		br.Stop()
		return nil, err
	}
	n.put(d)
	return d, nil
}

// SetLinkUp sets a device up or down (`ip link set NAME up|down`).
func (n *Namespace) SetLinkUp(name string, up bool) error {
	defer n.op()()
	n.w.topo.Lock()
	defer n.w.topo.Unlock()
	d, err := n.Link(name)
	if err != nil {
		return err
	}
	if d.peer != nil && d.peer.ns != n {
		defer d.peer.ns.changed() // the peer's carrier
	}
	return n.setUpLocked(d, up)
}

// setUpLocked sets d up or down in its stack and on its link. n.w.topo
// must be held.
func (n *Namespace) setUpLocked(d *Device, up bool) error {
	if d.vx != nil {
		if err := setVxlanUp(d, up); err != nil {
			return err
		}
	}
	if d.isL3() {
		if err := n.st.SetUp(d.name, up); err != nil {
			return err
		}
	}
	switch d.Kind {
	case KindVeth, KindEther, KindVxlan:
		d.end.SetUp(up)
	case KindBridge:
		d.br.SetUp(up)
	}
	d.up = up
	if up {
		d.activated.Store(true)
		return nil
	}
	// Down, the device's qdisc drops what it holds; so does its peer's,
	// which loses its carrier.
	d.resetQdisc()
	if d.peer != nil {
		d.peer.resetQdisc()
	}
	return nil
}

// SetMaster enslaves a veth to a bridge of the same namespace (`ip link set
// NAME master BR`). The device stops being an L3 interface: its addresses
// and routes go.
func (n *Namespace) SetMaster(name, bridge string) error {
	defer n.op()()
	n.w.topo.Lock()
	defer n.w.topo.Unlock()
	d, err := n.Link(name)
	if err != nil {
		return err
	}
	b, err := n.Link(bridge)
	if err != nil {
		return err
	}
	if b.Kind != KindBridge {
		return fmt.Errorf("Error: Device %q is not a bridge", bridge)
	}
	switch d.Kind {
	case KindBridge:
		return fmt.Errorf("Error: Can not enslave a bridge to a bridge.")
	case KindLoopback:
		return fmt.Errorf("Error: Can not enslave loopback device.")
	}
	if d.master == b {
		return nil
	}
	if d.master != nil {
		if err := d.master.br.RemovePort(d.end); err != nil {
			return err
		}
		d.master = nil
	} else if err := n.st.RemoveNIC(d.name); err != nil {
		return err
	}
	if err := b.br.AddPort(d.end); err != nil {
		_ = n.attachL3(d)
		return err
	}
	d.master = b
	return nil
}

// SetNoMaster releases a device from its bridge (`ip link set NAME
// nomaster`); it becomes an L3 interface again, without addresses.
func (n *Namespace) SetNoMaster(name string) error {
	defer n.op()()
	n.w.topo.Lock()
	defer n.w.topo.Unlock()
	d, err := n.Link(name)
	if err != nil {
		return err
	}
	return n.releaseLocked(d, true)
}

// releaseLocked takes d off its bridge; with reattach it becomes a NIC of
// n's stack again. n.w.topo must be held.
func (n *Namespace) releaseLocked(d *Device, reattach bool) error {
	if d.master == nil {
		return nil
	}
	if err := d.master.br.RemovePort(d.end); err != nil {
		return err
	}
	d.master = nil
	if reattach {
		return n.attachL3(d)
	}
	return nil
}

// MoveLink moves a veth end to another namespace (`ip link set NAME netns
// NS`). As on Linux it goes down, loses its addresses and its master, and
// keeps its MAC and ifindex.
func (n *Namespace) MoveLink(name string, to *Namespace) error {
	defer n.op()()
	defer to.op()()
	n.w.topo.Lock()
	defer n.w.topo.Unlock()
	d, err := n.Link(name)
	if err != nil {
		return err
	}
	if to == n {
		return nil
	}
	if d.Kind == KindVxlan {
		return ErrMoveVxlan
	}
	if d.Kind != KindVeth {
		return ErrInvalid
	}
	if to.has(name) {
		return ErrExists
	}
	if d.master != nil {
		if err := n.releaseLocked(d, false); err != nil {
			return err
		}
	} else if err := n.st.RemoveNIC(name); err != nil {
		return err
	}
	// Linux shuts the device down: its qdisc goes, noop until it is up;
	// its peer loses the carrier.
	d.dropQdisc()
	d.activated.Store(false)
	d.peer.resetQdisc()
	d.end.SetUp(false)
	d.up = false
	if err := to.st.AddNIC(name, d.end); err != nil {
		_ = n.attachL3(d)
		return err
	}
	n.remove(name)
	to.put(d)
	n.lowerGoneLocked(name)
	return nil
}

// RenameLink renames a device (`ip link set OLD name NEW`). Linux refuses
// while the device is up.
func (n *Namespace) RenameLink(old, name string) error {
	defer n.op()()
	n.w.topo.Lock()
	defer n.w.topo.Unlock()
	d, err := n.Link(old)
	if err != nil {
		return err
	}
	if err := vethsim.ValidName(name); err != nil {
		return err
	}
	if n.has(name) {
		return ErrExists
	}
	if d.up {
		return fmt.Errorf("RTNETLINK answers: Device or resource busy")
	}
	if d.Kind == KindLoopback {
		return ErrNotSupp
	}
	if d.isL3() {
		if err := n.st.RenameNIC(old, name); err != nil {
			return err
		}
	}
	switch d.Kind {
	case KindVeth, KindEther, KindVxlan:
		_ = d.end.SetName(name)
	case KindBridge:
		_ = d.br.SetName(name)
	}
	n.mu.Lock()
	delete(n.devs, old)
	d.name = name
	n.devs[name] = d
	n.mu.Unlock()
	n.renamedLocked(old, name)
	_ = n.pushConf(d, old)
	return nil
}

// SetMAC changes a device's address (`ip link set NAME address MAC`).
func (n *Namespace) SetMAC(name string, mac net.HardwareAddr) error {
	defer n.op()()
	n.w.topo.Lock()
	defer n.w.topo.Unlock()
	d, err := n.Link(name)
	if err != nil {
		return err
	}
	if len(mac) != 6 || mac[0]&1 != 0 {
		return fmt.Errorf("RTNETLINK answers: Cannot assign requested address")
	}
	switch d.Kind {
	case KindVeth, KindEther, KindVxlan:
		if err := d.end.SetMAC(mac); err != nil {
			return err
		}
	case KindBridge:
		if err := d.br.Self().SetMAC(mac); err != nil {
			return err
		}
	default:
		return ErrNotSupp
	}
	if d.isL3() {
		return n.st.SetMAC(name, tcpip.LinkAddress(mac))
	}
	return nil
}

// SetMTU changes a device's MTU (`ip link set NAME mtu N`).
func (n *Namespace) SetMTU(name string, mtu uint32) error {
	defer n.op()()
	n.w.topo.Lock()
	defer n.w.topo.Unlock()
	d, err := n.Link(name)
	if err != nil {
		return err
	}
	if mtu < 68 || mtu > 65535 {
		return ErrInvalid
	}
	switch d.Kind {
	case KindVeth, KindEther, KindVxlan:
		d.end.SetMTU(mtu)
	case KindBridge:
		d.br.Self().SetMTU(mtu)
	default:
		return ErrNotSupp
	}
	if d.isL3() {
		return n.st.SetMTU(name, mtu)
	}
	return nil
}

// DelLink deletes a device (`ip link del NAME`). Deleting a veth end deletes
// the pair; deleting a bridge releases its ports.
func (n *Namespace) DelLink(name string) error {
	defer n.op()()
	n.w.topo.Lock()
	defer n.w.topo.Unlock()
	d, err := n.Link(name)
	if err != nil {
		return err
	}
	switch d.Kind {
	case KindLoopback, KindEther:
		return ErrNotSupp
	case KindVeth:
		peer, peerNS := d.peer.name, d.peer.ns
		n.w.deleteVethLocked(d)
		peerNS.lowerGoneLocked(peer)
	case KindBridge:
		n.deleteBridgeLocked(d)
	case KindVxlan:
		n.deleteVxlanLocked(d)
	}
	n.lowerGoneLocked(name)
	return nil
}

// deleteVethLocked removes both ends of d's pair from wherever they are,
// and waits for their receive loops to end. w.topo must be held (nothing
// a receive loop does takes it).
func (w *World) deleteVethLocked(d *Device) {
	peer := d.peer
	for _, x := range []*Device{d, peer} {
		if x == nil {
			continue
		}
		ns := x.ns
		x.dropQdisc()
		if x.master != nil {
			_ = ns.releaseLocked(x, false)
		} else {
			_ = ns.st.RemoveNIC(x.name)
		}
		x.end.SetUp(false)
		x.end.WaitDetached()
		ns.remove(x.name)
	}
}

// deleteBridgeLocked releases bridge d's ports, removes its NIC, waits
// for its receive loop and stops its goroutine. n.w.topo must be held, and
// not n.mu.
func (n *Namespace) deleteBridgeLocked(d *Device) {
	n.mu.Lock()
	var ports []*Device
	for _, x := range n.devs {
		if x.master == d {
			ports = append(ports, x)
		}
	}
	n.mu.Unlock()
	for _, p := range ports {
		// A port of a bridge that goes becomes an interface of its
		// namespace again, unless the namespace goes too.
		_ = n.releaseLocked(p, !n.dying())
	}
	d.dropQdisc()
	_ = n.st.RemoveNIC(d.name)
	d.br.Self().WaitDetached()
	d.br.Stop()
	n.remove(d.name)
}

// dying reports whether n is being destroyed.
func (n *Namespace) dying() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.dead
}

// destroy deletes every device and the stack (namespace deletion, or the
// world closing).
func (n *Namespace) destroy() {
	n.runDestroyHooks()
	n.w.topo.Lock()
	n.mu.Lock()
	if n.dead {
		n.mu.Unlock()
		n.w.topo.Unlock()
		return
	}
	n.dead = true
	var devs []*Device
	for _, d := range n.devs {
		devs = append(devs, d)
	}
	n.mu.Unlock()
	for _, d := range devs {
		if !n.has(d.name) {
			continue
		}
		switch d.Kind {
		case KindVeth, KindEther:
			n.w.deleteVethLocked(d)
			if p := d.peer; p != nil && p.ns != n {
				// The peer's VXLAN devices lose their lower device.
				p.ns.lowerGoneLocked(p.name)
			}
		case KindVxlan:
			n.deleteVxlanLocked(d)
		case KindBridge:
			n.deleteBridgeLocked(d)
		case KindLoopback:
			d.dropQdisc()
		}
	}
	n.w.topo.Unlock()
	n.st.Close()
}

// Slaves returns the devices enslaved to bridge br, by ifindex.
func (n *Namespace) Slaves(br string) []*Device {
	var out []*Device
	for _, d := range n.Links() {
		if d.master != nil && d.master.name == br {
			out = append(out, d)
		}
	}
	return out
}

// AddAddr adds an address to a device (`ip addr add CIDR dev NAME`).
func (n *Namespace) AddAddr(dev string, p netip.Prefix) error {
	d, err := n.Link(dev)
	if err != nil {
		return err
	}
	if !d.isL3() {
		return fmt.Errorf("%s is enslaved to %s: not an L3 interface in nsemu", dev, d.master.name)
	}
	if err := n.st.AddAddress(dev, p); err != nil {
		if err == stack.ErrExists {
			return ErrExists
		}
		return err
	}
	return nil
}

// DelAddr removes an address from a device.
func (n *Namespace) DelAddr(dev string, p netip.Prefix) error {
	if _, err := n.Link(dev); err != nil {
		return err
	}
	if err := n.st.DelAddress(dev, p); err != nil {
		if err == stack.ErrAddrNotAvailable {
			return fmt.Errorf("RTNETLINK answers: Cannot assign requested address")
		}
		return err
	}
	return nil
}

// Ping sends one ICMP echo request and waits for the reply.
func (n *Namespace) Ping(ctx context.Context, dst netip.Addr, timeout time.Duration) (stack.PingReply, error) {
	return n.st.Ping(ctx, dst, timeout)
}

// DialTCP dials TCP from the namespace.
func (n *Namespace) DialTCP(ctx context.Context, dst netip.AddrPort, opts ...stack.SockOpt) (net.Conn, error) {
	return n.st.DialTCP(ctx, dst, opts...)
}

// ListenTCP listens for TCP in the namespace.
func (n *Namespace) ListenTCP(addr netip.AddrPort, opts ...stack.SockOpt) (net.Listener, error) {
	return n.st.ListenTCP(addr, opts...)
}

// DialUDP opens a connected UDP socket in the namespace.
func (n *Namespace) DialUDP(dst netip.AddrPort, opts ...stack.SockOpt) (net.Conn, error) {
	return n.st.DialUDP(dst, opts...)
}

// ListenUDP binds a UDP socket in the namespace.
func (n *Namespace) ListenUDP(addr netip.AddrPort, opts ...stack.SockOpt) (net.PacketConn, error) {
	return n.st.ListenUDP(addr, opts...)
}
