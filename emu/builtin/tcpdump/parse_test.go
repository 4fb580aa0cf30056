package tcpdump

import (
	"strings"
	"testing"
)

var parseCases = []struct {
	args string
	want Request // Filter not compared
	err  string
}{
	{args: "", want: Request{Count: -1}},
	{args: "-i eth0 -n", want: Request{Dev: "eth0", Count: -1}},
	{args: "-nei any -c4 icmp", want: Request{Dev: "any", Ether: true, Count: 4, Expr: "icmp"}},
	{args: "-c 2 -i eth0 -w /tmp/t.pcapng icmp", want: Request{Dev: "eth0", Count: 2, Write: "/tmp/t.pcapng", Expr: "icmp"}},
	{args: "-r t.pcapng -qv -s 0 -lpUNt", want: Request{Read: "t.pcapng", Count: -1, Quiet: true, Verbose: true}},
	{args: "tcp port 80 and not host 10.0.0.1", want: Request{Count: -1, Expr: "tcp port 80 and not host 10.0.0.1"}},
	{args: "-c 0", err: "tcpdump: invalid packet count 0"},
	{args: "-c x", err: "tcpdump: invalid packet count x"},
	{args: "-s big", err: "tcpdump: invalid snaplen big"},
	{args: "-i", err: "tcpdump: option requires an argument -- 'i'"},
	{args: "-X", err: "tcpdump: invalid option -- 'X'"},
	{args: "port x", err: `tcpdump: illegal port number "x"`},
}

func TestParse(t *testing.T) {
	for _, c := range parseCases {
		got, err := Parse(strings.Fields(c.args))
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("Parse(%q): error %v, want %q", c.args, err, c.err)
			}
			continue
		}
		if err != nil || got.Filter == nil {
			t.Errorf("Parse(%q): %+v, %v", c.args, got, err)
			continue
		}
		got.Filter = nil
		if got != c.want {
			t.Errorf("Parse(%q):\n got %+v\nwant %+v", c.args, got, c.want)
		}
	}
}

// FuzzParse: no command line panics the parser (or the filter compiler);
// what it accepts has a filter.
func FuzzParse(f *testing.F) {
	for _, c := range parseCases {
		f.Add(c.args)
	}
	f.Fuzz(func(t *testing.T, line string) {
		r, err := Parse(strings.Fields(line))
		if err == nil && (r.Filter == nil || r.Count == 0) {
			t.Fatalf("Parse(%q) accepted %+v", line, r)
		}
	})
}
