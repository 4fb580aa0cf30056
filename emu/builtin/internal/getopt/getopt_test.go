package getopt

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// req records what the test parser saw.
type req struct {
	Seen     []string
	Operands []string
}

func note(s string) func(r *req, val string) error {
	return func(r *req, val string) error {
		r.Seen = append(r.Seen, s+val)
		return nil
	}
}

func parser(long bool) *Parser[req] {
	p := &Parser[req]{
		Prog: "t",
		Options: []Option[req]{
			{Letter: 'q', Apply: note("q")},
			{Letter: 'n'},
			{Letter: 'c', Arg: true, Apply: note("c=")},
			{Letter: 'x', Arg: true, Apply: func(*req, string) error { return errors.New("t: bad x") }},
		},
		Operand: func(r *req, a string) error { r.Operands = append(r.Operands, a); return nil },
	}
	if long {
		p.Long = note("long ")
	}
	return p
}

var cases = []struct {
	args string
	long bool
	want req
	err  string
}{
	{args: "a -q b", want: req{Seen: []string{"q"}, Operands: []string{"a", "b"}}},
	{args: "-qn -c3 -c 4", want: req{Seen: []string{"q", "c=3", "c=4"}}},
	{args: "-qc 5 a", want: req{Seen: []string{"q", "c=5"}, Operands: []string{"a"}}},
	{args: "-c -q", want: req{Seen: []string{"c=-q"}}},
	{args: "- -q", want: req{Seen: []string{"q"}, Operands: []string{"-"}}},
	{args: "--count", long: true, want: req{Seen: []string{"long --count"}}},
	{args: "--count", err: "t: invalid option -- '-'"},
	{args: "--", long: true, err: "t: invalid option -- '-'"},
	{args: "-qz", err: "t: invalid option -- 'z'"},
	{args: "a -c", err: "t: option requires an argument -- 'c'"},
	{args: "-qx1", err: "t: bad x"},
}

func TestParse(t *testing.T) {
	for _, c := range cases {
		var got req
		err := parser(c.long).Parse(&got, strings.Fields(c.args))
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("Parse(%q): error %v, want %q", c.args, err, c.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("Parse(%q) = %+v, %v; want %+v", c.args, got, err, c.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, c := range cases {
		f.Add(c.args, c.long)
	}
	f.Fuzz(func(t *testing.T, line string, long bool) {
		var r req
		_ = parser(long).Parse(&r, strings.Fields(line))
	})
}
