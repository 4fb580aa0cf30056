package ping

import (
	"strings"
	"testing"
	"time"

	"github.com/nsemu/nsemu/emu/builtin/internal/parsetest"
)

// with is Parse's defaults changed by f.
func with(f func(*Request)) Request {
	r := Request{Count: -1, Interval: time.Second, Timeout: 10 * time.Second, Size: 56}
	f(&r)
	return r
}

var parseCases = []parsetest.Case[Request]{
	{Args: "10.0.0.2", Want: with(func(r *Request) { r.Dst = "10.0.0.2" })},
	{Args: "-c 3 10.0.0.2", Want: with(func(r *Request) { r.Count, r.Dst = 3, "10.0.0.2" })},
	{Args: "-c1 -s 100 -t 5 h", Want: with(func(r *Request) { r.Count, r.Size, r.TTL, r.Dst = 1, 100, 5, "h" })},
	{Args: "-i 0.2 -W 1 -w 3 h", Want: with(func(r *Request) {
		r.Interval, r.Timeout, r.Deadline, r.Dst = 200*time.Millisecond, time.Second, 3*time.Second, "h"
	})},
	{Args: "-M do -I eth0 h", Want: with(func(r *Request) { r.PMTU, r.Dev, r.Dst = "do", "eth0", "h" })},
	{Args: "-q -n -4 h", Want: with(func(r *Request) { r.Quiet, r.Dst = true, "h" })},
	{Args: "-c 2 -qn h", Want: with(func(r *Request) { r.Count, r.Quiet, r.Dst = 2, true, "h" })},
	{Args: "-qc 3 h", Want: with(func(r *Request) { r.Count, r.Quiet, r.Dst = 3, true, "h" })},
	{Args: "-nqc3 h", Want: with(func(r *Request) { r.Count, r.Quiet, r.Dst = 3, true, "h" })},
	{Args: "-", Want: with(func(r *Request) { r.Dst = "-" })},
	{Args: "-c 0 h", Err: "ping: invalid argument: '0': out of range: 1 <= value <= 9223372036854775807"},
	{Args: "-c x h", Err: "ping: invalid argument: 'x': out of range: 1 <= value <= 9223372036854775807"},
	{Args: "-s 70000 h", Err: "ping: invalid argument: '70000': out of range: 0 <= value <= 65507"},
	{Args: "-t 0 h", Err: "ping: invalid argument: '0': out of range: 1 <= value <= 255"},
	{Args: "-i x h", Err: "ping: bad timing interval: x"},
	{Args: "-W -1 h", Err: "ping: bad linger time: -1"},
	{Args: "-w x h", Err: "ping: bad wait time: x"},
	{Args: "-M maybe h", Err: "ping: invalid -M argument: maybe"},
	{Args: "-x h", Err: "ping: invalid option -- 'x'"},
	{Args: "-qx h", Err: "ping: invalid option -- 'x'"},
	{Args: "--count h", Err: "ping: invalid option -- '-'"},
	{Args: "h -c", Err: "ping: option requires an argument -- 'c'"},
	{Args: "a b", Err: `ping: usage error: only one destination, got "a" and "b"`},
	{Args: "a -qn b", Err: `ping: usage error: only one destination, got "a" and "b"`},
	{Args: "-c 1", Err: "ping: usage error: Destination address required"},
	{Args: "", Err: "ping: usage error: Destination address required"},
}

func TestParse(t *testing.T) { parsetest.Run(t, Parse, parseCases, nil) }

// FuzzParse: no command line panics the parser, and what it accepts is
// in range.
func FuzzParse(f *testing.F) {
	parsetest.Seed(f, parseCases)
	f.Fuzz(func(t *testing.T, line string) {
		r, err := Parse(strings.Fields(line))
		if err != nil {
			return
		}
		if r.Dst == "" || r.Count == 0 || r.Count < -1 || r.Size < 0 || r.Size > 65507 || r.TTL < 0 || r.TTL > 255 {
			t.Fatalf("Parse(%q) accepted %+v", line, r)
		}
	})
}
