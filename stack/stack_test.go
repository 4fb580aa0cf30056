package stack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/netip"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"

	"github.com/nsemu/nsemu/emu/clock"
	"github.com/nsemu/nsemu/emu/trace"
	"github.com/nsemu/nsemu/vethsim"
)

// --- helpers shared by the package's tests ---

func pfx(s string) netip.Prefix { return netip.MustParsePrefix(s) }

// errAny stands for any error where the exact one does not matter.
var errAny = errors.New("any error")

// isErr reports whether err is what a test wants: nil for nil, any error
// for errAny, else an error that wraps want.
func isErr(err, want error) bool {
	switch want {
	case nil:
		return err == nil
	case errAny:
		return err != nil
	}
	return errors.Is(err, want)
}
func ip(s string) netip.Addr { return netip.MustParseAddr(s) }

// lab is a test's small world: stacks, veth pairs and one manual clock.
// Virtual time stands still unless a helper advances it, so ARP, ICMP and
// TCP retransmission timers never fire behind a test's back and packet
// counts are exact. Everything is torn down when the test ends: stacks
// closed, receive goroutines waited for, clock closed (TestMain checks for
// leaks).
type lab struct {
	t      *testing.T
	clk    *clock.Clock
	busy   atomic.Int64
	bus    *trace.Bus // nil unless a test observes events
	stacks []*Stack
	ends   []*vethsim.End
}

func newLab(t *testing.T) *lab {
	t.Helper()
	l := &lab{t: t, clk: clock.NewManual()}
	t.Cleanup(l.close)
	return l
}

func (l *lab) close() {
	for _, st := range l.stacks {
		st.Close()
	}
	for _, e := range l.ends {
		e.WaitDetached()
	}
	l.clk.Close()
}

func (l *lab) stack(name string) *Stack {
	l.t.Helper()
	st, err := New(Config{Name: name, Clock: l.clk, Bus: l.bus})
	if err != nil {
		l.t.Fatalf("New(%q): %v", name, err)
	}
	l.stacks = append(l.stacks, st)
	return st
}

// pair makes a veth pair whose ends are up (carrier) but not attached.
func (l *lab) pair(a, b string) (*vethsim.End, *vethsim.End) {
	l.t.Helper()
	p, err := vethsim.NewPair(vethsim.Config{Names: [2]string{a, b}, Clock: l.clk, Busy: &l.busy, Bus: l.bus})
	if err != nil {
		l.t.Fatalf("NewPair: %v", err)
	}
	ea, eb := p.Ends()
	ea.SetUp(true)
	eb.SetUp(true)
	l.ends = append(l.ends, ea, eb)
	return ea, eb
}

// attach makes e device name of st, up, with the given addresses.
func (l *lab) attach(st *Stack, name string, e *vethsim.End, addrs ...string) {
	l.t.Helper()
	if err := st.AddNIC(name, e); err != nil {
		l.t.Fatalf("%s: AddNIC(%q): %v", st.Name(), name, err)
	}
	if err := st.SetUp(name, true); err != nil {
		l.t.Fatalf("%s: SetUp(%q): %v", st.Name(), name, err)
	}
	for _, a := range addrs {
		if err := st.AddAddress(name, pfx(a)); err != nil {
			l.t.Fatalf("%s: AddAddress(%q, %s): %v", st.Name(), name, a, err)
		}
	}
}

// wire links device an of a (address aAddr, none when "") to device bn of
// b with a veth pair, both up.
func (l *lab) wire(a *Stack, an, aAddr string, b *Stack, bn, bAddr string) (*vethsim.End, *vethsim.End) {
	l.t.Helper()
	ea, eb := l.pair(an, bn)
	var aa, ba []string
	if aAddr != "" {
		aa = []string{aAddr}
	}
	if bAddr != "" {
		ba = []string{bAddr}
	}
	l.attach(a, an, ea, aa...)
	l.attach(b, bn, eb, ba...)
	return ea, eb
}

func (l *lab) route(st *Stack, r Route) {
	l.t.Helper()
	if err := st.AddRoute(r); err != nil {
		l.t.Fatalf("%s: AddRoute(%+v): %v", st.Name(), r, err)
	}
}

// duo is a(eth0 10.0.0.1/24) ── b(eth0 10.0.0.2/24).
type duo struct {
	a, b   *Stack
	ea, eb *vethsim.End
}

func (l *lab) duo() duo {
	a, b := l.stack("a"), l.stack("b")
	ea, eb := l.wire(a, "eth0", "10.0.0.1/24", b, "eth0", "10.0.0.2/24")
	return duo{a: a, b: b, ea: ea, eb: eb}
}

// trio is
//
//	a(eth0 10.0.1.2/24) ── (eth0 10.0.1.1/24) r (eth1 10.0.2.1/24) ── b(eth0 10.0.2.2/24)
//
// a's default route goes through r; b's too when bDefault. r does not
// forward.
type trio struct {
	a, r, b        *Stack
	ea, r0, r1, eb *vethsim.End
}

func (l *lab) trio(bDefault bool) trio {
	a, r, b := l.stack("a"), l.stack("r"), l.stack("b")
	ea, r0 := l.wire(a, "eth0", "10.0.1.2/24", r, "eth0", "10.0.1.1/24")
	r1, eb := l.wire(r, "eth1", "10.0.2.1/24", b, "eth0", "10.0.2.2/24")
	l.route(a, Route{Dst: pfx("0.0.0.0/0"), Gateway: ip("10.0.1.1")})
	if bDefault {
		l.route(b, Route{Dst: pfx("0.0.0.0/0"), Gateway: ip("10.0.2.1")})
	}
	return trio{a: a, r: r, b: b, ea: ea, r0: r0, r1: r1, eb: eb}
}

// quiet waits until no frame is in flight and no timer function runs,
// for a few milliseconds in a row.
func (l *lab) quiet() {
	deadline := time.Now().Add(5 * time.Second)
	for n := 0; n < 5 && time.Now().Before(deadline); {
		if l.busy.Load() == 0 && l.clk.Running() == 0 {
			n++
		} else {
			n = 0
		}
		time.Sleep(time.Millisecond)
	}
}

type pingResult struct {
	rep PingReply
	err error
}

// ping sends one probe (sequence seq) without moving the clock: it is for
// probes that are answered (or refused) at once. A probe that is never
// answered fails after ten seconds of real time.
func (l *lab) ping(st *Stack, dst string, opts PingOptions) (PingReply, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	p, err := st.NewPinger(ip(dst), opts)
	if err != nil {
		return PingReply{}, err
	}
	defer p.Close()
	return p.Ping(ctx, 1)
}

// mustPing pings and fails the test unless an echo reply comes back.
func (l *lab) mustPing(st *Stack, dst string, opts PingOptions) PingReply {
	l.t.Helper()
	rep, err := l.ping(st, dst, opts)
	if err != nil {
		l.t.Fatalf("%s: ping %s: %v", st.Name(), dst, err)
	}
	if rep.Error != "" {
		l.t.Fatalf("%s: ping %s: %s from %s", st.Name(), dst, rep.Error, rep.From)
	}
	return rep
}

// pingAdvancing sends one probe and, whenever the lab is quiet and no
// answer came, moves the clock by 250 ms, so that retransmission timers
// and the probe's timeout fire without costing wall time.
func (l *lab) pingAdvancing(st *Stack, dst string, opts PingOptions) (PingReply, error) {
	done := make(chan pingResult, 1)
	go func() {
		rep, err := l.ping(st, dst, opts)
		done <- pingResult{rep, err}
	}()
	for i := 0; ; i++ {
		l.quiet()
		if i == 0 {
			// Let the probe's timer be armed before time moves.
			time.Sleep(20 * time.Millisecond)
		}
		select {
		case r := <-done:
			return r.rep, r.err
		default:
		}
		if i == 1000 {
			l.t.Fatalf("%s: ping %s: no outcome after %v of virtual time", st.Name(), dst, l.clk.Elapsed())
		}
		l.clk.Advance(250 * time.Millisecond)
	}
}

// expectTimeout pings and fails the test unless the probe times out.
func (l *lab) expectTimeout(st *Stack, dst string) {
	l.t.Helper()
	rep, err := l.pingAdvancing(st, dst, PingOptions{Timeout: time.Second})
	if !errors.Is(err, ErrTimeout) {
		l.t.Fatalf("%s: ping %s = %+v, %v; want %v", st.Name(), dst, rep, err, ErrTimeout)
	}
}

// dial connects with a real-time limit (the manual clock never fires TCP's
// retransmissions, so a dropped SYN is sent exactly once).
func dial(st *Stack, dst string, limit time.Duration) (net.Conn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	return st.DialTCP(ctx, netip.MustParseAddrPort(dst))
}

// exchange accepts one connection on ln, made by dialing dst from st, and
// sends a message each way. It returns the server's view of the client's
// address and the client's view of the local one.
func exchange(t *testing.T, st *Stack, dst string, ln net.Listener) (remote, local netip.AddrPort) {
	t.Helper()
	type acc struct {
		c   net.Conn
		err error
	}
	accepted := make(chan acc, 1)
	go func() {
		c, err := ln.Accept()
		accepted <- acc{c, err}
	}()
	c, err := dial(st, dst, 10*time.Second)
	if err != nil {
		t.Fatalf("%s: dial %s: %v", st.Name(), dst, err)
	}
	defer c.Close()
	var a acc
	select {
	case a = <-accepted:
	case <-time.After(10 * time.Second):
		t.Fatalf("no connection accepted")
	}
	if a.err != nil {
		t.Fatalf("accept: %v", a.err)
	}
	defer a.c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	_ = a.c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.Write([]byte("ping")); err != nil {
		t.Fatalf("client write: %v", err)
	}
	buf := make([]byte, 4)
	if _, err := io.ReadFull(a.c, buf); err != nil || string(buf) != "ping" {
		t.Fatalf("server read %q, %v", buf, err)
	}
	if _, err := a.c.Write([]byte("pong")); err != nil {
		t.Fatalf("server write: %v", err)
	}
	if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "pong" {
		t.Fatalf("client read %q, %v", buf, err)
	}
	return netip.MustParseAddrPort(a.c.RemoteAddr().String()), netip.MustParseAddrPort(c.LocalAddr().String())
}

func listen(t *testing.T, st *Stack, addr string) net.Listener {
	t.Helper()
	ln, err := st.ListenTCP(netip.MustParseAddrPort(addr))
	if err != nil {
		t.Fatalf("%s: listen %s: %v", st.Name(), addr, err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln
}

// fmtRoute renders a route roughly as `ip route` does.
func fmtRoute(r Route) string {
	var b strings.Builder
	if r.IsDefault() {
		b.WriteString("default")
	} else {
		b.WriteString(r.Dst.String())
	}
	if r.Gateway.IsValid() {
		fmt.Fprintf(&b, " via %s", r.Gateway)
	}
	fmt.Fprintf(&b, " dev %s", r.Dev)
	if r.Kernel {
		b.WriteString(" proto kernel")
	}
	if r.Src.IsValid() {
		fmt.Fprintf(&b, " src %s", r.Src)
	}
	if r.Metric != 0 {
		fmt.Fprintf(&b, " metric %d", r.Metric)
	}
	return b.String()
}

func fmtRoutes(rs []Route) []string {
	out := []string{}
	for _, r := range rs {
		out = append(out, fmtRoute(r))
	}
	return out
}

func nicID(t *testing.T, st *Stack, name string) tcpip.NICID {
	t.Helper()
	n, ok := st.LookupNIC(name)
	if !ok {
		t.Fatalf("%s: no device %q", st.Name(), name)
	}
	return n.ID
}

// gvisorMatches returns the routes of st's gVisor table that match a.
func gvisorMatches(st *Stack, a netip.Addr) []tcpip.Route {
	var out []tcpip.Route
	for _, r := range st.Gstack().GetRouteTable() {
		if r.Destination.Contains(tcpAddr(a)) {
			out = append(out, r)
		}
	}
	return out
}

// checkGvisorRoute checks that destination a matches exactly one route in
// the table installed in gVisor, the one RouteGet (Linux's choice) gives,
// or none when RouteGet finds none. Local and broadcast addresses are
// skipped: gVisor delivers them before it looks at routes.
func checkGvisorRoute(t *testing.T, st *Stack, a netip.Addr) {
	t.Helper()
	want, err := st.RouteGet(a)
	got := gvisorMatches(st, a)
	if errors.Is(err, ErrNetworkUnreachable) {
		if len(got) != 0 {
			t.Errorf("%s: %s: RouteGet says unreachable, gVisor matches %v", st.Name(), a, got)
		}
		return
	}
	if err != nil {
		t.Fatalf("%s: RouteGet(%s): %v", st.Name(), a, err)
	}
	if (want.Dev == "lo" && !a.IsLoopback()) || want.Type == "broadcast" {
		return
	}
	if len(got) != 1 {
		t.Errorf("%s: %s matches %d gVisor routes %v, want exactly 1 (%s)", st.Name(), a, len(got), got, fmtRoute(want))
		return
	}
	if id := nicID(t, st, want.Dev); got[0].NIC != id {
		t.Errorf("%s: %s: gVisor route %v leaves by NIC %d, RouteGet by %s (%d)", st.Name(), a, got[0], got[0].NIC, want.Dev, id)
	}
	var gw tcpip.Address
	if want.Gateway.IsValid() {
		gw = tcpAddr(want.Gateway)
	}
	if got[0].Gateway != gw {
		t.Errorf("%s: %s: gVisor route %v has gateway %s, RouteGet %s", st.Name(), a, got[0], got[0].Gateway, fmtRoute(want))
	}
}

// edges returns addresses at and around the edges of the routes' prefixes.
func edges(rs []Route) []netip.Addr {
	var out []netip.Addr
	for _, r := range rs {
		first := r.Dst.Masked().Addr()
		last := lastAddr(r.Dst)
		out = append(out, first, last, first.Next(), last.Prev())
		if p := first.Prev(); p.IsValid() {
			out = append(out, p)
		}
		if n := last.Next(); n.IsValid() {
			out = append(out, n)
		}
	}
	return out
}

func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().As4()
	host := uint32(1)<<(32-p.Bits()) - 1
	if p.Bits() == 0 {
		host = ^uint32(0)
	}
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	v |= host
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

func checkGvisorRoutes(t *testing.T, st *Stack) {
	t.Helper()
	for _, a := range edges(st.Routes()) {
		checkGvisorRoute(t, st, a)
	}
}

// --- NICs ---

func TestNICErrors(t *testing.T) {
	l := newLab(t)
	st := l.stack("ns")
	e0, _ := l.pair("eth0", "p0")
	e1, _ := l.pair("eth1", "p1")
	spare, _ := l.pair("spare", "p2")
	l.attach(st, "eth0", e0)
	l.attach(st, "eth1", e1)
	tests := []struct {
		name string
		op   func() error
		is   error
		dev  string
	}{
		{"add existing", func() error { return st.AddNIC("eth0", spare) }, ErrExists, "eth0"},
		{"add lo", func() error { return st.AddNIC("lo", spare) }, ErrExists, "lo"},
		{"rename to existing", func() error { return st.RenameNIC("eth1", "eth0") }, ErrExists, "eth0"},
		{"rename missing", func() error { return st.RenameNIC("eth9", "x") }, ErrNoSuchDevice, "eth9"},
		{"remove missing", func() error { return st.RemoveNIC("eth9") }, ErrNoSuchDevice, "eth9"},
		{"up missing", func() error { return st.SetUp("eth9", true) }, ErrNoSuchDevice, "eth9"},
		{"mtu missing", func() error { return st.SetMTU("eth9", 1400) }, ErrNoSuchDevice, "eth9"},
		{"mac missing", func() error { return st.SetMAC("eth9", "\x02\x00\x00\x00\x00\x01") }, ErrNoSuchDevice, "eth9"},
		{"address on missing", func() error { return st.AddAddress("eth9", pfx("10.0.0.1/24")) }, ErrNoSuchDevice, "eth9"},
		{"del address on missing", func() error { return st.DelAddress("eth9", pfx("10.0.0.1/24")) }, ErrNoSuchDevice, "eth9"},
		{"flush addresses on missing", func() error { return st.FlushAddresses("eth9") }, ErrNoSuchDevice, "eth9"},
		{"route via missing", func() error { return st.AddRoute(Route{Dst: pfx("10.9.0.0/16"), Dev: "eth9"}) }, ErrNoSuchDevice, "eth9"},
		{"neighbour on missing", func() error { return st.AddNeighbor("eth9", ip("10.0.0.2"), "\x02\x00\x00\x00\x00\x01") }, ErrNoSuchDevice, "eth9"},
		{"del neighbour on missing", func() error { return st.DelNeighbor("eth9", ip("10.0.0.2")) }, ErrNoSuchDevice, "eth9"},
		{"flush neighbours on missing", func() error { return st.FlushNeighbors("eth9") }, ErrNoSuchDevice, "eth9"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := fmt.Sprint(st.NICs())
			err := tc.op()
			if !errors.Is(err, tc.is) {
				t.Fatalf("err = %v, want %v", err, tc.is)
			}
			var de *DeviceError
			if !errors.As(err, &de) || de.Dev != tc.dev {
				t.Errorf("err = %#v, want a *DeviceError naming %q", err, tc.dev)
			}
			if !strings.Contains(err.Error(), tc.dev) {
				t.Errorf("%q does not name %q", err, tc.dev)
			}
			if after := fmt.Sprint(st.NICs()); after != before {
				t.Errorf("devices changed by a failed call:\n%s\n%s", before, after)
			}
		})
	}
	if got, want := (&DeviceError{Dev: "eth9", Err: ErrNoSuchDevice}).Error(), `Cannot find device "eth9"`; got != want {
		t.Errorf("message %q, want %q", got, want)
	}
	if spare.IsAttached() {
		t.Errorf("a refused AddNIC attached the link")
	}
}

func TestNICLifecycle(t *testing.T) {
	l := newLab(t)
	st := l.stack("ns")
	e0, _ := l.pair("eth0", "p0")
	e1, _ := l.pair("eth1", "p1")

	names := func() []string {
		var out []string
		for _, n := range st.NICs() {
			out = append(out, fmt.Sprintf("%s up=%v lo=%v %v", n.Name, n.Up, n.Loopback, n.Addrs))
		}
		return out
	}
	want := []string{"lo up=false lo=true [127.0.0.1/8]"}
	if got := names(); !slices.Equal(got, want) {
		t.Fatalf("new stack: %q, want %q", got, want)
	}
	if err := st.AddNIC("eth0", e0); err != nil {
		t.Fatal(err)
	}
	if err := st.AddNIC("eth1", e1); err != nil {
		t.Fatal(err)
	}
	// gVisor's NIC, and with it the link's attachment, waits until the
	// device is first brought up or addressed (ensureNICLocked).
	if e0.IsAttached() || e1.IsAttached() {
		t.Fatalf("AddNIC attached the links of devices still down")
	}
	want = []string{"lo up=false lo=true [127.0.0.1/8]", "eth0 up=false lo=false []", "eth1 up=false lo=false []"}
	if got := names(); !slices.Equal(got, want) {
		t.Fatalf("after AddNIC: %q, want %q (down, no address, by index)", got, want)
	}
	if err := st.SetUp("eth1", true); err != nil {
		t.Fatal(err)
	}
	if err := st.AddAddress("eth1", pfx("10.0.1.1/24")); err != nil {
		t.Fatal(err)
	}
	if e0.IsAttached() || !e1.IsAttached() {
		t.Fatalf("eth0 attached %v (want false: down), eth1 %v (want true: up)", e0.IsAttached(), e1.IsAttached())
	}
	l.route(st, Route{Dst: pfx("192.0.2.0/24"), Gateway: ip("10.0.1.254")})
	l.route(st, Route{Dst: pfx("198.51.100.0/24"), Dev: "eth1"})

	// Rename: the device keeps its index, addresses and routes.
	id := nicID(t, st, "eth1")
	if err := st.RenameNIC("eth1", "wan0"); err != nil {
		t.Fatal(err)
	}
	if _, ok := st.LookupNIC("eth1"); ok {
		t.Errorf("eth1 still found after rename")
	}
	n, ok := st.LookupNIC("wan0")
	if !ok || n.ID != id || !n.Up || !slices.Equal(n.Addrs, []netip.Prefix{pfx("10.0.1.1/24")}) {
		t.Errorf("wan0 = %+v, %v; want index %d, up, 10.0.1.1/24", n, ok, id)
	}
	if got := st.Gstack().FindNICNameFromID(id); got != "wan0" {
		t.Errorf("gVisor's name for NIC %d = %q, want wan0 (iptables -i/-o match it)", id, got)
	}
	wantRoutes := []string{
		"10.0.1.0/24 dev wan0 proto kernel src 10.0.1.1",
		"192.0.2.0/24 via 10.0.1.254 dev wan0",
		"198.51.100.0/24 dev wan0",
	}
	if got := fmtRoutes(st.Routes()); !slices.Equal(got, wantRoutes) {
		t.Errorf("routes after rename:\n%q\nwant\n%q", got, wantRoutes)
	}
	checkGvisorRoutes(t, st)
	// Renaming to the same name is not a conflict with another device.
	if err := st.RenameNIC("wan0", "wan0"); err != nil {
		t.Errorf("RenameNIC(wan0, wan0) = %v, want nil (Linux: no-op)", err)
	}

	// Remove: the device, its addresses and every route through it go.
	if err := st.RemoveNIC("wan0"); err != nil {
		t.Fatal(err)
	}
	if e1.IsAttached() {
		t.Errorf("RemoveNIC left the link attached")
	}
	e1.WaitDetached()
	if st.Gstack().HasNIC(id) {
		t.Errorf("gVisor still has NIC %d", id)
	}
	if got := fmtRoutes(st.Routes()); len(got) != 0 {
		t.Errorf("routes after RemoveNIC: %q, want none", got)
	}
	if got := st.Gstack().GetRouteTable(); len(got) != 0 {
		t.Errorf("gVisor routes after RemoveNIC: %v, want none", got)
	}
	if _, err := st.RouteGet(ip("10.0.1.1")); !errors.Is(err, ErrNetworkUnreachable) {
		t.Errorf("RouteGet(removed address) err = %v, want %v", err, ErrNetworkUnreachable)
	}
	// The name is free again.
	if err := st.AddNIC("wan0", e1); err != nil {
		t.Errorf("AddNIC(wan0) after removal: %v", err)
	}
	if n, _ := st.LookupNIC("wan0"); n.ID == id || n.Up || len(n.Addrs) != 0 {
		t.Errorf("re-added wan0 = %+v, want a new index, down, no address", n)
	}
}

// TestLoopback: a new namespace's lo is down, and 127.0.0.1 is unreachable
// until it is up, as after `ip netns add`.
func TestLoopback(t *testing.T) {
	l := newLab(t)
	st := l.stack("ns")
	lo, ok := st.LookupNIC("lo")
	if !ok || lo.Up || !lo.Loopback {
		t.Fatalf("lo = %+v, %v; want a down loopback device", lo, ok)
	}
	down := func(when string) {
		t.Helper()
		if _, err := st.RouteGet(ip("127.0.0.1")); !errors.Is(err, ErrNetworkUnreachable) {
			t.Errorf("%s: RouteGet(127.0.0.1) err = %v, want %v", when, err, ErrNetworkUnreachable)
		}
		if _, err := l.ping(st, "127.0.0.1", PingOptions{}); !errors.Is(err, ErrNetworkUnreachable) {
			t.Errorf("%s: ping 127.0.0.1 err = %v, want %v", when, err, ErrNetworkUnreachable)
		}
		if c, err := dial(st, "127.0.0.1:80", time.Second); !errors.Is(err, ErrNetworkUnreachable) {
			t.Errorf("%s: dial 127.0.0.1:80 err = %v, want %v", when, err, ErrNetworkUnreachable)
			if c != nil {
				c.Close()
			}
		}
		for _, a := range []string{"127.0.0.1", "127.0.0.2"} {
			if got := gvisorMatches(st, ip(a)); len(got) != 0 {
				t.Errorf("%s: gVisor routes %v match %s, want none", when, got, a)
			}
		}
	}
	down("at creation")

	if err := st.SetUp("lo", true); err != nil {
		t.Fatal(err)
	}
	r, err := st.RouteGet(ip("127.0.0.1"))
	if err != nil || r.Dev != "lo" || r.Src != ip("127.0.0.1") {
		t.Errorf("RouteGet(127.0.0.1) = %s, %v; want dev lo src 127.0.0.1", fmtRoute(r), err)
	}
	// A default route does not take 127/8 away from lo.
	e0, _ := l.pair("eth0", "p0")
	l.attach(st, "eth0", e0, "10.0.0.1/24")
	l.route(st, Route{Dst: pfx("0.0.0.0/0"), Gateway: ip("10.0.0.254")})
	tx := e0.Counters().TxPackets
	for _, dst := range []string{"127.0.0.1", "127.0.0.2", "127.255.0.1"} {
		checkGvisorRoute(t, st, ip(dst))
		rep := l.mustPing(st, dst, PingOptions{})
		if rep.From != ip(dst) || rep.TTL != 64 || rep.Bytes != 64 {
			t.Errorf("ping %s: %+v, want 64 bytes from %s ttl 64", dst, rep, dst)
		}
	}
	if d := e0.Counters().TxPackets - tx; d != 0 {
		t.Errorf("loopback pings sent %d frames out of eth0", d)
	}
	ln := listen(t, st, "127.0.0.1:80")
	if remote, _ := exchange(t, st, "127.0.0.1:80", ln); remote.Addr() != ip("127.0.0.1") {
		t.Errorf("server saw %s, want 127.0.0.1", remote)
	}
	want := []string{"default via 10.0.0.254 dev eth0", "10.0.0.0/24 dev eth0 proto kernel src 10.0.0.1"}
	if got := fmtRoutes(st.Routes()); !slices.Equal(got, want) {
		t.Errorf("Routes() = %q, want %q; lo's routes live in the local table, not main", got, want)
	}

	if err := st.SetUp("lo", false); err != nil {
		t.Fatal(err)
	}
	down("after lo down")
}

// --- addresses ---

func TestAddressesAndConnectedRoutes(t *testing.T) {
	l := newLab(t)
	st := l.stack("ns")
	e0, _ := l.pair("eth0", "p0")
	e1, _ := l.pair("eth1", "p1")
	if err := st.AddNIC("eth0", e0); err != nil {
		t.Fatal(err)
	}
	l.attach(st, "eth1", e1, "172.16.0.1/16")
	const c1 = "172.16.0.0/16 dev eth1 proto kernel src 172.16.0.1"
	steps := []struct {
		name   string
		op     func() error
		is     error
		routes []string
	}{
		{"address on a down link", func() error { return st.AddAddress("eth0", pfx("10.0.0.1/24")) }, nil,
			[]string{c1}},
		{"same address again", func() error { return st.AddAddress("eth0", pfx("10.0.0.1/24")) }, ErrExists,
			[]string{c1}},
		{"link up", func() error { return st.SetUp("eth0", true) }, nil,
			[]string{"10.0.0.0/24 dev eth0 proto kernel src 10.0.0.1", c1}},
		{"secondary address, same subnet", func() error { return st.AddAddress("eth0", pfx("10.0.0.2/24")) }, nil,
			[]string{"10.0.0.0/24 dev eth0 proto kernel src 10.0.0.1", c1}},
		{"address in another subnet", func() error { return st.AddAddress("eth0", pfx("192.0.2.1/25")) }, nil,
			[]string{"10.0.0.0/24 dev eth0 proto kernel src 10.0.0.1", c1, "192.0.2.0/25 dev eth0 proto kernel src 192.0.2.1"}},
		{"route via a gateway", func() error { return st.AddRoute(Route{Dst: pfx("198.51.100.0/24"), Gateway: ip("10.0.0.254")}) }, nil,
			[]string{"10.0.0.0/24 dev eth0 proto kernel src 10.0.0.1", c1, "192.0.2.0/25 dev eth0 proto kernel src 192.0.2.1",
				"198.51.100.0/24 via 10.0.0.254 dev eth0"}},
		{"route through the device", func() error { return st.AddRoute(Route{Dst: pfx("203.0.113.0/24"), Dev: "eth0"}) }, nil,
			[]string{"10.0.0.0/24 dev eth0 proto kernel src 10.0.0.1", c1, "192.0.2.0/25 dev eth0 proto kernel src 192.0.2.1",
				"198.51.100.0/24 via 10.0.0.254 dev eth0", "203.0.113.0/24 dev eth0"}},
		{"delete the secondary", func() error { return st.DelAddress("eth0", pfx("10.0.0.2/24")) }, nil,
			[]string{"10.0.0.0/24 dev eth0 proto kernel src 10.0.0.1", c1, "192.0.2.0/25 dev eth0 proto kernel src 192.0.2.1",
				"198.51.100.0/24 via 10.0.0.254 dev eth0", "203.0.113.0/24 dev eth0"}},
		{"delete the gateway's network", func() error { return st.DelAddress("eth0", pfx("10.0.0.1/24")) }, nil,
			[]string{c1, "192.0.2.0/25 dev eth0 proto kernel src 192.0.2.1", "203.0.113.0/24 dev eth0"}},
		{"delete a missing address", func() error { return st.DelAddress("eth0", pfx("10.0.0.1/24")) }, ErrAddrNotAvailable,
			[]string{c1, "192.0.2.0/25 dev eth0 proto kernel src 192.0.2.1", "203.0.113.0/24 dev eth0"}},
		{"delete with the wrong length", func() error { return st.DelAddress("eth0", pfx("192.0.2.1/24")) }, ErrAddrNotAvailable,
			[]string{c1, "192.0.2.0/25 dev eth0 proto kernel src 192.0.2.1", "203.0.113.0/24 dev eth0"}},
		{"add it back", func() error { return st.AddAddress("eth0", pfx("10.0.0.1/24")) }, nil,
			[]string{"10.0.0.0/24 dev eth0 proto kernel src 10.0.0.1", c1, "192.0.2.0/25 dev eth0 proto kernel src 192.0.2.1",
				"203.0.113.0/24 dev eth0"}},
		{"link down", func() error { return st.SetUp("eth0", false) }, nil,
			[]string{c1}},
		{"route through a down link", func() error { return st.AddRoute(Route{Dst: pfx("203.0.113.0/24"), Dev: "eth0"}) }, errAny,
			[]string{c1}},
		{"gateway behind a down link", func() error { return st.AddRoute(Route{Dst: pfx("198.51.100.0/24"), Gateway: ip("10.0.0.254")}) }, ErrInvalidGateway,
			[]string{c1}},
		{"link up again: connected routes only", func() error { return st.SetUp("eth0", true) }, nil,
			[]string{"10.0.0.0/24 dev eth0 proto kernel src 10.0.0.1", c1, "192.0.2.0/25 dev eth0 proto kernel src 192.0.2.1"}},
		{"same address on another device", func() error { return st.AddAddress("eth1", pfx("10.0.0.1/24")) }, nil,
			[]string{"10.0.0.0/24 dev eth0 proto kernel src 10.0.0.1", "10.0.0.0/24 dev eth1 proto kernel src 10.0.0.1", c1,
				"192.0.2.0/25 dev eth0 proto kernel src 192.0.2.1"}},
		{"delete it there", func() error { return st.DelAddress("eth1", pfx("10.0.0.1/24")) }, nil,
			[]string{"10.0.0.0/24 dev eth0 proto kernel src 10.0.0.1", c1, "192.0.2.0/25 dev eth0 proto kernel src 192.0.2.1"}},
		{"flush", func() error { return st.FlushAddresses("eth0") }, nil,
			[]string{c1}},
	}
	for _, s := range steps {
		err := s.op()
		if !isErr(err, s.is) {
			t.Fatalf("%s: err = %v, want %v", s.name, err, s.is)
		}
		if got := fmtRoutes(st.Routes()); !slices.Equal(got, s.routes) {
			t.Errorf("%s: routes\n%q\nwant\n%q", s.name, got, s.routes)
		}
		checkGvisorRoutes(t, st)
		// The routes are what Linux would use: RouteGet agrees.
		for _, r := range st.Routes() {
			got, err := st.RouteGet(lastAddr(r.Dst).Prev())
			if err != nil || got.Dst != r.Dst {
				t.Errorf("%s: RouteGet(%s) = %s, %v; want %s", s.name, lastAddr(r.Dst).Prev(), fmtRoute(got), err, fmtRoute(r))
			}
		}
	}
	n, _ := st.LookupNIC("eth0")
	if len(n.Addrs) != 0 {
		t.Errorf("eth0 addresses after flush: %v", n.Addrs)
	}
}

// --- routes ---

func TestRoutes(t *testing.T) {
	l := newLab(t)
	st := l.stack("ns")
	e0, _ := l.pair("eth0", "p0")
	e1, _ := l.pair("eth1", "p1")
	l.attach(st, "eth0", e0, "10.0.0.1/24")
	l.attach(st, "eth1", e1, "10.1.0.1/24")

	adds := []struct {
		name string
		r    Route
		is   error
	}{
		{"gateway off-link", Route{Dst: pfx("192.0.2.0/24"), Gateway: ip("10.9.9.9")}, ErrInvalidGateway},
		{"gateway not on dev", Route{Dst: pfx("192.0.2.0/24"), Gateway: ip("10.0.0.254"), Dev: "eth1"}, ErrInvalidGateway},
		{"gateway is the route's own network", Route{Dst: pfx("192.0.2.0/24"), Gateway: ip("192.0.2.1")}, ErrInvalidGateway},
		{"connected duplicate", Route{Dst: pfx("10.0.0.0/24"), Dev: "eth0"}, ErrExists},
		{"default", Route{Dst: pfx("0.0.0.0/0"), Gateway: ip("10.0.0.254")}, nil},
		{"default again, other gateway", Route{Dst: pfx("0.0.0.0/0"), Gateway: ip("10.1.0.254")}, ErrExists},
		{"default, higher metric", Route{Dst: pfx("0.0.0.0/0"), Gateway: ip("10.1.0.254"), Metric: 100}, nil},
		{"net", Route{Dst: pfx("192.0.2.0/24"), Gateway: ip("10.0.0.254")}, nil},
		{"net, unmasked", Route{Dst: pfx("192.0.2.77/24"), Gateway: ip("10.0.0.253")}, ErrExists},
		{"net, metric 10", Route{Dst: pfx("192.0.2.0/24"), Gateway: ip("10.1.0.254"), Metric: 10}, nil},
		{"longer prefix, metric 100", Route{Dst: pfx("192.0.2.128/25"), Dev: "eth1", Metric: 100}, nil},
		{"host route", Route{Dst: pfx("198.51.100.7/32"), Gateway: ip("10.1.0.9")}, nil},
		// A gateway is on-link when a connected or device route (scope
		// link) covers it; the longest such route gives the device.
		{"device route", Route{Dst: pfx("172.16.0.0/16"), Dev: "eth0"}, nil},
		{"device host route", Route{Dst: pfx("172.16.9.9/32"), Dev: "eth1"}, nil},
		{"gateway via device routes", Route{Dst: pfx("203.0.113.0/24"), Gateway: ip("172.16.9.9")}, nil},
		{"gateway via a gateway route", Route{Dst: pfx("203.0.113.0/25"), Gateway: ip("198.51.100.7")}, ErrInvalidGateway},
	}
	for _, a := range adds {
		err := st.AddRoute(a.r)
		if !isErr(err, a.is) {
			t.Errorf("AddRoute(%s): err = %v, want %v", a.name, err, a.is)
		}
	}
	if err := st.AddRoute(Route{Dst: pfx("203.0.113.0/24")}); err == nil {
		t.Errorf("AddRoute without gateway or device succeeded")
	}
	checkGvisorRoutes(t, st)

	want := []string{
		"default via 10.0.0.254 dev eth0",
		"default via 10.1.0.254 dev eth1 metric 100",
		"10.0.0.0/24 dev eth0 proto kernel src 10.0.0.1",
		"10.1.0.0/24 dev eth1 proto kernel src 10.1.0.1",
		"172.16.0.0/16 dev eth0",
		"172.16.9.9/32 dev eth1",
		"192.0.2.0/24 via 10.0.0.254 dev eth0",
		"192.0.2.0/24 via 10.1.0.254 dev eth1 metric 10",
		"192.0.2.128/25 dev eth1 metric 100",
		"198.51.100.7/32 via 10.1.0.9 dev eth1",
		"203.0.113.0/24 via 172.16.9.9 dev eth1",
	}
	if got := fmtRoutes(st.Routes()); !slices.Equal(got, want) {
		t.Fatalf("Routes():\n%q\nwant (default first, then by destination)\n%q", got, want)
	}
	checkGvisorRoutes(t, st)

	gets := []struct {
		dst  string
		want string
		is   error
	}{
		{"192.0.2.1", "192.0.2.0/24 via 10.0.0.254 dev eth0 src 10.0.0.1", nil},
		{"192.0.2.127", "192.0.2.0/24 via 10.0.0.254 dev eth0 src 10.0.0.1", nil},
		{"192.0.2.128", "192.0.2.128/25 dev eth1 src 10.1.0.1 metric 100", nil},
		{"198.51.100.7", "198.51.100.7/32 via 10.1.0.9 dev eth1 src 10.1.0.1", nil},
		{"198.51.100.8", "default via 10.0.0.254 dev eth0 src 10.0.0.1", nil},
		{"10.1.0.200", "10.1.0.0/24 dev eth1 proto kernel src 10.1.0.1", nil},
		{"10.1.0.1", "10.1.0.1/32 dev lo src 10.1.0.1", nil},
		{"203.0.113.9", "203.0.113.0/24 via 172.16.9.9 dev eth1 src 10.1.0.1", nil},
	}
	for _, g := range gets {
		r, err := st.RouteGet(ip(g.dst))
		if err != nil || fmtRoute(r) != g.want {
			t.Errorf("RouteGet(%s) = %q, %v; want %q", g.dst, fmtRoute(r), err, g.want)
		}
	}

	dels := []struct {
		name string
		r    Route
		is   error
	}{
		{"missing", Route{Dst: pfx("198.51.100.0/24")}, ErrNoSuchProcess},
		{"wrong gateway", Route{Dst: pfx("192.0.2.0/24"), Gateway: ip("10.0.0.99")}, ErrNoSuchProcess},
		{"wrong device", Route{Dst: pfx("198.51.100.7/32"), Dev: "eth0"}, ErrNoSuchProcess},
		{"net via 10.0.0.254", Route{Dst: pfx("192.0.2.0/24"), Gateway: ip("10.0.0.254")}, nil},
		{"default (first)", Route{Dst: pfx("0.0.0.0/0")}, nil},
		{"default (second)", Route{Dst: pfx("0.0.0.0/0")}, nil},
		{"default (none left)", Route{Dst: pfx("0.0.0.0/0")}, ErrNoSuchProcess},
	}
	for _, d := range dels {
		err := st.DelRoute(d.r)
		if !isErr(err, d.is) {
			t.Errorf("DelRoute(%s): err = %v, want %v", d.name, err, d.is)
		}
	}
	checkGvisorRoutes(t, st)
	if r, err := st.RouteGet(ip("192.0.2.1")); err != nil || fmtRoute(r) != "192.0.2.0/24 via 10.1.0.254 dev eth1 src 10.1.0.1 metric 10" {
		t.Errorf("after deleting the metric 0 route, RouteGet(192.0.2.1) = %q, %v; want the metric 10 one", fmtRoute(r), err)
	}
	for _, dst := range []string{"198.51.100.8", "192.0.3.1", "8.8.8.8"} {
		if r, err := st.RouteGet(ip(dst)); !errors.Is(err, ErrNetworkUnreachable) {
			t.Errorf("RouteGet(%s) = %q, %v; want %v", dst, fmtRoute(r), err, ErrNetworkUnreachable)
		}
		if _, err := l.ping(st, dst, PingOptions{}); !errors.Is(err, ErrNetworkUnreachable) {
			t.Errorf("ping %s err = %v, want %v", dst, err, ErrNetworkUnreachable)
		}
		if c, err := dial(st, dst+":80", time.Second); !errors.Is(err, ErrNetworkUnreachable) {
			t.Errorf("dial %s err = %v, want %v", dst, err, ErrNetworkUnreachable)
			if c != nil {
				c.Close()
			}
		}
	}
}

func TestSplitPrefix(t *testing.T) {
	tests := []struct{ p, lo, hi string }{
		{"0.0.0.0/0", "0.0.0.0/1", "128.0.0.0/1"},
		{"10.0.0.0/8", "10.0.0.0/9", "10.128.0.0/9"},
		{"10.0.0.0/23", "10.0.0.0/24", "10.0.1.0/24"},
		{"10.0.0.254/31", "10.0.0.254/32", "10.0.0.255/32"},
		{"192.168.0.0/15", "192.168.0.0/16", "192.169.0.0/16"},
		{"2001:db8::/32", "2001:db8::/33", "2001:db8:8000::/33"},
	}
	for _, tc := range tests {
		lo, hi := splitPrefix(pfx(tc.p))
		if lo != pfx(tc.lo) || hi != pfx(tc.hi) {
			t.Errorf("splitPrefix(%s) = %s, %s; want %s, %s", tc.p, lo, hi, tc.lo, tc.hi)
		}
	}
}

func TestSubtractPrefix(t *testing.T) {
	tests := []struct {
		ps   []string
		q    string
		want []string
	}{
		{[]string{"10.0.0.0/22"}, "10.0.1.0/24", []string{"10.0.0.0/24", "10.0.2.0/23"}},
		{[]string{"10.0.0.0/24"}, "10.0.0.0/25", []string{"10.0.0.128/25"}},
		{[]string{"10.0.0.0/24"}, "10.0.0.255/32", []string{"10.0.0.0/25", "10.0.0.128/26", "10.0.0.192/27",
			"10.0.0.224/28", "10.0.0.240/29", "10.0.0.248/30", "10.0.0.252/31", "10.0.0.254/32"}},
		{[]string{"10.0.0.0/24"}, "10.0.1.0/24", []string{"10.0.0.0/24"}},
		{[]string{"10.0.0.0/24"}, "10.0.0.0/24", nil},
		{[]string{"10.0.0.0/24"}, "10.0.0.0/8", nil},
		{[]string{"10.0.0.0/25", "10.0.0.128/25"}, "10.0.0.128/26", []string{"10.0.0.0/25", "10.0.0.192/26"}},
		{[]string{"0.0.0.0/0"}, "128.0.0.0/1", []string{"0.0.0.0/1"}},
	}
	for _, tc := range tests {
		var ps []netip.Prefix
		for _, p := range tc.ps {
			ps = append(ps, pfx(p))
		}
		var got []string
		for _, p := range subtractPrefix(ps, pfx(tc.q)) {
			got = append(got, p.String())
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("subtractPrefix(%v, %s) = %v, want %v", tc.ps, tc.q, got, tc.want)
		}
	}
}

func size(p netip.Prefix) uint64 { return uint64(1) << (32 - p.Bits()) }

// TestSubtractPrefixRandom checks, for random p ⊇ q, that p − q is a set of
// disjoint prefixes inside p, none overlapping q, covering all of p but q.
func TestSubtractPrefixRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 2000; i++ {
		a := netip.AddrFrom4([4]byte{byte(rng.IntN(256)), byte(rng.IntN(256)), byte(rng.IntN(256)), byte(rng.IntN(256))})
		qb := rng.IntN(33)
		pb := rng.IntN(qb + 1)
		p, q := netip.PrefixFrom(a, pb).Masked(), netip.PrefixFrom(a, qb).Masked()
		got := subtractPrefix([]netip.Prefix{p}, q)
		var total uint64
		for j, x := range got {
			if !p.Contains(x.Addr()) || x.Bits() < p.Bits() {
				t.Fatalf("%s − %s: piece %s outside", p, q, x)
			}
			if x.Overlaps(q) {
				t.Fatalf("%s − %s: piece %s overlaps %s", p, q, x, q)
			}
			if x != x.Masked() {
				t.Fatalf("%s − %s: piece %s not masked", p, q, x)
			}
			for _, y := range got[j+1:] {
				if x.Overlaps(y) {
					t.Fatalf("%s − %s: pieces %s and %s overlap", p, q, x, y)
				}
			}
			total += size(x)
		}
		if want := size(p) - size(q); total != want {
			t.Fatalf("%s − %s: pieces %v cover %d addresses, want %d", p, q, got, total, want)
		}
		if len(got) != qb-pb {
			t.Fatalf("%s − %s: %d pieces, want %d (one per bit)", p, q, len(got), qb-pb)
		}
	}
}

// TestFlattenedRouteTable installs random route sets and checks that every
// destination matches exactly one route of the table installed in gVisor,
// and that it is the route Linux picks (RouteGet: longest prefix, then
// lowest metric), whatever source address the packet has.
func TestFlattenedRouteTable(t *testing.T) {
	l := newLab(t)
	st := l.stack("ns")
	e0, _ := l.pair("eth0", "p0")
	e1, _ := l.pair("eth1", "p1")
	e2, _ := l.pair("eth2", "p2")
	l.attach(st, "eth0", e0, "198.51.100.1/24")
	l.attach(st, "eth1", e1, "203.0.113.1/24")
	l.attach(st, "eth2", e2, "10.0.0.65/26")
	if err := st.SetUp("lo", true); err != nil {
		t.Fatal(err)
	}
	gateways := []string{"198.51.100.2", "198.51.100.3", "203.0.113.2", "203.0.113.3", "10.0.0.66", "10.0.0.100"}
	devs := []string{"eth0", "eth1", "eth2"}
	// Destinations: all of 10.0.0.0/24 (where the random prefixes are
	// dense), around it, and elsewhere.
	var dsts []netip.Addr
	for i := 0; i < 256; i++ {
		dsts = append(dsts, netip.AddrFrom4([4]byte{10, 0, 0, byte(i)}))
	}
	for _, s := range []string{"9.255.255.255", "10.0.1.0", "10.0.255.255", "10.1.0.0", "10.255.255.255", "11.0.0.0",
		"0.0.0.0", "1.2.3.4", "127.0.0.1", "127.0.0.5", "127.255.255.255", "128.0.0.0", "192.0.2.1", "198.51.100.200",
		"203.0.113.255", "255.255.255.254"} {
		dsts = append(dsts, ip(s))
	}
	rng := rand.New(rand.NewPCG(7, 11))
	for iter := 0; iter < 60; iter++ {
		for _, r := range st.Routes() {
			if !r.Kernel {
				if err := st.DelRoute(r); err != nil {
					t.Fatalf("DelRoute(%s): %v", fmtRoute(r), err)
				}
			}
		}
		var added []string
		for n := rng.IntN(12); n > 0; n-- {
			var dst netip.Prefix
			switch k := rng.IntN(10); {
			case k == 0:
				dst = pfx("0.0.0.0/0")
			case k == 1:
				dst = pfx("10.0.0.0/8")
			case k == 2:
				dst = netip.PrefixFrom(ip("10.0.0.0"), 16+rng.IntN(9))
			default:
				dst = netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 0, 0, byte(rng.IntN(256))}), 24+rng.IntN(9)).Masked()
			}
			r := Route{Dst: dst, Metric: rng.IntN(3) * 10}
			if rng.IntN(3) == 0 {
				r.Dev = devs[rng.IntN(len(devs))]
			} else {
				r.Gateway = ip(gateways[rng.IntN(len(gateways))])
			}
			if err := st.AddRoute(r); err != nil {
				if errors.Is(err, ErrExists) {
					continue
				}
				t.Fatalf("AddRoute(%+v): %v", r, err)
			}
			added = append(added, fmtRoute(r))
		}
		before := t.Failed()
		for _, a := range dsts {
			checkGvisorRoute(t, st, a)
		}
		if !before && t.Failed() {
			t.Fatalf("iteration %d, routes added: %q\ngVisor table: %v", iter, added, st.Gstack().GetRouteTable())
		}
	}
}

// TestWeakHost: a router with addresses on two devices answers a ping to
// its far address from a host on the near side, even with ip_forward=0, and
// the reply leaves by the near device (the route to the destination), not by
// the device that owns the reply's source address, even when that device
// has the default route.
func TestWeakHost(t *testing.T) {
	for _, fwd := range []bool{false, true} {
		t.Run(fmt.Sprintf("forwarding=%v", fwd), func(t *testing.T) {
			l := newLab(t)
			n := l.trio(true)
			l.route(n.r, Route{Dst: pfx("0.0.0.0/0"), Gateway: ip("10.0.2.2")})
			if err := n.r.SetForwarding(fwd); err != nil {
				t.Fatal(err)
			}
			// A DROP policy in FORWARD must not matter: local delivery
			// never traverses FORWARD on Linux.
			if err := n.r.Netfilter().SetPolicy("filter", "FORWARD", "DROP"); err != nil {
				t.Fatal(err)
			}
			r0, r1 := n.r0.Counters(), n.r1.Counters()
			rep := l.mustPing(n.a, "10.0.2.1", PingOptions{})
			if rep.From != ip("10.0.2.1") || rep.TTL != 64 {
				t.Errorf("reply %+v, want from 10.0.2.1 ttl 64", rep)
			}
			l.quiet()
			if d := n.r1.Counters().TxPackets - r1.TxPackets; d != 0 {
				t.Errorf("r's eth1 sent %d frames; the reply must leave by eth0", d)
			}
			// ARP reply + echo reply.
			if d := n.r0.Counters().TxPackets - r0.TxPackets; d != 2 {
				t.Errorf("r's eth0 sent %d frames, want 2 (ARP reply, echo reply)", d)
			}
			cs, _ := n.r.Netfilter().List("filter")
			for _, c := range cs {
				if c.Name == "FORWARD" && c.Packets != 0 {
					t.Errorf("FORWARD policy counted %d packets for a local delivery", c.Packets)
				}
			}
			checkGvisorRoute(t, n.r, ip("10.0.1.2"))
		})
	}
}

// --- forwarding ---

func TestForwarding(t *testing.T) {
	l := newLab(t)
	n := l.trio(true)
	if n.r.Forwarding() {
		t.Fatalf("a new stack forwards")
	}
	steps := []struct {
		name    string
		fwd     bool
		replies bool
	}{
		{"off at start", false, false},
		{"on", true, true},
		{"off again", false, false},
		{"on again", true, true},
	}
	for _, s := range steps {
		if err := n.r.SetForwarding(s.fwd); err != nil {
			t.Fatal(err)
		}
		if n.r.Forwarding() != s.fwd {
			t.Errorf("%s: Forwarding() = %v", s.name, !s.fwd)
		}
		tx := n.r1.Counters().TxPackets
		if !s.replies {
			l.expectTimeout(n.a, "10.0.2.2")
			if d := n.r1.Counters().TxPackets - tx; d != 0 {
				t.Errorf("%s: r sent %d frames towards b", s.name, d)
			}
			continue
		}
		for _, p := range []struct {
			from *Stack
			to   string
		}{{n.a, "10.0.2.2"}, {n.b, "10.0.1.2"}} {
			rep := l.mustPing(p.from, p.to, PingOptions{})
			if rep.From != ip(p.to) || rep.TTL != 63 {
				t.Errorf("%s: ping %s: %+v, want a reply from %s with TTL 63 (one router)", s.name, p.to, rep, p.to)
			}
		}
	}
}

// --- neighbours ---

func TestNeighbors(t *testing.T) {
	l := newLab(t)
	d := l.duo()
	if got := d.a.Neighbors(); len(got) != 0 {
		t.Fatalf("new table: %+v", got)
	}
	l.mustPing(d.a, "10.0.0.2", PingOptions{})
	want := Neighbor{Addr: ip("10.0.0.2"), MAC: tcpip.LinkAddress(d.eb.MAC()), Dev: "eth0", State: "REACHABLE"}
	if got := d.a.Neighbors(); len(got) != 1 || got[0] != want {
		t.Fatalf("after ping: %+v, want [%+v]", got, want)
	}

	mac := tcpip.LinkAddress("\x02\x00\x00\x00\x00\x09")
	if err := d.a.AddNeighbor("eth0", ip("10.0.0.9"), mac); err != nil {
		t.Fatal(err)
	}
	perm := Neighbor{Addr: ip("10.0.0.9"), MAC: mac, Dev: "eth0", State: "PERMANENT"}
	if got := d.a.Neighbors(); !slices.Equal(got, []Neighbor{want, perm}) {
		t.Fatalf("after AddNeighbor: %+v, want [%+v %+v]", got, want, perm)
	}
	// A permanent entry is used without ARP: the frame goes to its MAC
	// (which nobody has, so no reply).
	tx := d.ea.Counters().TxPackets
	l.expectTimeout(d.a, "10.0.0.9")
	if got := d.ea.Counters().TxPackets - tx; got != 1 {
		t.Errorf("ping to a permanent neighbour sent %d frames, want 1 (no ARP)", got)
	}
	if got := d.a.Neighbors(); len(got) != 2 || got[1] != perm {
		t.Errorf("permanent entry changed: %+v", got)
	}

	if err := d.a.DelNeighbor("eth0", ip("10.0.0.9")); err != nil {
		t.Fatal(err)
	}
	if err := d.a.DelNeighbor("eth0", ip("10.0.0.9")); !errors.Is(err, ErrNoSuchProcess) {
		t.Errorf("deleting a missing neighbour: %v, want %v", err, ErrNoSuchProcess)
	}
	if got := d.a.Neighbors(); !slices.Equal(got, []Neighbor{want}) {
		t.Fatalf("after DelNeighbor: %+v, want [%+v]", got, want)
	}

	// `ip neigh flush dev eth0` removes learnt entries but, by default,
	// not permanent ones.
	if err := d.a.AddNeighbor("eth0", ip("10.0.0.9"), mac); err != nil {
		t.Fatal(err)
	}
	if err := d.a.FlushNeighbors("eth0"); err != nil {
		t.Fatal(err)
	}
	if got := d.a.Neighbors(); !slices.Equal(got, []Neighbor{perm}) {
		t.Errorf("after FlushNeighbors: %+v, want [%+v]", got, perm)
	}
	// The flushed neighbour is learnt again.
	l.mustPing(d.a, "10.0.0.2", PingOptions{})
	if got := d.a.Neighbors(); len(got) != 2 || got[0] != want {
		t.Errorf("after a new ping: %+v, want %+v first", got, want)
	}
	if err := d.a.FlushNeighbors(""); err != nil {
		t.Fatal(err)
	}
	if got := d.a.Neighbors(); !slices.Equal(got, []Neighbor{perm}) {
		t.Errorf("after FlushNeighbors(all): %+v, want [%+v]", got, perm)
	}
	// Taking the link down empties its table.
	if err := d.a.SetUp("eth0", false); err != nil {
		t.Fatal(err)
	}
	if got := d.a.Neighbors(); len(got) != 0 {
		t.Errorf("after link down: %+v, want none", got)
	}
}
