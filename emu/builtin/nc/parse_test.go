package nc

import (
	"strings"
	"testing"
	"time"

	"github.com/nsemu/nsemu/emu/builtin/internal/parsetest"
)

var parseCases = []parsetest.Case[Request]{
	{Args: "10.0.0.2 80", Want: Request{Host: "10.0.0.2", Port: "80", Quit: -1}},
	{Args: "-lk 8000", Want: Request{Listen: true, Keep: true, Port: "8000", Quit: -1}},
	{Args: "-q 1 -C h 25", Want: Request{Quit: time.Second, CRLF: true, Host: "h", Port: "25"}},
	{Args: "-q0 h 25", Want: Request{Host: "h", Port: "25"}},
	{Args: "-q -1 h 25", Want: Request{Quit: -time.Second, Host: "h", Port: "25"}},
	{Args: "-k h 80", Err: "nc: must use -l with -k"},
	{Args: "-q x h 80", Err: "nc: quit timer invalid: x"},
	{Args: "", Err: usage},
	{Args: "h 1 2", Err: "nsemu: nc: several ports (1 2): not emulated"},
	{Args: "-zv -w 1 h 80", Want: Request{Zero: true, Verbose: true, Wait: time.Second, Host: "h", Port: "80", Quit: -1}},
	{Args: "-u -w0.5 -n h 53", Want: Request{UDP: true, Wait: 500 * time.Millisecond, Host: "h", Port: "53", Quit: -1}},
	{Args: "-p 1234 -N -q 2 h 80", Want: Request{Host: "h", Port: "80", Quit: 2 * time.Second}},
	{Args: "-l 8080", Want: Request{Listen: true, Port: "8080", Quit: -1}},
	{Args: "-l -p 9000", Want: Request{Listen: true, Port: "9000", Quit: -1}},
	{Args: "-lp9000 7000", Want: Request{Listen: true, Port: "9000", Quit: -1}},
	{Args: "-lu a 5353", Want: Request{Listen: true, UDP: true, Port: "5353", Quit: -1}},
	{Args: "-l x", Want: Request{Listen: true, Port: "x", Quit: -1}},
	{Args: "-l", Err: "nc: missing port number"},
	{Args: "h", Err: "nc: missing port number"},
	{Args: "-x h 1", Err: "nc: invalid option -- 'x'\n" + usage},
	{Args: "-c h 1", Err: "nc: invalid option -- 'c'\n" + usage},
	{Args: "-w", Err: "nc: option requires an argument -- 'w'\n" + usage},
	{Args: "-w x h 1", Err: "nc: timeout invalid: x"},
}

func TestParse(t *testing.T) { parsetest.Run(t, Parse, parseCases, nil) }

func TestParsePort(t *testing.T) {
	for _, c := range []struct {
		s    string
		want uint16
		err  bool
	}{{"1", 1, false}, {"65535", 65535, false}, {"0", 0, true}, {"-5", 0, true}, {"99999999999999999999", 0, true}, {"65536", 0, true}, {"99999", 0, true}, {"http", 0, true}} {
		got, err := ParsePort(c.s)
		if (err != nil) != c.err || got != c.want {
			t.Errorf("ParsePort(%q) = %d, %v", c.s, got, err)
		}
	}
}

// FuzzParse: no command line panics the parser; what it accepts has a
// port to check, and a host when it connects.
func FuzzParse(f *testing.F) {
	parsetest.Seed(f, parseCases)
	f.Fuzz(func(t *testing.T, line string) {
		r, err := Parse(strings.Fields(line))
		if err != nil {
			return
		}
		if r.Port == "" || (!r.Listen && r.Host == "") {
			t.Fatalf("Parse(%q) accepted %+v", line, r)
		}
		_, _ = ParsePort(r.Port)
	})
}
