package awk

import (
	"fmt"
	"strings"
	"testing"
)

var parseCases = []struct{ args, want string }{
	{"{print} f", "fs=<nil> vars=[] progFile=[] program={print} args=[f]"},
	{"-F: {print} f g", "fs=: vars=[] progFile=[] program={print} args=[f g]"},
	{"-F : -v x=1 -vy=a\\tb 1", "fs=: vars=[x 1 y a\tb] progFile=[] program=1 args=[]"},
	{"-f a.awk -f b.awk f x=2", "fs=<nil> vars=[] progFile=[a.awk b.awk] program= args=[f x=2]"},
	{"-- -x", "fs=<nil> vars=[] progFile=[] program=-x args=[]"},
	{"1 -v x=1", "fs=<nil> vars=[] progFile=[] program=1 args=[-v x=1]"},
	{"", "error: usage: awk [-F value] [-v var=value] [--] 'program text' [file ...]"},
	{"-v", "error: awk: option -v lacks argument"},
	{"-x 1", "error: awk: not an option: -x"},
	{"-v foo 1", "error: awk: improper assignment: -v foo"},
	{"-v 1x=2 1", "error: awk: improper assignment: -v 1x=2"},
}

func TestParse(t *testing.T) {
	for _, c := range parseCases {
		r, err := parse(strings.Fields(c.args))
		got := ""
		if err != nil {
			got = "error: " + strings.SplitN(err.Error(), "\n", 2)[0]
		} else {
			fs := "<nil>"
			if r.fs != nil {
				fs = *r.fs
			}
			got = fmt.Sprintf("fs=%s vars=%v progFile=%v program=%s args=%v", fs, r.vars, r.progFile, r.program, r.args)
		}
		if got != c.want {
			t.Errorf("parse(%q):\n got %s\nwant %s", c.args, got, c.want)
		}
	}
}

func TestStandardStreams(t *testing.T) {
	for src, want := range map[string]string{
		`{print > "/dev/stdout"}`:          `{print > "-"}`,
		`{print >>"/dev/stdout"}`:          `{print >>"-"}`,
		`{getline x < "/dev/stdin"}`:       `{getline x < "-"}`,
		`{print "> \"/dev/stdout\""}`:      `{print "> \"/dev/stdout\""}`,
		`{print > "/dev/stderr"}`:          `{print > "/dev/stderr"}`,
		`{if ($1 > "/dev/stdoutx") print}`: `{if ($1 > "/dev/stdoutx") print}`,
	} {
		if got := standardStreams(src); got != want {
			t.Errorf("standardStreams(%q) = %q, want %q", src, got, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, c := range parseCases {
		f.Add(c.args)
	}
	f.Fuzz(func(t *testing.T, args string) {
		r, err := parse(strings.Split(args, " "))
		if err == nil {
			for _, a := range r.args {
				isAssignment(a)
			}
		}
	})
}
