package tracepath

import (
	"strings"
	"testing"

	"github.com/nsemu/nsemu/emu/builtin/internal/parsetest"
)

func req(f func(*Request)) Request {
	r := Request{Max: 30, Host: "h"}
	f(&r)
	return r
}

var parseCases = []parsetest.Case[Request]{
	{Args: "h", Want: req(func(*Request) {})},
	{Args: "-n -b h", Want: req(func(r *Request) { r.Numeric, r.Both = true, true })},
	{Args: "-4 -l 1000 -m5 -p 33434 h", Want: req(func(r *Request) { r.Len, r.Max, r.Port = 1000, 5, 33434 })},
	{Args: "h/33434", Want: req(func(r *Request) { r.Port = 33434 })},
	{Args: "-p 7 h/33434", Want: req(func(r *Request) { r.Port, r.Host = 7, "h/33434" })},
	{Args: "-m 0 h", Want: req(func(r *Request) { r.Max = 0 })},
	{Args: "-V -x", Want: Request{Version: true}},
	{Args: "", Err: "usage"},
	{Args: "h k", Err: "usage"},
	{Args: "-x h", Err: "tracepath: invalid option -- 'x'"},
	{Args: "h -m", Err: "tracepath: option requires an argument -- 'm'"},
	{Args: "-m 256 h", Err: "tracepath: invalid argument: '256': out of range: 0 <= value <= 255"},
	{Args: "-p x h", Err: "tracepath: invalid argument: 'x'"},
	{Args: "-p 65536 h", Err: "tracepath: invalid argument: '65536': out of range: 0 <= value <= 65535"},
	{Args: "-l -1 h", Err: "tracepath: invalid argument: '-1': out of range: 0 <= value <= 2147483647"},
	{Args: "h/x", Err: "tracepath: invalid argument: 'x'"},
	{Args: "-4 -6 h", Err: "tracepath: Only one -4 or -6 option may be specified"},
	{Args: "-6 h", Err: "nsemu: tracepath -6: not emulated (nsemu has no IPv6)"},
}

func TestParse(t *testing.T) { parsetest.Run(t, Parse, parseCases, nil) }

// FuzzParse: no command line panics the parser; what it accepts is in
// range.
func FuzzParse(f *testing.F) {
	parsetest.Seed(f, parseCases)
	f.Fuzz(func(t *testing.T, line string) {
		r, err := Parse(strings.Fields(line))
		if err != nil || r.Version {
			return
		}
		if r.Host == "" && r.Port == 0 || r.Max < 0 || r.Max > 255 || r.Port < 0 || r.Port > 65535 || r.Len < 0 || r.operands != 0 {
			t.Fatalf("Parse(%q) accepted %+v", line, r)
		}
	})
}
