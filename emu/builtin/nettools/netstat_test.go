package nettools

import (
	"strings"
	"testing"
)

var netstatCases = []struct {
	name  string
	args  []string
	want  netstatReq
	style int
	err   bool
}{
	{name: "route", args: []string{"-r"}, want: netstatReq{route: true}, style: styleNetstat},
	{name: "cluster", args: []string{"-rnv"}, want: netstatReq{route: true, numeric: true}, style: styleNetstat},
	{name: "extended", args: []string{"-rne"}, want: netstatReq{route: true, numeric: true, ext: 1}, style: styleRoute},
	{name: "both", args: []string{"--route", "--extend", "-e", "--numeric"}, want: netstatReq{route: true, numeric: true, ext: 2}, style: styleBoth},
	{name: "no route", args: []string{"-n"}, err: true},
	{name: "sockets", args: []string{"-tlnp"}, err: true},
	{name: "letter without dash", args: []string{"r"}, err: true},
	{name: "dash", args: []string{"-r", "-"}, err: true},
	{name: "bad long", args: []string{"-r", "--tcp"}, err: true},
	{name: "nothing", err: true},
}

func TestParseNetstat(t *testing.T) {
	for _, c := range netstatCases {
		r, err := parseNetstat(c.args)
		if c.err {
			if st, msg := exitErr(err); err == nil || st != 1 || msg != "netstat: only the routing table (netstat -r) is emulated by nsemu" {
				t.Errorf("parseNetstat(%q): error %v, want netstat's", c.args, err)
			}
			continue
		}
		if err != nil || r != c.want || r.style() != c.style {
			t.Errorf("parseNetstat(%q) = %+v (style %d), %v; want %+v (style %d)", c.args, r, r.style(), err, c.want, c.style)
		}
	}
}

func FuzzParseNetstat(f *testing.F) {
	for _, c := range netstatCases {
		f.Add(strings.Join(c.args, "\x00"))
	}
	f.Fuzz(func(t *testing.T, line string) {
		args := fuzzArgs(line)
		r, err := parseNetstat(args)
		checkFuzzErr(t, args, err, 1)
		if err == nil && !r.route {
			t.Fatalf("%q: parsed without -r", args)
		}
	})
}
