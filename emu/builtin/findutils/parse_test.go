package findutils

import (
	"bufio"
	"fmt"
	"strings"
	"testing"
)

var parseCases = []struct{ args, want string }{
	{"", "cmd=[echo] n=0 L=0 I= null=false"},
	{"-n1 -I{} -0 grep x", "cmd=[grep x] n=1 L=0 I={} null=true"},
	{"-L 2 -r sh -c echo", "cmd=[sh -c echo] n=0 L=2 I= null=false"},
	{"echo -n1", "cmd=[echo -n1] n=0 L=0 I= null=false"},
	{"-i echo {}", "cmd=[echo {}] n=0 L=0 I={} null=false"},
	{"-n 0", "error: xargs: value 0 for -n option should be >= 1"},
	{"-L x", `error: xargs: invalid number "x" for -L option`},
	{"-k", "error: xargs: invalid option -- 'k'"},
	{"-d ab", "error: xargs: invalid input delimiter specification ab: the delimiter must be either a single character or an escape sequence starting with \\."},
}

func TestParse(t *testing.T) {
	for _, c := range parseCases {
		r, err := parseXargs(strings.Fields(c.args))
		got := ""
		if err != nil {
			got = "error: " + strings.SplitN(err.Error(), "\n", 2)[0]
		} else {
			got = fmt.Sprintf("cmd=%v n=%d L=%d I=%s null=%v", r.command, r.maxArgs, r.maxLines, r.replace, r.null)
		}
		if got != c.want {
			t.Errorf("parseXargs(%q):\n got %s\nwant %s", c.args, got, c.want)
		}
	}
}

// split runs the word splitter of a request over input and lists the
// command lines it would run.
func split(r *xargsReq, input string) ([]string, error) {
	var runs []string
	x := &xargs{r: r}
	x.run = func(argv []string) error {
		runs = append(runs, strings.Join(argv, ","))
		return nil
	}
	err := x.readAll(bufio.NewReader(strings.NewReader(input)))
	if err == nil || err == errEOF {
		err = x.flush(true)
	}
	return runs, err
}

func TestSplit(t *testing.T) {
	for _, c := range []struct {
		r     xargsReq
		input string
		want  string
	}{
		{xargsReq{}, "a b\nc\n", "echo,a,b,c"},
		{xargsReq{maxArgs: 2}, "a b c", "echo,a,b|echo,c"},
		{xargsReq{maxLines: 1}, "a b \nc\nd\n", "echo,a,b,c|echo,d"},
		{xargsReq{replace: "{}", command: []string{"echo", "[{}]"}}, "  a b \nc\n", "echo,[a b ]|echo,[c]"},
		{xargsReq{}, `"a b" c\ d 'e f'`, "echo,a b,c d,e f"},
		{xargsReq{null: true}, "a b\x00c\x00", "echo,a b,c"},
		{xargsReq{eofStr: "STOP"}, "a STOP b", "echo,a"},
		{xargsReq{noEmpty: true}, "", ""},
		{xargsReq{}, "", "echo"},
	} {
		r := c.r
		if r.command == nil {
			r.command = []string{"echo"}
		}
		runs, err := split(&r, c.input)
		if err != nil {
			t.Errorf("%q: %v", c.input, err)
		}
		if got := strings.Join(runs, "|"); got != c.want {
			t.Errorf("%+v on %q: %s, want %s", c.r, c.input, got, c.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, c := range parseCases {
		f.Add(c.args, "a b\n'c d'\n")
	}
	f.Fuzz(func(t *testing.T, args, input string) {
		r, err := parseXargs(strings.Split(args, " "))
		if err == nil {
			split(r, input)
		}
	})
}
