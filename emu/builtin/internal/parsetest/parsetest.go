// Package parsetest checks a tool's parser against a table of command
// lines, for the parser tests of the packages under emu/builtin, and
// seeds their fuzz targets from the same table.
package parsetest

import (
	"reflect"
	"strings"
	"testing"
)

// Case is a command line and what the parser should make of it.
type Case[R any] struct {
	// Args is the command line without the command name, split on
	// spaces.
	Args string
	// Want is the request; ignored when Err is set.
	Want R
	// Err is the error's text; "" when the line is accepted.
	Err string
}

// Run checks parse against each case. norm, when not nil, checks an
// accepted request and clears what Want does not hold (a compiled
// filter, a parsed URL).
func Run[R any](t *testing.T, parse func([]string) (R, error), cases []Case[R], norm func(t *testing.T, r *R)) {
	t.Helper()
	for _, c := range cases {
		got, err := parse(strings.Fields(c.Args))
		if c.Err != "" {
			if err == nil || err.Error() != c.Err {
				t.Errorf("Parse(%q): error %v, want %q", c.Args, err, c.Err)
			}
			continue
		}
		if err != nil {
			t.Errorf("Parse(%q): %v", c.Args, err)
			continue
		}
		if norm != nil {
			norm(t, &got)
		}
		if !reflect.DeepEqual(got, c.Want) {
			t.Errorf("Parse(%q):\n got %+v\nwant %+v", c.Args, got, c.Want)
		}
	}
}

// Seed adds the cases' command lines to a fuzz target's corpus; the
// target takes one string, split with strings.Fields.
func Seed[R any](f *testing.F, cases []Case[R]) {
	for _, c := range cases {
		f.Add(c.Args)
	}
}
