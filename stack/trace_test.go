package stack

import (
	"regexp"
	"strings"
	"testing"

	"github.com/nsemu/nsemu/stack/netfilter"
)

// TestTrace: raw TRACE rules on a router mark ICMP; every rule, policy and
// user-chain return a traced packet then matches logs a kernel TRACE line,
// with the devices and the packet as nf_log writes them.
func TestTrace(t *testing.T) {
	l := newLab(t)
	defer l.close()
	tr := l.trio(true)
	if err := tr.r.SetForwarding(true); err != nil {
		t.Fatal(err)
	}
	r := tr.r
	for _, c := range []struct{ tbl, ch string }{{"raw", "PREROUTING"}, {"raw", "OUTPUT"}} {
		if err := r.Netfilter().Append(c.tbl, c.ch, netfilter.Rule{Proto: "icmp", Target: "TRACE"}); err != nil {
			t.Fatalf("%s %s: %v", c.tbl, c.ch, err)
		}
	}
	if err := r.Netfilter().NewChain("filter", "DOCKER-USER"); err != nil {
		t.Fatal(err)
	}
	if err := r.Netfilter().Append("filter", "FORWARD", netfilter.Rule{Target: "DOCKER-USER"}); err != nil {
		t.Fatal(err)
	}
	if err := r.Netfilter().Append("filter", "FORWARD", netfilter.Rule{In: "eth0", Target: "ACCEPT"}); err != nil {
		t.Fatal(err)
	}
	l.mustPing(tr.a, "10.0.2.2", PingOptions{ID: 7})
	var lines []string
	for _, k := range r.KernelLog() {
		lines = append(lines, k.Text)
	}
	log := strings.Join(lines, "\n")
	for _, want := range []string{
		`(?m)^TRACE: raw:PREROUTING:policy:2 IN=eth0 OUT= MAC=[0-9a-f:]{41} SRC=10\.0\.1\.2 DST=10\.0\.2\.2 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=\d+ (DF )?PROTO=ICMP TYPE=8 CODE=0 ID=7 SEQ=\d+$`,
		`(?m)^TRACE: mangle:PREROUTING:policy:1 IN=eth0 `,
		`(?m)^TRACE: nat:PREROUTING:policy:1 IN=eth0 `,
		`(?m)^TRACE: filter:FORWARD:rule:1 IN=eth0 OUT=eth1 `,
		`(?m)^TRACE: filter:DOCKER-USER:return:1 IN=eth0 OUT=eth1 `,
		`(?m)^TRACE: filter:FORWARD:rule:2 IN=eth0 OUT=eth1 `,
		`(?m)^TRACE: filter:FORWARD:policy:3 IN=eth1 OUT=eth0 `,
		`(?m)^TRACE: nat:POSTROUTING:policy:1 IN= OUT=eth1 `,
		`(?m)^TRACE: raw:PREROUTING:policy:2 IN=eth1 OUT= .*SRC=10\.0\.2\.2 DST=10\.0\.1\.2 .*TYPE=0 CODE=0 ID=7`,
	} {
		if !regexp.MustCompile(want).MatchString(log) {
			t.Errorf("kernel log lacks %s", want)
		}
	}
	if t.Failed() {
		t.Logf("kernel log:\n%s", log)
	}
	// Only ICMP is traced; TRACE is refused outside raw.
	if err := r.Netfilter().Append("filter", "INPUT", netfilter.Rule{Target: "TRACE"}); !isErr(err, netfilter.ErrInvalid) {
		t.Errorf("TRACE in filter: %v, want %v", err, netfilter.ErrInvalid)
	}
}
