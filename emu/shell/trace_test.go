package shell_test

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestTraceBridged replays seed 000's TRACE: two containers on docker0,
// bridge-nf-call-iptables on, raw TRACE rules; the ping between them shows
// its path through the host's tables in dmesg and /var/log/syslog, and a
// FORWARD DROP on docker0 then stops bridged traffic.
func TestTraceBridged(t *testing.T) {
	src, err := os.ReadFile("testdata/trace/bridged.sh")
	if err != nil {
		t.Fatal(err)
	}
	out, errs, err := runScript(t, string(src))
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
