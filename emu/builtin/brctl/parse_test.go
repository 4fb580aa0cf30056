package brctl

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/nsemu/nsemu/emu/shell"
)

var parseCases = []struct {
	in   string
	cmd  string   // the command found
	args []string // its arguments
	// usage: brctl prints its help, and usageMsg on standard error.
	usage    bool
	usageMsg string
	err      string // an *shell.ExitError's message (status 1)
}{
	{in: "show", cmd: "show", args: []string{}},
	{in: "show br0 br1", cmd: "show", args: []string{"br0", "br1"}},
	{in: "addif br0 v0 v1 v2", cmd: "addif", args: []string{"br0", "v0", "v1", "v2"}},
	{in: "setfd br0 2", cmd: "setfd", args: []string{"br0", "2"}},
	{in: "", usage: true},
	{in: "foo", usage: true, usageMsg: "never heard of command [foo]"},
	{in: "sh", usage: true, usageMsg: "never heard of command [sh]"},
	{in: "showmacs", err: "Incorrect number of arguments for command\nUsage: brctl showmacs <bridge>\t\tshow a list of mac addrs"},
	{in: "addbr a b", err: "Incorrect number of arguments for command\nUsage: brctl addbr <bridge>\t\tadd bridge"},
	{in: "stp br0", err: "Incorrect number of arguments for command\nUsage: brctl stp <bridge> {on|off}\tturn stp on/off"},
}

func TestParse(t *testing.T) {
	for _, c := range parseCases {
		r, err := parse(strings.Fields(c.in))
		var u *usageError
		var e *shell.ExitError
		switch {
		case c.usage:
			if !errors.As(err, &u) || u.msg != c.usageMsg {
				t.Errorf("%q: %v, want usage %q", c.in, err, c.usageMsg)
			}
		case c.err != "":
			if !errors.As(err, &e) || e.Status != 1 || e.Msg != c.err {
				t.Errorf("%q: %v, want %q", c.in, err, c.err)
			}
		case err != nil:
			t.Errorf("%q: %v", c.in, err)
		case r.cmd.name != c.cmd || !reflect.DeepEqual(r.args, c.args):
			t.Errorf("%q: %s %q, want %s %q", c.in, r.cmd.name, r.args, c.cmd, c.args)
		}
	}
}

func TestHelp(t *testing.T) {
	if h := help(); !strings.HasPrefix(h, "Usage: brctl [commands]\ncommands:\n\taddbr     \t<bridge>\t\tadd bridge\n") ||
		strings.Count(h, "\n") != len(commands)+2 {
		t.Errorf("help:\n%s", h)
	}
}

// FuzzParseBrctl: no command line may panic the parser; it finds a
// command whose argument count fits, or fails with brctl's help or a
// status-1 error.
func FuzzParseBrctl(f *testing.F) {
	for _, c := range parseCases {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, line string) {
		w := strings.Fields(line)
		r, err := parse(w)
		var u *usageError
		var e *shell.ExitError
		switch {
		case errors.As(err, &u):
		case errors.As(err, &e):
			if e.Status != 1 || e.Msg == "" {
				t.Fatalf("%q: %#v", line, e)
			}
		case err != nil:
			t.Fatalf("%q: %v", line, err)
		case r.cmd.name != w[0] || len(r.args) < r.cmd.min || (r.cmd.max >= 0 && len(r.args) > r.cmd.max):
			t.Fatalf("%q: %s %q", line, r.cmd.name, r.args)
		}
	})
}
