package ss

import (
	"errors"
	"fmt"
	"net/netip"
	"testing"

	"github.com/nsemu/nsemu/emu/shell"
)

// filterCases are filter expressions, each with the tree it parses to
// (printed by Node.String) or ss's error, its status after a slash.
var filterCases = []struct{ in, want string }{
	{"", ""},
	{"dport = :80", "dst *:80"},
	{"dport == :80", "dst *:80"},
	{"dport eq 80", "dst *:80"},
	{"dport :80", "dst *:80"},
	{"dport = :http", "dst *:80"},
	{"sport = :ssh", "src *:22"},
	{"dport != :80", "not dst *:80"},
	{"dport neq :80", "not dst *:80"},
	{"dport > :1024", "not dport <= :1024"},
	{"dport gt :1024", "not dport <= :1024"},
	{"sport < :1024", "not sport >= :1024"},
	{"sport lt :1024", "not sport >= :1024"},
	{"sport >= :0x10", "sport >= :16"},
	{"sport ge :010", "sport >= :8"},
	{"sport le :-1", "sport <= :-1"},
	{"sport leq :65536", "sport <= :65536"},
	{"dst 10.0.0.1", "dst 10.0.0.1/32:*"},
	{"dst = 10.0.0.0/8", "dst 10.0.0.0/8:*"},
	{"src 192.0.2.1:80", "src 192.0.2.1/32:80"},
	{"src [192.0.2.1]:80", "src 192.0.2.1/32:80"},
	{"src *:80", "src *:80"},
	{"src inet:192.0.2.0/24", "src 192.0.2.0/24:*"},
	{"dst default", "dst 0.0.0.0/0:*"},
	{"dst localhost", "dst 127.0.0.1/32:*"},
	{"( dport = :80 or sport = :80 )", "( dst *:80 or src *:80 )"},
	{"dport = :80 or sport = :80 and dst 10.0.0.1", "( ( dst *:80 or src *:80 ) and dst 10.0.0.1/32:* )"},
	{"dport = :80 sport = :81", "( dst *:80 and src *:81 )"},
	{"dport = :80 && ! sport = :81", "( dst *:80 and not src *:81 )"},
	{"not ( dport = :80 || sport = :80 )", "not ( dst *:80 or src *:80 )"},
	{"dport = :80 & sport = :81 | autobound", "( ( dst *:80 and src *:81 ) or autobound )"},
	{"autobound", "autobound"},
	{"dport\\ = :80", `Error: an inet prefix is expected rather than "dport ="./1`},
	{"dst", `ss: bison bellows (while parsing filter): "syntax error!" Sorry./255`},
	{"dst != 10.0.0.1", `ss: bison bellows (while parsing filter): "syntax error!" Sorry./255`},
	{"( sport = :80", `ss: bison bellows (while parsing filter): "syntax error!" Sorry./255`},
	{"sport = :80 )", `ss: bison bellows (while parsing filter): "syntax error!" Sorry./255`},
	{"and dport = :80", `ss: bison bellows (while parsing filter): "syntax error!" Sorry./255`},
	{"dport = :foo", `Error: "foo" does not look like a port./1`},
	{"dst 1.2.3.4/33", `Error: an inet prefix is expected rather than "1.2.3.4/33"./1`},
	{"dst abc", `Error: an inet prefix is expected rather than "abc"./1`},
	{"dst [1.2.3.4", `Cannot parse dst/src address./1`},
	{"dst unix:/tmp/x", `nsemu: ss: unix addresses are not emulated/1`},
	{"dev eth0", `nsemu: ss: the dev filter is not emulated/1`},
}

func TestParseFilter(t *testing.T) {
	for _, c := range filterCases {
		n, err := ParseFilter([]string{c.in}, dbTCP|dbUDP)
		got := n.String()
		if err != nil {
			var ee *shell.ExitError
			if !errors.As(err, &ee) {
				t.Fatalf("ParseFilter(%q): %v is no ExitError", c.in, err)
			}
			got = ee.Cause
			if got == "" {
				got = ee.Msg
			}
			got += "/" + fmt.Sprint(ee.Status)
		}
		if got != c.want {
			t.Errorf("ParseFilter(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestMatch evaluates filters on a connection 10.0.0.1:40000 ->
// 192.0.2.7:80.
func TestMatch(t *testing.T) {
	local, remote := netip.MustParseAddrPort("10.0.0.1:40000"), netip.MustParseAddrPort("192.0.2.7:80")
	eph := func(p uint16) bool { return p >= 32768 && p <= 60999 }
	for _, c := range []struct {
		f    string
		want bool
	}{
		{"", true},
		{"dport = :80", true},
		{"dport = :81", false},
		{"sport = :80", false},
		{"dport = :80 and sport > :1024", true},
		{"dport != :80 or sport = :40000", true},
		{"dst 192.0.2.0/24", true},
		{"dst 192.0.2.0/25:80", true},
		{"dst 192.0.2.128/25", false},
		{"src 10.0.0.0/8:40000", true},
		{"src 10.0.0.0/8:40001", false},
		{"dst 0.0.0.0/0", true},
		{"autobound", true},
		{"not autobound", false},
		{"dport >= :80 and dport <= :80", true},
		{"dport < :80", false},
		{"( dport = :22 or dport = :80 ) and not src 10.0.0.2", true},
	} {
		n, err := ParseFilter([]string{c.f}, dbTCP)
		if err != nil {
			t.Fatalf("ParseFilter(%q): %v", c.f, err)
		}
		if got := n.Match(local, remote, eph); got != c.want {
			t.Errorf("%q matched %v, want %v", c.f, got, c.want)
		}
	}
}

// FuzzFilter: no filter panics the parser or recurses without bound, and
// what it accepts prints back to an expression that parses to the same
// tree.
func FuzzFilter(f *testing.F) {
	for _, c := range filterCases {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		n, err := ParseFilter([]string{in}, dbTCP|dbUDP)
		if err != nil {
			var ee *shell.ExitError
			if !errors.As(err, &ee) || (ee.Status != 1 && ee.Status != exitUsage) {
				t.Fatalf("ParseFilter(%q): %v", in, err)
			}
			return
		}
		s := n.String()
		m, err := ParseFilter([]string{s}, dbTCP|dbUDP)
		if err != nil || m.String() != s {
			t.Fatalf("ParseFilter(%q) = %q, which parses to %q, %v", in, s, m.String(), err)
		}
		n.Match(netip.MustParseAddrPort("10.0.0.1:1"), netip.MustParseAddrPort("10.0.0.2:2"), func(uint16) bool { return false })
	})
}
