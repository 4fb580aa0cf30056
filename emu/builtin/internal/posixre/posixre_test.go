package posixre

import (
	"regexp"
	"strings"
	"testing"
)

// The cases agree with GNU grep 3.8 (printf 'LINE\n' | grep [-E] PATTERN).
var cases = []struct {
	pat, line string
	ere       bool
	match     string // the leftmost-longest match; "-" for none
	err, warn string
}{
	{pat: `a*b`, line: "xaab", match: "aab"},
	{pat: `*b`, line: "a*b", match: "*b"},
	{pat: `*b`, line: "ab", ere: true, match: "b", warn: "* at start of expression"},
	{pat: `a|*b`, line: "b", ere: true, match: "b", warn: "* at start of expression"},
	{pat: `+a`, line: "a", ere: true, match: "a", warn: "+ at start of expression"},
	{pat: `{1}a`, line: "a", ere: true, match: "a", warn: "{...} at start of expression"},
	{pat: `^*a`, line: "*a", match: "*a"},
	{pat: `a{`, line: "a{b", ere: true, match: "a{"},
	{pat: `a{1`, line: "a{1b", ere: true, match: "a{1"},
	{pat: `a**`, line: "aaa", ere: true, match: "aaa"},
	{pat: `a+?`, line: "aaa", ere: true, match: "aaa"},
	{pat: `\(a\)`, line: "a", match: "a"},
	{pat: `(a`, line: "a", ere: true, err: `Unmatched ( or \(`},
	{pat: `\(a`, line: "a", err: `Unmatched ( or \(`},
	{pat: `a\)`, line: "a", err: `Unmatched ) or \)`},
	{pat: `a)`, line: "a)", ere: true, match: "a)"},
	{pat: `[a`, line: "a", err: `Unmatched [, [^, [:, [., or [=`},
	{pat: `a\{1`, line: "a", err: `Unmatched \{`},
	{pat: `a\{1,2`, line: "a", err: `Unmatched \{`},
	{pat: `a\{x\}`, line: "a", err: `Invalid content of \{\}`},
	{pat: `a\{2,1\}`, line: "a", err: `Invalid content of \{\}`},
	{pat: `a{2,1}`, line: "a", ere: true, err: `Invalid content of \{\}`},
	{pat: `a\{32768\}`, line: "a", err: `Regular expression too big`},
	{pat: `a\{,2\}`, line: "aaa", match: "aa"},
	{pat: `a{,2}`, line: "aaa", ere: true, match: "aa"},
	{pat: `a\{2\}`, line: "aaa", match: "aa"},
	{pat: `\{1\}a`, line: "{1}a", match: "{1}a"},
	{pat: `[[:foo:]]`, line: "a", err: `Invalid character class name`},
	{pat: `a\`, line: "a", err: `Trailing backslash`},
	{pat: `[z-a]`, line: "a", err: `Invalid range end`},
	{pat: `[[:alpha:]-z]`, line: "a", err: `Invalid range end`},
	{pat: `[:space:]`, line: "a", err: `character class syntax is [[:space:]], not [:space:]`},
	{pat: `[[.hyphen.]]`, line: "a", err: `Invalid collation character`},
	{pat: `a+b`, line: "a+b", match: "a+b"},
	{pat: `a\+b`, line: "aab", match: "aab"},
	{pat: `a\?b`, line: "b", match: "b"},
	{pat: `a|b`, line: "a|b", match: "a|b"},
	{pat: `a\|b`, line: "b", match: "b"},
	{pat: `x^a`, line: "x^a", match: "x^a"},
	{pat: `a^b`, line: "a^b", match: "a^b"},
	{pat: `a$b`, line: "a$b", match: "a$b"},
	{pat: `a$b`, line: "a$b", ere: true, match: "-"},
	{pat: `\(^a\)`, line: "ab", match: "a"},
	{pat: `b\|^a`, line: "ab", match: "a"},
	{pat: `a$\|x`, line: "ba", match: "a"},
	{pat: `[]a]`, line: "x]", match: "]"},
	{pat: `[^]a]`, line: "]ab", match: "b"},
	{pat: `[a-]`, line: "x-", match: "-"},
	{pat: `[\]`, line: `x\`, match: `\`},
	{pat: `[[.a.]]`, line: "a", match: "a"},
	{pat: `[[=a=]]`, line: "a", match: "a"},
	{pat: `[[:digit:]]\+`, line: "ab123c", match: "123"},
	{pat: `\w\+`, line: "-ab_1-", match: "ab_1"},
	{pat: `\s`, line: "a\vb", match: "\v"},
	{pat: `\<a`, line: "ba a", match: "a"},
	{pat: `(a|ab)(c|bcd)`, line: "abcd", ere: true, match: "abcd"},
	{pat: `x*`, line: "abc", match: ""},
	{pat: `.`, line: "é", match: "é"},
	{pat: `\.`, line: "a.", match: "."},
	{pat: `\d`, line: "d1", match: "d"},
	{pat: `\(a\)\1`, line: "aa", err: ErrBackref},
	{pat: `(a)\1`, line: "aa", ere: true, err: ErrBackref},
	{pat: `()`, line: "a", ere: true, match: ""},
	{pat: `a|`, line: "b", ere: true, match: ""},
}

func TestCompile(t *testing.T) {
	for _, c := range cases {
		re, warns, err := Compile(c.pat, Syntax{Extended: c.ere})
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("Compile(%q, ere=%v): error %v, want %q", c.pat, c.ere, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("Compile(%q, ere=%v): %v", c.pat, c.ere, err)
			continue
		}
		if got := strings.Join(warns, "; "); got != c.warn {
			t.Errorf("Compile(%q, ere=%v): warnings %q, want %q", c.pat, c.ere, got, c.warn)
		}
		got := "-"
		if loc := re.FindStringIndex(c.line); loc != nil {
			got = c.line[loc[0]:loc[1]]
		}
		if got != c.match {
			t.Errorf("%q (ere=%v, Go %q) on %q matched %q, want %q", c.pat, c.ere, re, c.line, got, c.match)
		}
	}
}

func TestSed(t *testing.T) {
	for _, c := range []struct{ pat, text, match string }{
		{`a\nb`, "a\nb", "a\nb"},
		{`[\n]`, "x\ny", "\n"},
		{`a.b`, "a\nb", "a\nb"},
		{`\t`, "a\tb", "\t"},
		{`[\t]`, "a\tb", "\t"},
	} {
		re, _, err := Compile(c.pat, Syntax{Sed: true})
		if err != nil {
			t.Errorf("Compile(%q): %v", c.pat, err)
			continue
		}
		if got := re.FindString(c.text); got != c.match {
			t.Errorf("%q on %q matched %q, want %q", c.pat, c.text, got, c.match)
		}
	}
}

func FuzzTranslate(f *testing.F) {
	for _, c := range cases {
		f.Add(c.pat, c.ere)
	}
	f.Fuzz(func(t *testing.T, pat string, ere bool) {
		expr, _, err := Translate(pat, Syntax{Extended: ere, Sed: !ere})
		if err != nil {
			return
		}
		// What the translator accepts must compile, but for size.
		if _, err := regexp.Compile(expr); err != nil && !strings.Contains(err.Error(), "invalid repeat count") && !strings.Contains(err.Error(), "too large") {
			t.Fatalf("%q (ere=%v) translated to %q, which does not compile: %v", pat, ere, expr, err)
		}
	})
}
