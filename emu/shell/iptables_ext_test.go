package shell_test

import (
	"strings"
	"testing"
)

// TestIPTablesConntrackAddrtype: Docker's conntrack and addrtype rules
// parse, print in -S, -L and iptables-save as iptables does, and delete by
// specification; what is not emulated is refused.
func TestIPTablesConntrackAddrtype(t *testing.T) {
	out, errOut, err := runScript(t, `
iptables -A FORWARD -o docker0 -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
iptables -t nat -N DOCKER
iptables -t nat -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
iptables -t nat -A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER
iptables -A INPUT -m conntrack ! --ctstate NEW -j ACCEPT
iptables -S FORWARD
iptables -t nat -S
iptables -L FORWARD -n
iptables -t nat -L PREROUTING -n
iptables -D FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
iptables -S FORWARD
! iptables -A INPUT -m conntrack --ctstate BOGUS -j ACCEPT
! iptables -A INPUT -m addrtype --dst-type BROADCAST -j ACCEPT
! iptables -A INPUT -m state --state NEW -j ACCEPT
`)
	if err != nil {
		t.Fatalf("%v\n%s%s", err, out, errOut)
	}
	for _, want := range []string{
		"-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n",
		"-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER\n",
		"-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER\n",
		"ctstate RELATED,ESTABLISHED\n",
		"ADDRTYPE match dst-type LOCAL\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "-A FORWARD -o docker0"); n != 1 {
		t.Errorf("the FORWARD rule is listed %d times, want once (before -D):\n%s", n, out)
	}
}
