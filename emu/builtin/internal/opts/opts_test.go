package opts

import (
	"fmt"
	"strings"
	"testing"
)

// testSet records what it applied, as "name=arg" words.
func testSet(got *[]string) *Set {
	rec := func(name string) func(string) error {
		return func(arg string) error {
			*got = append(*got, name+"="+arg)
			return nil
		}
	}
	return &Set{
		Prog: "tool",
		Opts: []Opt{
			{Short: 'v', Long: "invert-match", Do: rec("v")},
			{Short: 'c', Long: "count", Do: rec("c")},
			{Long: "color", Arg: Optional, Do: rec("color")},
			{Long: "colour", Arg: Optional, Do: rec("color")},
			{Short: 'n', Long: "lines", Arg: Required, Do: rec("n")},
			{Short: 'i', Long: "in-place", Arg: Optional, Do: rec("i")},
			{Short: 'x', Do: func(string) error { return fmt.Errorf("tool: x refused") }},
		},
		Number: rec("num"),
	}
}

func TestParse(t *testing.T) {
	for _, c := range []struct {
		args     string
		want     string // applied options, then "|" and the operands
		err      string
		inOrder  bool
		noNumber bool
	}{
		{args: "-v a b", want: "v=|a b"},
		{args: "a -vc b", want: "v= c=|a b"},
		{args: "-n5 -n 6 --lines=7 --lines 8", want: "n=5 n=6 n=7 n=8|"},
		{args: "-vn3 f", want: "v= n=3|f"},
		{args: "-- -v", want: "|-v"},
		{args: "- -v", want: "v=|-"},
		{args: "-i -ibak --in-place --in-place=.x f", want: "i= i=bak i= i=.x|f"},
		{args: "--inv --cou", want: "v= c=|"},
		{args: "-5 -c12v", want: "num=5 c= num=12 v=|"},
		{args: "--col --colo=always", err: "tool: option '--col' is ambiguous; possibilities: '--color' '--colour'"},
		{args: "-k", err: "tool: invalid option -- 'k'"},
		{args: "-n", err: "tool: option requires an argument -- 'n'"},
		{args: "--lines", err: "tool: option '--lines' requires an argument"},
		{args: "--count=3", err: "tool: option '--count' doesn't allow an argument"},
		{args: "--nope", err: "tool: unrecognized option '--nope'"},
		{args: "--", want: "|"},
		{args: "-x", err: "tool: x refused"},
		{args: "-5", err: "tool: invalid option -- '5'", noNumber: true},
		{args: "a -v b", want: "|a -v b", inOrder: true},
	} {
		var got []string
		s := testSet(&got)
		s.InOrder = c.inOrder
		if c.noNumber {
			s.Number = nil
		}
		ops, err := s.Parse(strings.Fields(c.args))
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
		if g := strings.Join(got, " ") + "|" + strings.Join(ops, " "); g != c.want {
			t.Errorf("Parse(%q) = %q, want %q", c.args, g, c.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"-v a b", "-n5 --lines=7", "--col", "-5 -c12v", "-- -v", "-i"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, args string) {
		var got []string
		testSet(&got).Parse(strings.Split(args, " "))
	})
}
