package nc

import (
	"strings"
	"testing"
	"time"
)

var parseCases = []struct {
	args string
	want Request
	err  string
}{
	{args: "10.0.0.2 80", want: Request{Host: "10.0.0.2", Port: "80"}},
	{args: "-zv -w 1 h 80", want: Request{Zero: true, Verbose: true, Wait: time.Second, Host: "h", Port: "80"}},
	{args: "-u -w0.5 -n h 53", want: Request{UDP: true, Wait: 500 * time.Millisecond, Host: "h", Port: "53"}},
	{args: "-p 1234 -N -q h 80", want: Request{Host: "h", Port: "80"}},
	{args: "-l 8080", want: Request{Listen: true, Port: "8080"}},
	{args: "-l -p 9000", want: Request{Listen: true, Port: "9000"}},
	{args: "-lp9000 7000", want: Request{Listen: true, Port: "9000"}},
	{args: "-lu a 5353", want: Request{Listen: true, UDP: true, Port: "5353"}},
	{args: "-l x", want: Request{Listen: true, Port: "x"}},
	{args: "-l", err: "nc: missing port number"},
	{args: "h", err: "usage: nc [-luzv] [-w timeout] [-p port] [destination] [port]"},
	{args: "h 1 2", err: "usage: nc [-luzv] [-w timeout] [-p port] [destination] [port]"},
	{args: "-x h 1", err: "nc: invalid option -- 'x'"},
	{args: "-w", err: "nc: option requires an argument -- 'w'"},
	{args: "-w x h 1", err: "nc: timeout invalid: x"},
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
		if err != nil || got != c.want {
			t.Errorf("Parse(%q) = %+v, %v; want %+v", c.args, got, err, c.want)
		}
	}
}

func TestParsePort(t *testing.T) {
	for _, c := range []struct {
		s    string
		want uint16
		err  bool
	}{{"1", 1, false}, {"65535", 65535, false}, {"0", 0, true}, {"65536", 0, true}, {"99999", 0, true}, {"http", 0, true}} {
		got, err := ParsePort(c.s)
		if (err != nil) != c.err || got != c.want {
			t.Errorf("ParsePort(%q) = %d, %v", c.s, got, err)
		}
	}
}

// FuzzParse: no command line panics the parser; what it accepts has a
// port to check, and a host when it connects.
func FuzzParse(f *testing.F) {
	for _, c := range parseCases {
		f.Add(c.args)
	}
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
