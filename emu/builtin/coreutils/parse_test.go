package coreutils

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// The parsers' table: each command line, what it parses to (a summary),
// or the error it gives.
var parseCases = []struct {
	tool string
	args string
	want string // fmt's %+v of the summary, or "error: ..." (first line)
}{
	{"head", "", "n=10 bytes=false allBut=false files=[-]"},
	{"head", "-n 3 f", "n=3 bytes=false allBut=false files=[f]"},
	{"head", "-5", "n=5 bytes=false allBut=false files=[-]"},
	{"head", "-n -2 -c 1K", "n=1024 bytes=true allBut=false files=[-]"},
	{"head", "-n -2", "n=2 bytes=false allBut=true files=[-]"},
	{"head", "-n x", "error: head: invalid number of lines: 'x'"},
	{"head", "-c 1x", "error: head: invalid number of bytes: '1x'"},
	{"head", "-k", "error: head: invalid option -- 'k'"},
	{"tail", "-n +3 f", "n=3 bytes=false fromTop=true follow=false files=[f]"},
	{"tail", "+3 f", "n=3 bytes=false fromTop=true follow=false files=[f]"},
	{"tail", "-f -c 5", "n=5 bytes=true fromTop=false follow=true files=[-]"},
	{"tail", "-s x", "error: tail: invalid number of seconds: 'x'"},
	{"sort", "-k2,2n -t: -r", "keys=[{sField:2 sChar:1 eField:2 eChar:0 numeric:true reverse:false}] tab=58 reverse=true"},
	{"sort", "-k1.2b,3.4r", "keys=[{sField:1 sChar:2 eField:3 eChar:4 numeric:false reverse:true}] tab=-1 reverse=false"},
	{"sort", "-n -k2", "keys=[{sField:2 sChar:1 eField:0 eChar:0 numeric:true reverse:false}] tab=-1 reverse=false"},
	{"sort", "-k 0", "error: sort: field number is zero: invalid field specification '0'"},
	{"sort", "-k x", "error: sort: invalid number at field start: invalid count at start of 'x'"},
	{"sort", "-k 1.0", "error: sort: character offset is zero: invalid field specification '1.0'"},
	{"sort", "-k 1x", "error: sort: stray character in field spec: invalid field specification '1x'"},
	{"sort", "-k 1,x", "error: sort: invalid number after ',': invalid count at start of 'x'"},
	{"sort", "-t ab", "error: sort: multi-character tab 'ab'"},
	{"sort", "-n -g", "error: sort: options '-gn' are incompatible"},
	{"cut", "-f 1,3-5,7-", "mode=f spans=[{lo:1 hi:1} {lo:3 hi:5} {lo:7 hi:0}]"},
	{"cut", "-c -3,2-4", "mode=c spans=[{lo:1 hi:4}]"},
	{"cut", "-f 0", "error: cut: fields are numbered from 1"},
	{"cut", "-f 2-1", "error: cut: invalid decreasing range"},
	{"cut", "-f x", "error: cut: invalid field value 'x'"},
	{"cut", "-f -", "error: cut: invalid range with no endpoint: -"},
	{"cut", "", "error: cut: you must specify a list of bytes, characters, or fields"},
	{"tr", "a-e x", "set1=abcde set2=xxxxx"},
	{"tr", "-d [:digit:]", "set1=0123456789 set2="},
	{"tr", "a-c [x*]Y", "set1=abc set2=xxY"},
	{"tr", "-t abc xy", "set1=ab set2=xy"},
	{"tr", `\n\t\101 _`, "set1=\n\tA set2=___"},
	{"tr", "z-a b", "error: tr: range-endpoints of 'z-a' are in reverse collating sequence order"},
	{"tr", "a [:digit:]", "error: tr: when translating, the only character classes that may appear in"},
	{"tr", "", "error: tr: missing operand"},
	{"seq", "3", "first=1 step=1 last=3 integers=true prec=0"},
	{"seq", "5 -1 1", "first=5 step=-1 last=1 integers=true prec=0"},
	{"seq", "0.5 0.25 1", "first=0.5 step=0.25 last=1 integers=false prec=2"},
	{"seq", "1 0 3", "error: seq: invalid Zero increment value: '0'"},
	{"seq", "x", "error: seq: invalid floating point argument: 'x'"},
	{"date", "-u -d @0 +%s", "format=%s date=1970-01-01T00:00:00Z"},
	{"date", "-R -d 2024-01-02", "format=%a, %d %b %Y %H:%M:%S %z date=2024-01-02T00:00:00Z"},
	{"date", "-Iseconds", "format=%Y-%m-%dT%H:%M:%S%:z date=now"},
	{"date", "-d @x", "error: date: invalid date '@x'"},
	{"date", "x", "error: date: invalid date 'x'"},
	{"date", "+%s +%s", "error: date: extra operand '+%s'"},
	{"uniq", "-c -f 1 in out", "count=true skip=1 in=in out=out"},
	{"uniq", "-s x", "error: uniq: x: invalid number of bytes to skip"},
	{"uniq", "a b c", "error: uniq: extra operand 'c'"},
}

// summary parses a command line of a tool and describes the result.
func summary(tool string, args []string) (string, error) {
	switch tool {
	case "head", "tail":
		parse := parseHead
		if tool == "tail" {
			parse = parseTail
		}
		r, err := parse(args)
		if err != nil {
			return "", err
		}
		if tool == "tail" {
			return fmt.Sprintf("n=%d bytes=%v fromTop=%v follow=%v files=%v", r.n, r.bytes, r.fromTop, r.follow, r.files), nil
		}
		return fmt.Sprintf("n=%d bytes=%v allBut=%v files=%v", r.n, r.bytes, r.allBut, r.files), nil
	case "sort":
		r, err := parseSort(args)
		if err != nil {
			return "", err
		}
		var keys []string
		for _, k := range r.keys {
			keys = append(keys, fmt.Sprintf("{sField:%d sChar:%d eField:%d eChar:%d numeric:%v reverse:%v}", k.sField, k.sChar, k.eField, k.eChar, k.opts.numeric, k.opts.reverse))
		}
		return fmt.Sprintf("keys=[%s] tab=%d reverse=%v", strings.Join(keys, " "), r.tab, r.global.reverse), nil
	}
	return summary2(tool, args)
}

func summary2(tool string, args []string) (string, error) {
	switch tool {
	case "cut":
		r, err := parseCut(args)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("mode=%c spans=%+v", r.mode, r.spans), nil
	case "tr":
		r, err := parseTr(args)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("set1=%s set2=%s", r.set1, r.set2), nil
	case "date":
		r, err := parseDate(args)
		if err != nil {
			return "", err
		}
		when := "now"
		if r.hasD {
			t, err := parseDateString(r.date, time.Time{})
			if err != nil {
				return "", err
			}
			when = t.Format(time.RFC3339)
		}
		return fmt.Sprintf("format=%s date=%s", r.format, when), nil
	case "uniq":
		r, err := parseUniq(args)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("count=%v skip=%d in=%s out=%s", r.count, r.skipFields, r.in, r.out), nil
	case "seq":
		r, err := parseSeq(args)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("first=%v step=%v last=%v integers=%v prec=%d", r.first, r.step, r.last, r.integers, r.prec), nil
	}
	return "", fmt.Errorf("no parser for %s", tool)
}

func TestParse(t *testing.T) {
	for _, c := range parseCases {
		got, err := summary(c.tool, strings.Fields(c.args))
		if err != nil {
			got = "error: " + strings.SplitN(err.Error(), "\n", 2)[0]
		}
		if got != c.want {
			t.Errorf("%s %s:\n got %s\nwant %s", c.tool, c.args, got, c.want)
		}
	}
}

func TestStrftime(t *testing.T) {
	at := time.Date(2023, 11, 14, 22, 13, 20, 500, time.UTC)
	for _, c := range []struct{ format, want string }{
		{"%Y-%m-%d %H:%M:%S", "2023-11-14 22:13:20"},
		{"%a %b %e %H:%M:%S %Z %Y", "Tue Nov 14 22:13:20 UTC 2023"},
		{"%-m/%-d %_m %05d %^a %10A %%", "11/14 11 00014 TUE    Tuesday %"},
		{"%s %N %j %U %W %V %u %w", "1700000000 000000500 318 46 46 46 2 2"},
		{"%I %l %p %P %k", "10 10 PM pm 22"},
		{"%z %:z %::z %Q", "+0000 +00:00 +00:00:00 %Q"},
	} {
		if got := strftime(c.format, at); got != c.want {
			t.Errorf("strftime(%q) = %q, want %q", c.format, got, c.want)
		}
	}
}

func TestFilevercmp(t *testing.T) {
	order := []string{"", ".", "..", ".a", "a", "a1", "a2", "a10~", "a10", "a10.tar.gz", "b"}
	for i := range order {
		for j := range order {
			got := filevercmp([]byte(order[i]), []byte(order[j]))
			if (got < 0) != (i < j) || (got == 0) != (i == j) {
				t.Errorf("filevercmp(%q, %q) = %d", order[i], order[j], got)
			}
		}
	}
}

// fuzzParse checks that a parser never panics on any command line.
func fuzzParse(f *testing.F, tool string) {
	for _, c := range parseCases {
		if c.tool == tool {
			f.Add(c.args)
		}
	}
	f.Fuzz(func(t *testing.T, args string) {
		summary(tool, strings.Split(args, " "))
	})
}

func FuzzParseHead(f *testing.F) { fuzzParse(f, "head") }
func FuzzParseTail(f *testing.F) { fuzzParse(f, "tail") }
func FuzzParseSort(f *testing.F) { fuzzParse(f, "sort") }
func FuzzParseCut(f *testing.F)  { fuzzParse(f, "cut") }
func FuzzParseTr(f *testing.F)   { fuzzParse(f, "tr") }
func FuzzParseSeq(f *testing.F)  { fuzzParse(f, "seq") }
func FuzzParseDate(f *testing.F) { fuzzParse(f, "date") }
func FuzzParseUniq(f *testing.F) { fuzzParse(f, "uniq") }

func FuzzStrftime(f *testing.F) {
	f.Add("%Y-%m-%d %-H %_5j %^a %:z %")
	f.Fuzz(func(t *testing.T, format string) {
		strftime(format, time.Unix(1700000000, 0).UTC())
	})
}
