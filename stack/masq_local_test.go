package stack

import (
	"testing"

	"github.com/nsemu/nsemu/stack/netfilter"
)

// TestMasqueradeLocalOutput: a MASQUERADE rule matching the namespace's own
// outgoing traffic leaves it as it is (the address is already the
// device's), as on Linux: the ping is answered, the connection opens.
func TestMasqueradeLocalOutput(t *testing.T) {
	l := newLab(t)
	d := l.duo()
	mustIPT(t, d.a.Netfilter().Append("nat", "POSTROUTING", netfilter.Rule{Target: "MASQUERADE"}))
	for seq := 0; seq < 2; seq++ { // the second with its neighbour resolved
		if rep := l.mustPing(d.a, "10.0.0.2", PingOptions{}); rep.From != ip("10.0.0.2") {
			t.Errorf("ping %d: reply from %s, want 10.0.0.2", seq, rep.From)
		}
	}
	ln := listen(t, d.b, "0.0.0.0:80")
	remote, _ := exchange(t, d.a, "10.0.0.2:80", ln)
	if remote.Addr() != ip("10.0.0.1") {
		t.Errorf("b saw the client as %s, want 10.0.0.1", remote)
	}
	checkCounts(t, d.a, "nat", "POSTROUTING", 3, 0)
}
