package tcpdump

import (
	"strings"
	"testing"

	"github.com/nsemu/nsemu/emu/builtin/internal/parsetest"
)

// Want holds no Filter: noFilter checks it is there and clears it.
var parseCases = []parsetest.Case[Request]{
	{Args: "", Want: Request{Count: -1}},
	{Args: "-i eth0 -n", Want: Request{Dev: "eth0", Count: -1}},
	{Args: "-nei any -c4 icmp", Want: Request{Dev: "any", Ether: true, Count: 4, Expr: "icmp"}},
	{Args: "-c 2 -i eth0 -w /tmp/t.pcapng icmp", Want: Request{Dev: "eth0", Count: 2, Write: "/tmp/t.pcapng", Expr: "icmp"}},
	{Args: "-r t.pcapng -qv -s 0 -lpUNt", Want: Request{Read: "t.pcapng", Count: -1, Quiet: true, Verbose: true}},
	{Args: "tcp port 80 and not host 10.0.0.1", Want: Request{Count: -1, Expr: "tcp port 80 and not host 10.0.0.1"}},
	{Args: "-c 0", Err: "tcpdump: invalid packet count 0"},
	{Args: "-c x", Err: "tcpdump: invalid packet count x"},
	{Args: "-s big", Err: "tcpdump: invalid snaplen big"},
	{Args: "-i", Err: "tcpdump: option requires an argument -- 'i'"},
	{Args: "-X", Err: "tcpdump: invalid option -- 'X'"},
	{Args: "port x", Err: `tcpdump: illegal port number "x"`},
}

func noFilter(t *testing.T, r *Request) {
	if r.Filter == nil {
		t.Errorf("no filter compiled for %q", r.Expr)
	}
	r.Filter = nil
}

func TestParse(t *testing.T) { parsetest.Run(t, Parse, parseCases, noFilter) }

// FuzzParse: no command line panics the parser (or the filter compiler);
// what it accepts has a filter.
func FuzzParse(f *testing.F) {
	parsetest.Seed(f, parseCases)
	f.Fuzz(func(t *testing.T, line string) {
		r, err := Parse(strings.Fields(line))
		if err == nil && (r.Filter == nil || r.Count == 0) {
			t.Fatalf("Parse(%q) accepted %+v", line, r)
		}
	})
}
