package sysctl

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/nsemu/nsemu/emu/shell"
)

// describe writes a request as one line, to compare in tables.
func describe(r request) string {
	pat := ""
	if r.pattern != nil {
		pat = r.pattern.String()
	}
	return fmt.Sprintf("all=%v values=%v names=%v quiet=%v ignore=%v write=%v binary=%v dry=%v load=%v file=%q pattern=%q help=%v version=%v noargs=%v vars=%q",
		r.all, r.values, r.names, r.quiet, r.ignore, r.write, r.binary, r.dryRun, r.load, r.loadFile, pat, r.help, r.version, r.noArgs, r.vars)
}

// want describes a request from its non-default fields, as describe does.
func want(set func(r *request)) string {
	var r request
	set(&r)
	return describe(r)
}

var parseCases = []struct {
	name string
	args []string
	want string // describe's line; "" when err is set
	err  string
}{
	{name: "none", args: nil, want: want(func(r *request) { r.noArgs = true })},
	{name: "read", args: []string{"net.ipv4.ip_forward"}, want: want(func(r *request) { r.vars = []string{"net.ipv4.ip_forward"} })},
	{name: "cluster", args: []string{"-nqe", "-w", "a=1", "-"}, want: want(func(r *request) {
		r.values, r.quiet, r.ignore, r.write, r.vars = true, true, true, true, []string{"a=1", "-"}
	})},
	{name: "all aliases", args: []string{"-A"}, want: want(func(r *request) { r.all = true })},
	{name: "long", args: []string{"--all=x", "--names", "--binary", "--dry-run", "--deprecated"}, want: want(func(r *request) {
		r.all, r.names, r.binary, r.dryRun = true, true, true, true
	})},
	{name: "pattern attached", args: []string{"-ar^net"}, want: want(func(r *request) { r.all, r.pattern = true, regexp.MustCompile("^net") })},
	{name: "pattern next", args: []string{"-r", "x$", "-a"}, want: want(func(r *request) { r.all, r.pattern = true, regexp.MustCompile("x$") })},
	{name: "long pattern", args: []string{"--pattern=a|b"}, want: want(func(r *request) { r.pattern = regexp.MustCompile("a|b") })},
	{name: "load attached", args: []string{"-p/etc/x.conf", "-p", "b"}, want: want(func(r *request) { r.load, r.loadFile, r.vars = true, "/etc/x.conf", []string{"b"} })},
	{name: "long load resets the file", args: []string{"-pfoo", "--load"}, want: want(func(r *request) { r.load = true })},
	{name: "long load file", args: []string{"--load=foo"}, want: want(func(r *request) { r.load, r.loadFile = true, "foo" })},
	{name: "system", args: []string{"--system"}, want: want(func(r *request) { r.load = true })},
	{name: "help stops", args: []string{"-hz", "--bogus"}, want: want(func(r *request) { r.help = true })},
	{name: "version", args: []string{"--version", "-z"}, want: want(func(r *request) { r.version = true })},
	{name: "bad letter", args: []string{"-az"}, err: "sysctl: invalid option -- 'z'\nTry `sysctl --help' for more information."},
	{name: "bad long", args: []string{"--foo=1"}, err: "sysctl: unrecognized option '--foo=1'\nTry `sysctl --help' for more information."},
	{name: "bare dashes", args: []string{"--"}, err: "sysctl: unrecognized option '--'\nTry `sysctl --help' for more information."},
	{name: "pattern missing", args: []string{"-r"}, err: "sysctl: option requires an argument -- 'r'\nTry `sysctl --help' for more information."},
	{name: "long pattern missing", args: []string{"--pattern"}, err: "sysctl: option '--pattern' requires an argument\nTry `sysctl --help' for more information."},
	{name: "bad pattern", args: []string{"-r", "("}, err: "sysctl: unable to parse pattern: ("},
}

func TestParse(t *testing.T) {
	for _, c := range parseCases {
		t.Run(c.name, func(t *testing.T) {
			r, err := parse(c.args)
			if c.err != "" {
				var e *shell.ExitError
				if !errors.As(err, &e) || e.Msg != c.err || e.Status != status {
					t.Fatalf("parse(%q): error %v, want status %d %q", c.args, err, status, c.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("parse(%q): %v", c.args, err)
			}
			if got := describe(r); got != c.want {
				t.Errorf("parse(%q):\n got %s\nwant %s", c.args, got, c.want)
			}
		})
	}
}

func TestParseVar(t *testing.T) {
	for _, c := range []struct {
		write bool
		arg   string
		want  variable
		err   string
	}{
		{arg: "net.ipv4.ip_forward", want: variable{setting: setting{key: "net.ipv4.ip_forward"}}},
		{arg: "/net/ipv4/ip_forward/=1", want: variable{setting: setting{key: "net.ipv4.ip_forward", value: "1"}, write: true}},
		{arg: "a.b=c=d", want: variable{setting: setting{key: "a.b", value: "c=d"}, write: true}},
		{write: true, arg: "a.b", err: "sysctl: \"a.b\" must be of the form name=value"},
		{arg: "net.*", err: "sysctl: cannot stat /proc/sys/net/*: No such file or directory"},
		{arg: "=1", err: "sysctl: cannot stat /proc/sys/: No such file or directory"},
	} {
		v, err := parseVar(flags{write: c.write}, c.arg)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != c.err || (err == nil && v != c.want) {
			t.Errorf("parseVar(write=%v, %q) = %+v, %q; want %+v, %q", c.write, c.arg, v, got, c.want, c.err)
		}
	}
}

// FuzzParse: no command line panics the parser, and an error is always
// sysctl's, with its status.
func FuzzParse(f *testing.F) {
	for _, c := range parseCases {
		f.Add(strings.Join(c.args, "\x00"))
	}
	f.Fuzz(func(t *testing.T, line string) {
		args := strings.Split(line, "\x00")
		r, err := parse(args)
		if err != nil {
			var e *shell.ExitError
			if !errors.As(err, &e) || e.Status != status || !strings.HasPrefix(e.Msg, "sysctl: ") {
				t.Fatalf("parse(%q): error %#v", args, err)
			}
			return
		}
		for _, v := range r.vars {
			parseVar(r.flags, v)
		}
	})
}
