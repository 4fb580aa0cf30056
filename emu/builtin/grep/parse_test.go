package grep

import (
	"fmt"
	"strings"
	"testing"
)

var parseCases = []struct{ args, want string }{
	{"x f", "G pats=[x] files=[f] after=0 before=0 max=-1"},
	{"-E -e a -e b", "E pats=[a b] files=[] after=0 before=0 max=-1"},
	{"-F -C2 x", "F pats=[x] files=[] after=2 before=2 max=-1"},
	{"-5 -A1 x f g", "G pats=[x] files=[f g] after=1 before=5 max=-1"},
	{"-m3 -c x", "G pats=[x] files=[] after=0 before=0 max=3"},
	{"--max-count=3 --regexp=y -- -v", "G pats=[y] files=[-v] after=0 before=0 max=3"},
	{"-f pats f", "G pats=[] files=[f] after=0 before=0 max=-1"},
	{`-e a\nb`, "G pats=[a b] files=[] after=0 before=0 max=-1"},
	{"", "error: Usage: grep [OPTION]... PATTERNS [FILE]..."},
	{"-E -F x", "error: grep: conflicting matchers specified"},
	{"-A x y", "error: grep: x: invalid context length argument"},
	{"-m x y", "error: grep: invalid max count"},
	{"-k x", "error: grep: invalid option -- 'k'"},
	{"--binary-files=foo x", "error: grep: unknown binary-files type"},
}

func TestParse(t *testing.T) {
	for _, c := range parseCases {
		args := strings.Fields(c.args)
		for i := range args {
			args[i] = strings.ReplaceAll(args[i], `\n`, "\n")
		}
		r, err := parse("grep", args)
		got := ""
		if err != nil {
			got = "error: " + strings.SplitN(err.Error(), "\n", 2)[0]
		} else {
			got = fmt.Sprintf("%c pats=%v files=%v after=%d before=%d max=%d", r.matcher, r.patterns, r.files, r.after, r.before, r.maxCount)
			got = strings.ReplaceAll(got, "\n", " ")
		}
		if got != c.want {
			t.Errorf("parse(%q):\n got %s\nwant %s", c.args, got, c.want)
		}
	}
}

func TestWords(t *testing.T) {
	for _, c := range []struct {
		pat, line string
		want      string
	}{
		{"foo", "foo foo-bar foobar xfoo", "[0 3] [4 7]"},
		{"o*", "o oo xo", "[0 1] [2 4]"},
		{"a.", "ab ac", "[0 2] [3 5]"},
	} {
		m, _, err := compile(&request{patterns: []string{c.pat}, word: true, matcher: 'G'})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, w := range m.all([]byte(c.line)) {
			got = append(got, fmt.Sprint(w[:]))
		}
		if g := strings.Join(got, " "); g != c.want {
			t.Errorf("-ow %q on %q: %s, want %s", c.pat, c.line, g, c.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, c := range parseCases {
		f.Add(c.args)
	}
	f.Fuzz(func(t *testing.T, args string) {
		r, err := parse("grep", strings.Split(args, " "))
		if err != nil {
			return
		}
		m, _, err := compile(r)
		if err == nil {
			m.all([]byte(args))
		}
	})
}
