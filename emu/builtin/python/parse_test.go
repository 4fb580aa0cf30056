package python

import (
	"errors"
	"strings"
	"testing"

	"github.com/nsemu/nsemu/emu/builtin/internal/parsetest"
)

var parseCases = []parsetest.Case[Request]{
	{Args: "-m http.server", Want: Request{Port: 8000}},
	{Args: "-u -m http.server 8080", Want: Request{Port: 8080}},
	{Args: "-m http.server --bind 10.0.0.2 -d /srv 80", Want: Request{Bind: "10.0.0.2", Dir: "/srv", Port: 80}},
	{Args: "-m http.server -b127.0.0.1 --directory=/tmp", Want: Request{Bind: "127.0.0.1", Dir: "/tmp", Port: 8000}},
	{Args: "-m http.server 99999", Want: Request{Port: 34463}},
	{Args: "-m http.server -p HTTP/1.0 0", Want: Request{Port: 0}},
	{Args: "-m http.server x", Err: usage + "\nserver.py: error: argument port: invalid int value: 'x'"},
	{Args: "-m http.server --foo", Err: usage + "\nserver.py: error: unrecognized arguments: --foo"},
	{Args: "-m http.server -b", Err: usage + "\nserver.py: error: argument -b/--bind: expected one argument"},
	{Args: "-m http.server -d -b x", Err: usage + "\nserver.py: error: argument -d/--directory: expected one argument"},
	{Args: "-m http.server 1 2", Err: usage + "\nserver.py: error: unrecognized arguments: 2"},
	{Args: "-m http.server --cgi", Err: "nsemu: python3 -m http.server --cgi: not emulated"},
	{Args: "-m http.server -p HTTP/1.1", Err: "nsemu: python3 -m http.server --protocol HTTP/1.1: not emulated"},
	{Args: "-m SimpleHTTPServer", Err: "/usr/bin/python3: No module named SimpleHTTPServer"},
	{Args: "-m", Err: errNoModuleArg.Error()},
	{Args: "-c print(1)", Err: "not emulated"},
	{Args: "-m json.tool", Err: "not emulated"},
	{Args: "", Err: "not emulated"},
}

func TestParse(t *testing.T) { parsetest.Run(t, Parse, parseCases, nil) }

// FuzzParse: no command line panics the parser; an accepted one is -m
// http.server's.
func FuzzParse(f *testing.F) {
	parsetest.Seed(f, parseCases)
	f.Fuzz(func(t *testing.T, line string) {
		args := strings.Fields(line)
		_, err := Parse(args)
		if err != nil {
			return
		}
		for len(args) > 0 && args[0] == "-u" {
			args = args[1:]
		}
		if len(args) < 2 || args[0] != "-m" || args[1] != "http.server" {
			t.Fatalf("Parse(%q) accepted it", line)
		}
	})
}

func TestNotEmulatedIsDistinct(t *testing.T) {
	if _, err := Parse([]string{"script.py"}); !errors.Is(err, errNotEmulated) {
		t.Errorf("Parse(script.py) = %v, want errNotEmulated", err)
	}
}
