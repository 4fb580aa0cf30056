package python_test

import (
	"testing"

	"github.com/nsemu/nsemu/emu/builtin/builtintest"
)

func TestPython(t *testing.T) {
	builtintest.RunCases(t, []builtintest.Case{
		{Name: "script", Cmd: "python3 app.py", Err: "nsemu: python3 app.py: not emulated (only python3 -m http.server is)", Status: 1},
		{Name: "python -c", Cmd: "python -c 'print(1)'", Err: "nsemu: python -c print(1): not emulated (only python -m http.server is)", Status: 1},
		{Name: "python 2 module", Cmd: "python -m SimpleHTTPServer", Err: "/usr/bin/python3: No module named SimpleHTTPServer", Status: 1},
		{Name: "bad port", Cmd: "python3 -m http.server x", Err: "server.py: error: argument port: invalid int value: 'x'", Status: 2},
		{Name: "foreign address", Cmd: "python3 -m http.server --bind 192.0.2.1", Err: "OSError: [Errno 99] Cannot assign requested address", Status: 1},
	})
}

// TestServeAcrossNamespaces serves from ns1 with python (not python3) and
// fetches from the host: the log names the client.
func TestServeAcrossNamespaces(t *testing.T) {
	w := builtintest.World(t)
	builtintest.MustRun(t, w, nil, builtintest.SetupPair)
	out := builtintest.MustRun(t, w, nil, `mkdir -p /srv && echo hi > /srv/f.txt
ip netns exec ns1 python -m http.server -d /srv 9000 > /dev/null 2> /tmp/log &
until curl -s 10.0.0.2:9000/f.txt; do sleep 0.01; done
kill %1
cut -d' ' -f1,6- /tmp/log
`)
	if want := "hi\n10.0.0.1 \"GET /f.txt HTTP/1.1\" 200 -\n"; out != want {
		t.Errorf("got %q, want %q", out, want)
	}
}
