package arping

import (
	"strings"
	"testing"

	"github.com/nsemu/nsemu/emu/builtin/internal/parsetest"
)

func req(f func(*Request)) Request {
	r := Request{Count: -1, Interval: 1, Target: "h"}
	f(&r)
	return r
}

var parseCases = []parsetest.Case[Request]{
	{Args: "h", Want: req(func(*Request) {})},
	{Args: "-c 3 -I v0 h", Want: req(func(r *Request) { r.Count, r.Dev = 3, "v0" })},
	{Args: "-c3 -w 2 -i 0 -s 10.0.0.1 h", Want: req(func(r *Request) { r.Count, r.Timeout, r.Interval, r.Source = 3, 2, 0, "10.0.0.1" })},
	{Args: "-D h", Want: req(func(r *Request) { r.DAD, r.QuitOnReply = true, true })},
	{Args: "h -A -q", Want: req(func(r *Request) { r.Advert, r.Unsolicited, r.Quiet = true, true, true })},
	{Args: "-Ufb h", Want: req(func(r *Request) { r.Unsolicited, r.QuitOnReply, r.BroadcastOnly = true, true, true })},
	{Args: "-c +7 h", Want: req(func(r *Request) { r.Count = 7 })},
	{Args: "-V", Want: Request{Version: true}},
	{Args: "-V -Z", Want: Request{Version: true}},
	{Args: "", Err: "usage"},
	{Args: "h k", Err: "usage"},
	{Args: "-h h", Err: "usage"},
	{Args: "-Z h", Err: "arping: invalid option -- 'Z'"},
	{Args: "h -c", Err: "arping: option requires an argument -- 'c'"},
	{Args: "-c 0 h", Err: "arping: invalid argument: '0': out of range: 1 <= value <= 2147483647"},
	{Args: "-c x h", Err: "arping: invalid argument: 'x'"},
	{Args: "-w 1.5 h", Err: "arping: invalid argument: '1.5'"},
	{Args: "-i -1 h", Err: "arping: invalid argument: '-1': out of range: 0 <= value <= 2147483647"},
	{Args: "-w 2147483648 h", Err: "arping: invalid argument: '2147483648': out of range: 0 <= value <= 2147483647"},
	{Args: "-c 99999999999999999999 h", Err: "arping: invalid argument: '99999999999999999999': Numerical result out of range"},
}

func TestParse(t *testing.T) { parsetest.Run(t, Parse, parseCases, nil) }

// FuzzParse: no command line panics the parser; what it accepts is in
// range and names one target.
func FuzzParse(f *testing.F) {
	parsetest.Seed(f, parseCases)
	f.Fuzz(func(t *testing.T, line string) {
		r, err := Parse(strings.Fields(line))
		if err != nil || r.Version {
			return
		}
		if r.Target == "" || r.Count == 0 || r.Count < -1 || r.Timeout < 0 || r.Interval < 0 || r.operands != 0 {
			t.Fatalf("Parse(%q) accepted %+v", line, r)
		}
	})
}
