package shell_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/nsemu/nsemu/emu/shell"
)

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
		{name: "unknown device", script: "tcpdump -i veth9\n", wantErr: "tcpdump -i veth9: (SIOCGIFHWADDR: No such device)"},
		{name: "bad filter", script: "tcpdump -i eth0 port x\n", wantErr: "illegal port number"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := pair(t)
			defer w.Close()
			ns1, _ := w.Namespace("ns1")
			var out, errb bytes.Buffer
			sh := shell.New(w, nil, &out, &errb)
			sh.NS = ns1
			err := sh.RunScript(context.Background(), "td.sh", strings.NewReader(c.script), nil)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("error %v, want %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("%v\nstderr: %s", err, errb.String())
			}
			for _, re := range c.want {
				if !regexp.MustCompile(re).MatchString(out.String()) {
					t.Errorf("stdout does not match %s:\n%s", re, out.String())
				}
			}
			if !strings.Contains(errb.String(), "packets captured") {
				t.Errorf("no capture summary on stderr: %s", errb.String())
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
