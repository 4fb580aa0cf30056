package tcpdump_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/nsemu/nsemu/emu/builtin/builtintest"
)

// setupPair is ns1 (10.0.0.1) and ns2 (10.0.0.2) joined by a veth pair
// named eth0 at both ends.
const setupPair = `ip netns add ns1
ip netns add ns2
ip -n ns1 link add eth0 type veth peer name eth0 netns ns2
ip -n ns1 addr add 10.0.0.1/24 dev eth0
ip -n ns2 addr add 10.0.0.2/24 dev eth0
ip -n ns1 link set eth0 up
ip -n ns2 link set eth0 up
`

// TestTcpdump runs tcpdump in ns1 while ns1 pings ns2.
func TestTcpdump(t *testing.T) {
	pcap := filepath.Join(t.TempDir(), "t.pcapng")
	cases := []struct {
		name, script string
		want         []string // regexps over stdout
		wantErr      string   // substring of the run's error
	}{
		{name: "arp and icmp", script: "tcpdump -c 4 -i eth0 -n &\nsleep 0.01\nping -c 1 10.0.0.2 > /dev/null\nwait\n", want: []string{
			`(?m)^\d\d:\d\d:\d\d\.\d{6} ARP, Request who-has 10\.0\.0\.2 tell 10\.0\.0\.1, length 28$`,
			`(?m)^\d\d:\d\d:\d\d\.\d{6} ARP, Reply 10\.0\.0\.2 is-at ([0-9a-f]{2}:){5}[0-9a-f]{2}, length 28$`,
			`(?m)^\d\d:\d\d:\d\d\.\d{6} IP 10\.0\.0\.1 > 10\.0\.0\.2: ICMP echo request, id \d+, seq 1, length 64$`,
			`(?m) IP 10\.0\.0\.2 > 10\.0\.0\.1: ICMP echo reply, id \d+, seq 1, length 64$`,
		}},
		{name: "filter and -e", script: "tcpdump -e -c 2 -i eth0 icmp &\nsleep 0.01\nping -c 1 10.0.0.2 > /dev/null\nwait\n", want: []string{
			`ethertype IPv4 \(0x0800\), length 98: 10\.0\.0\.1 > 10\.0\.0\.2: ICMP echo request`,
		}},
		{name: "stops at the end of the script", script: "tcpdump -i eth0 arp &\nsleep 0.01\nping -c 1 10.0.0.2 > /dev/null\n", want: []string{`ARP, Request`}},
		{name: "write then read", script: "tcpdump -c 2 -i eth0 -w " + pcap + " icmp &\nsleep 0.01\nping -c 1 10.0.0.2 > /dev/null\nwait\ntcpdump -r " + pcap + "\n", want: []string{
			`(?m)^\d\d:\d\d:\d\d\.\d{6} ns1/eth0 IP 10\.0\.0\.1 > 10\.0\.0\.2: ICMP echo request`,
		}},
		{name: "write to standard output", script: "tcpdump -c 2 -i eth0 -w - icmp > " + pcap + ".2 &\nsleep 0.01\nping -c 1 10.0.0.2 > /dev/null\nwait\ntcpdump -r " + pcap + ".2\n", want: []string{
			`(?m)^\d\d:\d\d:\d\d\.\d{6} ns1/eth0 IP 10\.0\.0\.1 > 10\.0\.0\.2: ICMP echo request`,
		}},
		{name: "unknown device", script: "tcpdump -i veth9\n", wantErr: "tcpdump -i veth9: (SIOCGIFHWADDR: No such device)"},
		{name: "bad filter", script: "tcpdump -i eth0 port x\n", wantErr: "illegal port number"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := builtintest.World(t)
			builtintest.Share(t, w, filepath.Dir(pcap))
			builtintest.MustRun(t, w, nil, setupPair)
			ns1, _ := w.Namespace("ns1")
			r := builtintest.Run(t, w, ns1, c.script)
			if c.wantErr != "" {
				if r.ScriptErr == nil || !strings.Contains(r.ScriptErr.Error(), c.wantErr) {
					t.Fatalf("error %v, want %q", r.ScriptErr, c.wantErr)
				}
				return
			}
			if r.ScriptErr != nil {
				t.Fatalf("%v\nstderr: %s", r.ScriptErr, r.Err)
			}
			for _, re := range c.want {
				if !regexp.MustCompile(re).MatchString(r.Out) {
					t.Errorf("stdout does not match %s:\n%s", re, r.Out)
				}
			}
			if !strings.Contains(r.Err, "packets captured") {
				t.Errorf("no capture summary on stderr: %s", r.Err)
			}
		})
	}
	if tshark, err := exec.LookPath("tshark"); err == nil {
		out, err := exec.Command(tshark, "-r", pcap, "-T", "fields", "-e", "frame.interface_name", "-e", "icmp.type").CombinedOutput()
		if err != nil || !strings.Contains(string(out), "ns1/eth0\t8") {
			t.Errorf("tshark on the -w file: %v\n%s", err, out)
		}
	} else if os.Getenv("NSEMU_CI") == "1" {
		t.Error("NSEMU_CI=1 but tshark is missing")
	}
}
