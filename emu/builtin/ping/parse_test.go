package ping

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// defaults is Parse's Request before any option.
var defaults = Request{Count: -1, Interval: time.Second, Timeout: 10 * time.Second, Size: 56}

func with(f func(*Request)) Request {
	r := defaults
	f(&r)
	return r
}

var parseCases = []struct {
	args string
	want Request
	err  string
}{
	{args: "10.0.0.2", want: with(func(r *Request) { r.Dst = "10.0.0.2" })},
	{args: "-c 3 10.0.0.2", want: with(func(r *Request) { r.Count, r.Dst = 3, "10.0.0.2" })},
	{args: "-c1 -s 100 -t 5 h", want: with(func(r *Request) { r.Count, r.Size, r.TTL, r.Dst = 1, 100, 5, "h" })},
	{args: "-i 0.2 -W 1 -w 3 h", want: with(func(r *Request) {
		r.Interval, r.Timeout, r.Deadline, r.Dst = 200*time.Millisecond, time.Second, 3*time.Second, "h"
	})},
	{args: "-M do -I eth0 h", want: with(func(r *Request) { r.PMTU, r.Dev, r.Dst = "do", "eth0", "h" })},
	{args: "-q -n -4 h", want: with(func(r *Request) { r.Quiet, r.Dst = true, "h" })},
	{args: "-c 2 -qn h", want: with(func(r *Request) { r.Count, r.Quiet, r.Dst = 2, true, "h" })},
	{args: "-qc 3 h", want: with(func(r *Request) { r.Count, r.Quiet, r.Dst = 3, true, "h" })},
	{args: "-nqc3 h", want: with(func(r *Request) { r.Count, r.Quiet, r.Dst = 3, true, "h" })},
	{args: "-", want: with(func(r *Request) { r.Dst = "-" })},
	{args: "-c 0 h", err: "ping: invalid argument: '0': out of range: 1 <= value <= 9223372036854775807"},
	{args: "-c x h", err: "ping: invalid argument: 'x': out of range: 1 <= value <= 9223372036854775807"},
	{args: "-s 70000 h", err: "ping: invalid argument: '70000': out of range: 0 <= value <= 65507"},
	{args: "-t 0 h", err: "ping: invalid argument: '0': out of range: 1 <= value <= 255"},
	{args: "-i x h", err: "ping: bad timing interval: x"},
	{args: "-W -1 h", err: "ping: bad linger time: -1"},
	{args: "-w x h", err: "ping: bad wait time: x"},
	{args: "-M maybe h", err: "ping: invalid -M argument: maybe"},
	{args: "-x h", err: "ping: invalid option -- 'x'"},
	{args: "-qx h", err: "ping: invalid option -- 'x'"},
	{args: "--count h", err: "ping: invalid option -- '-'"},
	{args: "h -c", err: "ping: option requires an argument -- 'c'"},
	{args: "a b", err: `ping: usage error: only one destination, got "a" and "b"`},
	{args: "a -qn b", err: `ping: usage error: only one destination, got "a" and "b"`},
	{args: "-c 1", err: "ping: usage error: Destination address required"},
	{args: "", err: "ping: usage error: Destination address required"},
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
		if err != nil {
			t.Errorf("Parse(%q): %v", c.args, err)
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("Parse(%q):\n got %+v\nwant %+v", c.args, got, c.want)
		}
	}
}

// FuzzParse: no command line panics the parser, and what it accepts is
// in range.
func FuzzParse(f *testing.F) {
	for _, c := range parseCases {
		f.Add(c.args)
	}
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
