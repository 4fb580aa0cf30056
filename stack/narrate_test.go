package stack

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/nsemu/nsemu/emu/trace"
	"github.com/nsemu/nsemu/stack/netfilter"
)

// TestNarratedDrops: where a router loses a packet, it says why in a trace
// event, in words the narration prints as they are: the iptables rule (as
// -S prints it) or policy that dropped it, a TTL that runs out, ip_forward
// off.
func TestNarratedDrops(t *testing.T) {
	l := newLab(t)
	rec := &trace.Recorder{}
	l.bus = &trace.Bus{}
	defer l.bus.Attach(rec)()
	tr := l.trio(true)
	r := tr.r
	if err := r.SetForwarding(true); err != nil {
		t.Fatal(err)
	}
	drops := func() []string {
		var out []string
		for _, e := range rec.Filter(trace.Dropped) {
			if e.NS == "r" {
				out = append(out, e.Reason)
			}
		}
		rec.Reset()
		return out
	}
	rule := netfilter.Rule{Dst: netip.MustParsePrefix("10.0.2.2/32"), Proto: "icmp", Target: "DROP"}
	if err := r.Netfilter().Append("filter", "FORWARD", rule); err != nil {
		t.Fatal(err)
	}
	l.expectTimeout(tr.a, "10.0.2.2")
	want := "drops 10.0.1.2 → 10.0.2.2: iptables -A FORWARD -d 10.0.2.2/32 -p icmp -j DROP"
	if got := drops(); len(got) != 1 || got[0] != want {
		t.Errorf("rule drop: %q, want [%q]", got, want)
	}
	if err := r.Netfilter().Delete("filter", "FORWARD", rule); err != nil {
		t.Fatal(err)
	}
	if err := r.Netfilter().SetPolicy("filter", "FORWARD", "DROP"); err != nil {
		t.Fatal(err)
	}
	l.expectTimeout(tr.a, "10.0.2.2")
	if got := drops(); len(got) != 1 || got[0] != "drops 10.0.1.2 → 10.0.2.2: iptables -P FORWARD DROP" {
		t.Errorf("policy drop: %q", got)
	}
	if err := r.Netfilter().SetPolicy("filter", "FORWARD", "ACCEPT"); err != nil {
		t.Fatal(err)
	}
	if rep, err := l.ping(tr.a, "10.0.2.2", PingOptions{TTL: 1}); err != nil || rep.Error != "Time to live exceeded" {
		t.Errorf("ping -t 1: %+v, %v; want Time to live exceeded", rep, err)
	}
	if got := strings.Join(drops(), "; "); got != "drops 10.0.1.2 → 10.0.2.2: its TTL (1) runs out here; ICMP time exceeded goes back to 10.0.1.2" {
		t.Errorf("TTL drop: %q", got)
	}
	if err := r.SetForwarding(false); err != nil {
		t.Fatal(err)
	}
	l.expectTimeout(tr.a, "10.0.2.2")
	if got := strings.Join(drops(), "; "); got != "drops 10.0.1.2 → 10.0.2.2: net.ipv4.ip_forward is 0, so it does not route (it would go out eth1)" {
		t.Errorf("forwarding off: %q", got)
	}
}
