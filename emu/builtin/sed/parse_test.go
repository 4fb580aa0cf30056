package sed

import (
	"fmt"
	"strings"
	"testing"
)

// The compiler's table: a script, what it compiles to (each command as
// letter, addresses and arguments), or sed's error.
var compileCases = []struct {
	script, want string
}{
	{"p", "p"},
	{"2d;$!N", "d@2 N@!$"},
	{"/a/,/b/I{p;}", "{@/,/ p"},
	{"1~2p;0,/x/d;3,+2p;3,~4p", "p@1~2 d@0,/ p@3,+2 p@3,~4"},
	{`s/a\(b\)/[\1&]/gp`, "s(g p1)"},
	{"s|/|\\||2w out", "s(2 wout)"},
	{"y/abc/xyz/", "y"},
	{"1i\\\nhello\\\nworld", "i@1:hello\\nworld\\n"},
	{"$a foo", "a@$:foo\\n"},
	{":a;N;$!ba", ": N b@!$"},
	{"2q5", "q5@2"},
	{"l 20", "l20"},
	{"r file.txt", "r=file.txt"},
	{"#n\np", "p"},
	{"k", "error: sed: -e expression #1, char 1: unknown command: `k'"},
	{"s/a/b", "error: sed: -e expression #1, char 5: unterminated `s' command"},
	{"s/a/b/x", "error: sed: -e expression #1, char 7: unknown option to `s'"},
	{"s/a/b/gg", "error: sed: -e expression #1, char 8: multiple `g' options to `s' command"},
	{"s/a/b/0", "error: sed: -e expression #1, char 7: number option to `s' command may not be zero"},
	{"y/ab/c/", "error: sed: -e expression #1, char 7: strings for `y' command are different lengths"},
	{"{p", "error: sed: -e expression #1, char 0: unmatched `{'"},
	{"p}", "error: sed: -e expression #1, char 2: unexpected `}'"},
	{"b foo", "error: sed: can't find label for jump to `foo'"},
	{"pq", "error: sed: -e expression #1, char 2: extra characters after command"},
	{"0p", "error: sed: -e expression #1, char 2: invalid usage of line address 0"},
	{`s/\(a\)/\2/`, "error: sed: -e expression #1, char 11: invalid reference \\2 on `s' command's RHS"},
	{"a", "error: sed: -e expression #1, char 1: expected \\ after `a', `c' or `i'"},
	{"1,2q", "error: sed: -e expression #1, char 4: command only uses one address"},
	{"/a", "error: sed: -e expression #1, char 2: unterminated address regex"},
	{`s/a\(/x/`, "error: sed: -e expression #1, char 8: Unmatched ( or \\("},
	{"e", "error: sed: -e expression #1, char 1: " + errExecCmd},
	{"1e id", "error: sed: -e expression #1, char 2: " + errExecCmd},
	{"s/x/y/e", "error: sed: -e expression #1, char 7: " + errExecFlag},
	{`s/\(a\)\1/x/`, "error: sed: -e expression #1, char 12: back-references (\\N in a pattern) are not supported in nsemu"},
}

// describe summarises a program for the table.
func describe(p *program) string {
	var out []string
	for _, c := range p.cmds {
		d := string(c.name)
		switch {
		case c.s != nil:
			d += fmt.Sprintf("(%s)", substFlagsText(c.s))
		case c.name == 'q':
			d += fmt.Sprint(c.status)
		case c.name == 'l' && c.width >= 0:
			d += fmt.Sprint(c.width)
		case c.name == 'r':
			d += "=" + c.fname
		}
		if c.a1 != nil {
			d += "@" + addrText(c)
		}
		if c.text != "" {
			d += ":" + strings.ReplaceAll(c.text, "\n", `\n`)
		}
		out = append(out, d)
	}
	return strings.Join(out, " ")
}

func substFlagsText(s *subst) string {
	var f []string
	if s.nth > 0 {
		f = append(f, fmt.Sprint(s.nth))
	}
	if s.global {
		f = append(f, "g")
	}
	if s.print > 0 {
		f = append(f, fmt.Sprintf("p%d", s.print))
	}
	if s.wfile != "" {
		f = append(f, "w"+s.wfile)
	}
	return strings.Join(f, " ")
}

func addrText(c *command) string {
	one := func(a *address) string {
		switch a.kind {
		case addrLast:
			return "$"
		case addrRegex:
			return "/"
		case addrStep:
			return fmt.Sprintf("%d~%d", a.line, a.step)
		case addrPlus:
			return fmt.Sprintf("+%d", a.line)
		case addrMult:
			return fmt.Sprintf("~%d", a.line)
		}
		return fmt.Sprint(a.line)
	}
	s := one(c.a1)
	if c.a2 != nil {
		s += "," + one(c.a2)
	}
	if c.negate {
		s = "!" + s
	}
	return s
}

func TestCompile(t *testing.T) {
	for _, c := range compileCases {
		got := ""
		p, err := compile(&request{pieces: []piece{{text: c.script, expr: 1}}})
		if err != nil {
			got = "error: " + err.Error()
		} else {
			got = describe(p)
		}
		if got != c.want {
			t.Errorf("compile(%q):\n got %s\nwant %s", c.script, got, c.want)
		}
	}
}

func TestParse(t *testing.T) {
	for _, c := range []struct{ args, want string }{
		{"p f", "pieces=[p] quiet=false inPlace=false files=[f]"},
		{"-n -e p -e =", "pieces=[p =] quiet=true inPlace=false files=[]"},
		{"-i.bak -E s/a/b/ f g", "pieces=[s/a/b/] quiet=false inPlace=true files=[f g]"},
		{"-f script f", "pieces=[@script] quiet=false inPlace=false files=[f]"},
		{"", "error: Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]..."},
		{"-i p", "error: sed: no input files"},
		{"-k p", "error: sed: invalid option -- 'k'"},
	} {
		r, err := parse(strings.Fields(c.args))
		got := ""
		if err != nil {
			got = "error: " + strings.SplitN(err.Error(), "\n", 2)[0]
		} else {
			var ps []string
			for _, p := range r.pieces {
				if p.file != "" {
					ps = append(ps, "@"+p.file)
				} else {
					ps = append(ps, p.text)
				}
			}
			got = fmt.Sprintf("pieces=%v quiet=%v inPlace=%v files=%v", ps, r.quiet, r.inPlace, r.files)
			got = strings.Replace(got, "files=[]", "files=[]", 1)
		}
		if got != c.want {
			t.Errorf("parse(%q):\n got %s\nwant %s", c.args, got, c.want)
		}
	}
}

func FuzzCompile(f *testing.F) {
	for _, c := range compileCases {
		f.Add(c.script, false)
	}
	f.Fuzz(func(t *testing.T, script string, extended bool) {
		compile(&request{pieces: []piece{{text: script, expr: 1}}, extended: extended})
	})
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"p f", "-n -e p", "-i.bak s/a/b/ f", "-f x -l 5 -z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, args string) {
		parse(strings.Split(args, " "))
	})
}
