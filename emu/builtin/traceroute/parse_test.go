package traceroute

import (
	"strings"
	"testing"
	"time"

	"github.com/nsemu/nsemu/emu/builtin/internal/parsetest"
)

func req(f func(*Request)) Request {
	r := Request{First: 1, Max: 30, Queries: 3, Wait: 5 * time.Second, Port: -1, PacketLen: 60, Host: "h"}
	f(&r)
	return r
}

var parseCases = []parsetest.Case[Request]{
	{Args: "h", Want: req(func(*Request) {})},
	{Args: "-n -I h", Want: req(func(r *Request) { r.Numeric, r.ICMP = true, true })},
	{Args: "-nI -m5 -q 1 h 100", Want: req(func(r *Request) { r.Numeric, r.ICMP, r.Max, r.Queries, r.PacketLen = true, true, 5, 1, 100 })},
	{Args: "-w 0.5,3,10 -p 40000 -f 2 h", Want: req(func(r *Request) { r.Wait, r.Port, r.First = 500*time.Millisecond, 40000, 2 })},
	{Args: "-I -U -N 1 -4 h", Want: req(func(*Request) {})},
	{Args: "", Err: "usage"},
	{Args: "-m 0 h", Err: "first hop out of range"},
	{Args: "-f 9 -m 5 h", Err: "first hop out of range"},
	{Args: "-m 256 h", Err: "max hops cannot be more than 255"},
	{Args: "-q 0 h", Err: "no more than 10 probes per hop"},
	{Args: "-x h", Err: "Bad option `-x' (argc 1)"},
	{Args: "-n -w x h", Err: "Cannot handle `-w' option with arg `x' (argc 3)"},
	{Args: "-m", Err: "Option `-m' (argc 1) requires an argument: `-m max_ttl'"},
	{Args: "h x", Err: "Cannot handle \"packetlen\" cmdline arg `x' on position 2 (argc 2)"},
	{Args: "h 60 x", Err: "Extra arg `x' (position 3, argc 3)"},
	{Args: "-T -p 22 h", Want: req(func(r *Request) { r.TCP, r.Port = true, 22 })},
	{Args: "-I -T h 100", Want: req(func(r *Request) { r.TCP = true })},
	{Args: "-T -U h", Want: req(func(*Request) {})},
	{Args: "-F h", Err: "nsemu: traceroute -F: not emulated"},
	{Args: "h 10", Err: "nsemu: traceroute: packetlen 10: only 28 to 65000 are emulated"},
}

func TestParse(t *testing.T) { parsetest.Run(t, Parse, parseCases, nil) }

// FuzzParse: no command line panics the parser; what it accepts is in
// range.
func FuzzParse(f *testing.F) {
	parsetest.Seed(f, parseCases)
	f.Fuzz(func(t *testing.T, line string) {
		r, err := Parse(strings.Fields(line))
		if err != nil {
			return
		}
		if r.Host == "" || r.First < 1 || r.First > r.Max || r.Max > 255 || r.Queries < 1 || r.Queries > 10 || r.PacketLen < 28 || r.Wait < 0 {
			t.Fatalf("Parse(%q) accepted %+v", line, r)
		}
	})
}
