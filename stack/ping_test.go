package stack

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// TestPing pings across one router (trio, forwarding on) with ping's
// options, and checks what comes back as iputils would print it.
func TestPing(t *testing.T) {
	l := newLab(t)
	n := l.trio(true)
	if err := n.r.SetForwarding(true); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		from *Stack
		dst  string
		opts PingOptions
		// want is the reply; From must be set unless errText is.
		want PingReply
		// errText is in the error when NewPinger or Ping fail.
		errText string
	}{
		{name: "default size", dst: "10.0.2.2", want: PingReply{From: ip("10.0.2.2"), TTL: 63, Bytes: 64}},
		{name: "size 1000", dst: "10.0.2.2", opts: PingOptions{Size: 1000}, want: PingReply{From: ip("10.0.2.2"), TTL: 63, Bytes: 1008}},
		{name: "size 3000, fragmented", dst: "10.0.2.2", opts: PingOptions{Size: 3000}, want: PingReply{From: ip("10.0.2.2"), TTL: 63, Bytes: 3008}},
		{name: "size 8", dst: "10.0.2.2", opts: PingOptions{Size: 8}, want: PingReply{From: ip("10.0.2.2"), TTL: 63, Bytes: 16}},
		{name: "size 1, no timestamp", dst: "10.0.2.2", opts: PingOptions{Size: 1}, want: PingReply{From: ip("10.0.2.2"), TTL: 63, Bytes: 9}},
		{name: "largest unfragmented with DF", dst: "10.0.2.2", opts: PingOptions{Size: 1472, DontFragment: true}, want: PingReply{From: ip("10.0.2.2"), TTL: 63, Bytes: 1480}},
		{name: "too large for DF", dst: "10.0.2.2", opts: PingOptions{Size: 1473, DontFragment: true}, errText: "message too long, mtu=1500"},
		{name: "size too large", dst: "10.0.2.2", opts: PingOptions{Size: 65508}, errText: "out of range"},
		{name: "negative size", dst: "10.0.2.2", opts: PingOptions{Size: -1}, errText: "out of range"},
		{name: "ttl 2", dst: "10.0.2.2", opts: PingOptions{TTL: 2}, want: PingReply{From: ip("10.0.2.2"), TTL: 63, Bytes: 64}},
		{name: "ttl 1 expires at the router", dst: "10.0.2.2", opts: PingOptions{TTL: 1}, want: PingReply{From: ip("10.0.1.1"), TTL: 64, Error: "Time to live exceeded"}},
		{name: "ttl 1 to the neighbour", dst: "10.0.1.1", opts: PingOptions{TTL: 1}, want: PingReply{From: ip("10.0.1.1"), TTL: 64, Bytes: 64}},
		{name: "far address of the router", dst: "10.0.2.1", want: PingReply{From: ip("10.0.2.1"), TTL: 64, Bytes: 64}},
		{name: "from the far side", from: n.b, dst: "10.0.1.2", want: PingReply{From: ip("10.0.1.2"), TTL: 63, Bytes: 64}},
		{name: "bound to the device", dst: "10.0.2.2", opts: PingOptions{Dev: "eth0"}, want: PingReply{From: ip("10.0.2.2"), TTL: 63, Bytes: 64}},
		{name: "bound to a missing device", dst: "10.0.2.2", opts: PingOptions{Dev: "eth9"}, errText: "SO_BINDTODEVICE eth9: No such device"},
		{name: "router has no route", dst: "192.0.2.1", want: PingReply{From: ip("10.0.1.1"), TTL: 64, Error: "Destination Net Unreachable"}},
		{name: "no route", from: n.b, dst: "127.0.0.1", errText: ErrNetworkUnreachable.Error()},
		{name: "IPv6", dst: "2001:db8::1", errText: "only IPv4"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			from := tc.from
			if from == nil {
				from = n.a
			}
			rep, err := l.ping(from, tc.dst, tc.opts)
			if tc.errText != "" {
				if err == nil || !strings.Contains(err.Error(), tc.errText) {
					t.Fatalf("ping = %+v, %v; want an error with %q", rep, err, tc.errText)
				}
				return
			}
			if err != nil {
				t.Fatalf("ping: %v", err)
			}
			tc.want.Seq = 1
			if tc.want.Error != "" {
				// An ICMP error quotes as much of the probe as fits.
				if rep.Bytes < 36 {
					t.Errorf("ICMP error of %d bytes, want at least 36", rep.Bytes)
				}
				rep.Bytes = 0
			}
			if rep != tc.want {
				t.Errorf("ping = %+v, want %+v", rep, tc.want)
			}
		})
	}
}

// TestPingFragNeeded: a DF probe larger than the far link's MTU gets
// "Frag needed" from the router, with the MTU.
func TestPingFragNeeded(t *testing.T) {
	l := newLab(t)
	n := l.trio(true)
	if err := n.r.SetForwarding(true); err != nil {
		t.Fatal(err)
	}
	if err := n.r.SetMTU("eth1", 1400); err != nil {
		t.Fatal(err)
	}
	rep, err := l.ping(n.a, "10.0.2.2", PingOptions{Size: 1400, DontFragment: true})
	if err != nil || rep.Error != "Frag needed and DF set (mtu = 1400)" || rep.From != ip("10.0.1.1") {
		t.Errorf("ping = %+v, %v; want Frag needed (mtu = 1400) from 10.0.1.1", rep, err)
	}
	// Without DF the router fragments.
	if rep := l.mustPing(n.a, "10.0.2.2", PingOptions{Size: 1400}); rep.Bytes != 1408 {
		t.Errorf("ping = %+v, want 1408 bytes", rep)
	}
}

// TestPingSequence: one Pinger sends several probes; each reply carries its
// sequence number, and the RTT is measured on the emulator clock (which
// stands still here).
func TestPingSequence(t *testing.T) {
	l := newLab(t)
	d := l.duo()
	p, err := d.a.NewPinger(ip("10.0.0.2"), PingOptions{ID: 4242})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if got := p.Source(); got != ip("10.0.0.1") {
		t.Errorf("Source() = %s, want 10.0.0.1", got)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for seq := uint16(1); seq <= 3; seq++ {
		rep, err := p.Ping(ctx, seq)
		want := PingReply{From: ip("10.0.0.2"), Seq: seq, TTL: 64, Bytes: 64}
		if err != nil || rep != want {
			t.Errorf("probe %d: %+v, %v; want %+v", seq, rep, err, want)
		}
	}
	// Another pinger's replies are not taken for ours.
	q, err := d.a.NewPinger(ip("10.0.0.2"), PingOptions{ID: 4343})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	if rep, err := q.Ping(ctx, 9); err != nil || rep.Seq != 9 {
		t.Errorf("second pinger: %+v, %v", rep, err)
	}
	cctx, ccancel := context.WithCancel(context.Background())
	ccancel()
	if err := d.b.Netfilter().SetPolicy("filter", "INPUT", "DROP"); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Ping(cctx, 4); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled probe: err = %v, want %v", err, context.Canceled)
	}
}

// TestPingTimeout: a probe that nobody answers times out after exactly its
// timeout, on the emulator clock.
func TestPingTimeout(t *testing.T) {
	l := newLab(t)
	d := l.duo()
	if err := d.b.Netfilter().SetPolicy("filter", "INPUT", "DROP"); err != nil {
		t.Fatal(err)
	}
	for _, timeout := range []time.Duration{time.Second, 3 * time.Second} {
		done := make(chan pingResult, 1)
		start := l.clk.Elapsed()
		go func() {
			rep, err := l.ping(d.a, "10.0.0.2", PingOptions{Timeout: timeout})
			done <- pingResult{rep, err}
		}()
		l.quiet()
		time.Sleep(20 * time.Millisecond)
		l.clk.Advance(timeout - time.Millisecond)
		l.quiet()
		select {
		case r := <-done:
			t.Fatalf("timeout %v: ping returned %+v, %v after %v", timeout, r.rep, r.err, l.clk.Elapsed()-start)
		default:
		}
		l.clk.Advance(time.Millisecond)
		select {
		case r := <-done:
			if !errors.Is(r.err, ErrTimeout) {
				t.Errorf("timeout %v: ping = %+v, %v; want %v", timeout, r.rep, r.err, ErrTimeout)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("timeout %v: ping still waiting at %v", timeout, l.clk.Elapsed()-start)
		}
	}
	cs, _ := d.b.Netfilter().List("filter")
	if cs[0].Name != "INPUT" || cs[0].Packets != 2 {
		t.Errorf("INPUT policy counted %d packets, want 2 (one probe each)", cs[0].Packets)
	}
}

// TestPingHostUnreachable: a neighbour that never answers ARP becomes
// FAILED after three requests, and the probe that waited for it is
// reported "Destination Host Unreachable" from the pinging host's own
// address, as Linux reports it (gVisor alone drops it silently). Linux
// delivers that report through lo: with lo down, the probe just goes
// unanswered.
func TestPingHostUnreachable(t *testing.T) {
	l := newLab(t)
	d := l.duo()
	if _, err := l.pingAdvancing(d.a, "10.0.0.98", PingOptions{Timeout: 5 * time.Second}); !errors.Is(err, ErrTimeout) {
		t.Errorf("ping 10.0.0.98 with lo down: %v, want no answer (%v)", err, ErrTimeout)
	}
	if err := d.a.SetUp("lo", true); err != nil {
		t.Fatal(err)
	}
	start := l.clk.Elapsed()
	rep, err := l.pingAdvancing(d.a, "10.0.0.99", PingOptions{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatalf("ping 10.0.0.99: %v, want Destination Host Unreachable", err)
	}
	if rep.Error != "Destination Host Unreachable" || rep.From != ip("10.0.0.1") || rep.Seq != 1 {
		t.Errorf("ping 10.0.0.99 = %+v, want From 10.0.0.1 icmp_seq=1 Destination Host Unreachable", rep)
	}
	if el := l.clk.Elapsed() - start; el < 3*time.Second || el > 4*time.Second {
		t.Errorf("the error came after %v, want after the third unanswered ARP request (3 s)", el)
	}
	var failed []string
	for _, n := range d.a.Neighbors() {
		if n.State == "FAILED" {
			failed = append(failed, n.Addr.String())
		}
	}
	if strings.Join(failed, " ") != "10.0.0.98 10.0.0.99" {
		t.Errorf("FAILED neighbours %v, want 10.0.0.98 and 10.0.0.99", failed)
	}
	if _, err := d.a.NewPinger(netip.MustParseAddr("192.0.2.1"), PingOptions{}); !errors.Is(err, ErrNetworkUnreachable) {
		t.Errorf("ping without a route: %v, want %v", err, ErrNetworkUnreachable)
	}
}

// TestPingResolvedAfterWait: a probe that waits for a neighbour that then
// answers goes out and is not reported as an error.
func TestPingResolvedAfterWait(t *testing.T) {
	l := newLab(t)
	d := l.duo()
	p, err := d.a.NewPinger(ip("10.0.0.2"), PingOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if err := p.Send(1); err != nil {
		t.Fatal(err)
	}
	// The answer may come at once (other goroutines deliver it, inline
	// since the bridge's fast path): the ARP exchange can even end before
	// Send looks, and then nothing waited. What must hold is that at most
	// this probe waited, and that it is not reported as an error.
	p.mu.Lock()
	waited := p.fail.waited
	p.mu.Unlock()
	if waited > 1 {
		t.Errorf("%d probes waited for ARP, want at most the one sent", waited)
	}
	for i := 0; i < 10; i++ {
		l.quiet()
		l.clk.Advance(time.Millisecond)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.fail.queued) != 0 || len(p.fail.failed) != 0 {
		t.Errorf("after ARP was answered: waiting %v, failed %v; want none", p.fail.queued, p.fail.failed)
	}
}
