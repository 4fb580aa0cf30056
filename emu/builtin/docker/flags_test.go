package docker

import (
	"reflect"
	"strings"
	"testing"
)

// flagCases are the parser's table, and the fuzz target's seeds.
var flagCases = []struct {
	name         string
	args         []string
	interspersed bool
	vals         map[string][]string
	rest         []string
	err          string
}{
	{name: "empty", args: nil, vals: map[string][]string{}},
	{name: "long bool", args: []string{"--detach", "nginx"},
		vals: map[string][]string{"detach": {"true"}}, rest: []string{"nginx"}},
	{name: "long bool false", args: []string{"--detach=false", "nginx"},
		vals: map[string][]string{"detach": {"false"}}, rest: []string{"nginx"}},
	{name: "long value =", args: []string{"--name=web", "nginx"},
		vals: map[string][]string{"name": {"web"}}, rest: []string{"nginx"}},
	{name: "long value next", args: []string{"--name", "web", "nginx"},
		vals: map[string][]string{"name": {"web"}}, rest: []string{"nginx"}},
	{name: "empty value", args: []string{"--name=", "nginx"},
		vals: map[string][]string{"name": {""}}, rest: []string{"nginx"}},
	{name: "repeated", args: []string{"-e", "A=1", "--env", "B=2", "-eC=3", "busybox"},
		vals: map[string][]string{"env": {"A=1", "B=2", "C=3"}}, rest: []string{"busybox"}},
	{name: "shorthands together", args: []string{"-dit", "busybox"},
		vals: map[string][]string{"detach": {"true"}, "interactive": {"true"}, "tty": {"true"}}, rest: []string{"busybox"}},
	{name: "shorthand value attached", args: []string{"-p8080:80", "nginx"},
		vals: map[string][]string{"publish": {"8080:80"}}, rest: []string{"nginx"}},
	{name: "shorthand value =", args: []string{"-p=8080:80", "nginx"},
		vals: map[string][]string{"publish": {"8080:80"}}, rest: []string{"nginx"}},
	{name: "bools then a value", args: []string{"-dp", "8080:80", "nginx"},
		vals: map[string][]string{"detach": {"true"}, "publish": {"8080:80"}}, rest: []string{"nginx"}},
	{name: "value takes the rest of the group", args: []string{"-pd", "nginx"},
		vals: map[string][]string{"publish": {"d"}}, rest: []string{"nginx"}},
	{name: "the command's flags are its own", args: []string{"-d", "busybox", "ping", "-c", "1", "--bogus"},
		vals: map[string][]string{"detach": {"true"}}, rest: []string{"busybox", "ping", "-c", "1", "--bogus"}},
	{name: "interspersed", args: []string{"web", "--name", "x", "db"}, interspersed: true,
		vals: map[string][]string{"name": {"x"}}, rest: []string{"web", "db"}},
	{name: "double dash", args: []string{"-d", "--", "--name", "x"}, interspersed: true,
		vals: map[string][]string{"detach": {"true"}}, rest: []string{"--name", "x"}},
	{name: "lone dash is an argument", args: []string{"-", "-d"}, interspersed: true,
		vals: map[string][]string{"detach": {"true"}}, rest: []string{"-"}},
	{name: "unknown long", args: []string{"--bogus", "nginx"}, err: "unknown flag: --bogus"},
	{name: "unknown long with value", args: []string{"--bogus=1"}, err: "unknown flag: --bogus"},
	{name: "unknown shorthand", args: []string{"-dx", "nginx"}, err: "unknown shorthand flag: 'x' in -dx"},
	{name: "long needs a value", args: []string{"--name"}, err: "flag needs an argument: --name"},
	{name: "shorthand needs a value", args: []string{"-p"}, err: "flag needs an argument: 'p' in -p"},
	{name: "shorthand needs a value after =", args: []string{"-p="}, err: "flag needs an argument: 'p' in -p"},
}

func TestParseFlags(t *testing.T) {
	for _, c := range flagCases {
		t.Run(c.name, func(t *testing.T) {
			f, err := parseFlags(c.args, runFlags, c.interspersed)
			if c.err != "" {
				if err == nil || err.Error() != c.err {
					t.Fatalf("parseFlags(%q) error %v, want %q", c.args, err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseFlags(%q): %v", c.args, err)
			}
			if !reflect.DeepEqual(f.vals, c.vals) || !reflect.DeepEqual(f.args, c.rest) {
				t.Errorf("parseFlags(%q):\n got %v %q\nwant %v %q", c.args, f.vals, f.args, c.vals, c.rest)
			}
		})
	}
}

func TestFlagsAccessors(t *testing.T) {
	f, err := parseFlags([]string{"--net", "a", "--net=b", "--rm=false", "-d"}, runFlags, false)
	if err != nil {
		t.Fatal(err)
	}
	if !f.has("net") || f.get("net") != "b" || !reflect.DeepEqual(f.all("net"), []string{"a", "b"}) {
		t.Errorf("net: has %v get %q all %q", f.has("net"), f.get("net"), f.all("net"))
	}
	if f.bool("rm") || !f.bool("detach") || f.bool("tty") || f.has("tty") || f.get("tty") != "" {
		t.Errorf("bools: rm %v detach %v tty %v", f.bool("rm"), f.bool("detach"), f.bool("tty"))
	}
}

// TestFlagTables: no table names a flag twice (the parser takes the first).
func TestFlagTables(t *testing.T) {
	tables := map[string][]flagSpec{"run": runFlags, "exec": execFlags, "ps": psFlags, "logs": logsFlags,
		"inspect": inspectFlags, "pull": pullFlags, "network ls": networkLsFlags, "network create": networkCreateFlags,
		"network connect": connectFlags, "network disconnect": disconnectFlags}
	for name, spec := range tables {
		longs, shorts := map[string]bool{}, map[byte]bool{}
		for _, s := range spec {
			if longs[s.long] || (s.short != 0 && shorts[s.short]) {
				t.Errorf("%s: --%s or -%c twice", name, s.long, s.short)
			}
			longs[s.long], shorts[s.short] = true, s.short != 0
		}
	}
}

// FuzzParseFlags: the parser never panics; what it accepts names only
// flags of the table, and its arguments are the command line's, in order.
func FuzzParseFlags(f *testing.F) {
	for _, c := range flagCases {
		f.Add(strings.Join(c.args, "\x00"), c.interspersed)
	}
	f.Fuzz(func(t *testing.T, line string, interspersed bool) {
		args := strings.Split(line, "\x00")
		fl, err := parseFlags(args, runFlags, interspersed)
		if err != nil {
			return
		}
		for name := range fl.vals {
			if !isFlag(runFlags, name) {
				t.Fatalf("parseFlags(%q) set --%s, not in the table", args, name)
			}
		}
		if !subsequence(fl.args, args) {
			t.Fatalf("parseFlags(%q): arguments %q are not the command line's", args, fl.args)
		}
	})
}

func isFlag(spec []flagSpec, name string) bool {
	for _, s := range spec {
		if s.long == name {
			return true
		}
	}
	return false
}

// subsequence reports whether sub's elements appear in s in order.
func subsequence(sub, s []string) bool {
	for _, x := range s {
		if len(sub) > 0 && sub[0] == x {
			sub = sub[1:]
		}
	}
	return len(sub) == 0
}
