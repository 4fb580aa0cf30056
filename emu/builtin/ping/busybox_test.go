package ping

import (
	"strings"
	"testing"
	"time"

	"github.com/nsemu/nsemu/emu/builtin/internal/parsetest"
)

func bb(f func(*Request)) Request {
	r := Request{Count: -1, Interval: time.Second, Timeout: 10 * time.Second, Size: 56, Dst: "h"}
	f(&r)
	return r
}

var bbCases = []parsetest.Case[Request]{
	{Args: "h", Want: bb(func(*Request) {})},
	{Args: "-c 2 -q -W 1 h", Want: bb(func(r *Request) { r.Count, r.Quiet, r.Timeout = 2, true, time.Second })},
	{Args: "-c0 -s 100 -t 9 -I eth0 -w 0.5 -4 h", Want: bb(func(r *Request) { r.Size, r.TTL, r.Dev, r.Deadline = 100, 9, "eth0", 500*time.Millisecond })},
	{Args: "-c x h", Err: "ping: invalid number 'x'"},
	{Args: "-x h", Err: "ping: invalid option -- 'x'\n" + bbUsage},
	{Args: "", Err: bbUsage},
	{Args: "a b", Err: bbUsage},
	{Args: "-A h", Err: "nsemu: busybox ping -A: not emulated"},
}

func TestParseBusybox(t *testing.T) { parsetest.Run(t, ParseBusybox, bbCases, nil) }

// FuzzParseBusybox: no command line panics busybox ping's parser; what it
// accepts has a destination and sane numbers.
func FuzzParseBusybox(f *testing.F) {
	parsetest.Seed(f, bbCases)
	f.Fuzz(func(t *testing.T, line string) {
		r, err := ParseBusybox(strings.Fields(line))
		if err != nil {
			return
		}
		if r.Dst == "" || r.Count == 0 || r.Size < 0 || r.TTL < 0 || r.Timeout < 0 || r.Deadline < 0 {
			t.Fatalf("ParseBusybox(%q) accepted %+v", line, r)
		}
	})
}
