package iptables_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/nsemu/nsemu/emu/builtin/builtintest"
)

// TestConntrackAddrtype: Docker's conntrack and addrtype rules
// parse, print in -S, -L and iptables-save as iptables does, and delete by
// specification; what is not emulated is refused.
func TestConntrackAddrtype(t *testing.T) {
	out, errOut, err := builtintest.Script(t, `
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

// TestTraceBridged replays seed 000's TRACE: two containers on docker0,
// bridge-nf-call-iptables on, raw TRACE rules; the ping between them shows
// its path through the host's tables in dmesg and /var/log/syslog, and a
// FORWARD DROP on docker0 then stops bridged traffic.
func TestTraceBridged(t *testing.T) {
	src, err := os.ReadFile("testdata/bridged.sh")
	if err != nil {
		t.Fatal(err)
	}
	out, errs, err := builtintest.Script(t, string(src))
	if err != nil {
		t.Fatalf("%v\nstdout:\n%s\nstderr:\n%s", err, out, errs)
	}
	for _, want := range []string{
		`(?m)^\[\s*\d+\.\d{6}\] TRACE: raw:PREROUTING:policy:2 IN=docker0 OUT= PHYSIN=veth1 MAC=([0-9a-f]{2}:){13}[0-9a-f]{2} SRC=172\.17\.0\.2 DST=172\.17\.0\.3 LEN=84 .* PROTO=ICMP TYPE=8 CODE=0 ID=\d+ SEQ=1$`,
		`(?m)^\[\s*\d+\.\d{6}\] TRACE: filter:FORWARD:policy:1 IN=docker0 OUT=docker0 PHYSIN=veth1 PHYSOUT=veth2 `,
		`(?m)^\[\s*\d+\.\d{6}\] TRACE: raw:PREROUTING:policy:2 IN=docker0 OUT= PHYSIN=veth2 .*TYPE=0 CODE=0`,
		`(?m)^syslog-lines=[1-9]\d*$`,
		`(?m)^\s+1\s+84 DROP\s+all\s+--\s+docker0 docker0 `,
	} {
		if !regexp.MustCompile(want).MatchString(out) {
			t.Errorf("output lacks %s", want)
		}
	}
	if strings.Contains(out, "TRACE: raw:PREROUTING:policy:2 IN=docker0 OUT= PHYSIN=veth1") && t.Failed() {
		t.Logf("output:\n%s", out)
	}
}
