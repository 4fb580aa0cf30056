package shell_test

import (
	"bytes"
	"context"
	"net/netip"
	"regexp"
	"strings"
	"testing"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/shell"
)

// pair builds ns1 (10.0.0.1) and ns2 (10.0.0.2) joined by a veth pair.
func pair(t *testing.T) *emu.World {
	t.Helper()
	w := emu.New(emu.Options{})
	ns1, err := w.AddNamespace("ns1")
	if err != nil {
		t.Fatal(err)
	}
	ns2, err := w.AddNamespace("ns2")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := ns1.AddVeth("eth0", "eth0", ns2); err != nil {
		t.Fatal(err)
	}
	for i, n := range []*emu.Namespace{ns1, ns2} {
		if err := n.AddAddr("eth0", netip.MustParsePrefix([]string{"10.0.0.1/24", "10.0.0.2/24"}[i])); err != nil {
			t.Fatal(err)
		}
		if err := n.SetLinkUp("eth0", true); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

func TestPing(t *testing.T) {
	cases := []struct {
		name, ns, args string
		status         int
		want           []string // regexps that must match the output
	}{
		{name: "replies", ns: "ns1", args: "-c 3 10.0.0.2", status: 0, want: []string{
			`^PING 10\.0\.0\.2 \(10\.0\.0\.2\) 56\(84\) bytes of data\.\n`,
			`64 bytes from 10\.0\.0\.2: icmp_seq=1 ttl=64 time=\d+\.\d+ ms\n`,
			`64 bytes from 10\.0\.0\.2: icmp_seq=3 ttl=64 time=`,
			`\n--- 10\.0\.0\.2 ping statistics ---\n3 packets transmitted, 3 received, 0% packet loss, time 20\d\dms\n`,
			`rtt min/avg/max/mdev = \d+\.\d{3}/\d+\.\d{3}/\d+\.\d{3}/\d+\.\d{3} ms\n$`,
		}},
		{name: "size and ttl", ns: "ns1", args: "-c1 -s 100 -t 5 10.0.0.2", status: 0, want: []string{`100\(128\) bytes`, `108 bytes from 10\.0\.0\.2: icmp_seq=1 ttl=64`}},
		{name: "no reply", ns: "ns1", args: "-c 2 10.0.0.9", status: 1, want: []string{`2 packets transmitted, 0 received, 100% packet loss`}},
		{name: "combined flags keep the earlier ones", ns: "ns1", args: "-c 2 -qn 10.0.0.2", status: 0, want: []string{`^PING [^\n]*\n\n--- 10\.0\.0\.2 ping statistics ---\n2 packets transmitted, 2 received`}},
		{name: "quiet", ns: "ns1", args: "-q -c 2 10.0.0.2", status: 0, want: []string{`^PING [^\n]*\n\n--- 10\.0\.0\.2 ping statistics`}},
		{name: "default four in scripts", ns: "ns1", args: "10.0.0.2", status: 0, want: []string{`4 packets transmitted, 4 received`}},
		{name: "deadline", ns: "ns1", args: "-w 3 10.0.0.9", status: 1, want: []string{`3 packets transmitted, 0 received`}},
		{name: "unreachable", ns: "ns1", args: "-c 1 192.0.2.1", status: 2, want: []string{`^ping: connect: Network is unreachable\n$`}},
		{name: "bad count", ns: "ns1", args: "-c 0 10.0.0.2", status: 2, want: []string{`invalid argument: '0'`}},
		{name: "bad host", ns: "ns1", args: "-c 1 nosuch.example", status: 2, want: []string{`ping: nosuch.example: Name or service not known`}},
		{name: "no destination", ns: "ns1", args: "-c 1", status: 2, want: []string{`Destination address required`}},
		{name: "loopback down", ns: "ns1", args: "-c 1 127.0.0.1", status: 2, want: []string{`Network is unreachable`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := pair(t)
			defer w.Close()
			ns, err := w.Namespace(c.ns)
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			sh := shell.New(w, nil, &out, &out)
			st := sh.Exec(context.Background(), ns, append([]string{"ping"}, strings.Fields(c.args)...), nil, &out, &out)
			if st != c.status {
				t.Errorf("exit status %d, want %d\n%s", st, c.status, out.String())
			}
			for _, re := range c.want {
				if !regexp.MustCompile(re).MatchString(out.String()) {
					t.Errorf("output does not match %q:\n%s", re, out.String())
				}
			}
		})
	}
}
