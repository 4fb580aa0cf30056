package curl_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/nsemu/nsemu/emu/builtin/builtintest"
)

// Responses of the HTTP servers the tests start with nc in ns1.
const (
	ok       = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nhello\n"
	notFound = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
	moved    = "HTTP/1.1 301 Moved Permanently\r\nLocation: http://10.0.0.2:8080/next\r\nContent-Length: 0\r\n\r\n"
)

// serve is a script line that answers one HTTP request on port in ns1
// (10.0.0.2) with resp, in the background.
func serve(port int, resp string) string {
	return fmt.Sprintf("ip netns exec ns1 sh -c 'printf %q | nc -l %d > /dev/null' &\n", resp, port)
}

// TestCurl runs curl and wget in the host (10.0.0.1) against servers in
// ns1 (builtintest.SetupPair).
func TestCurl(t *testing.T) {
	cases := []struct {
		name    string
		servers string // serve lines
		cmd     string
		status  int
		out     string
		err     string // standard error; a regexp when errRe
		errRe   bool
	}{
		{name: "body", servers: serve(80, ok), cmd: "curl 10.0.0.2", out: "hello\n"},
		{name: "write-out", servers: serve(80, ok), cmd: `curl -s -o /dev/null -w '%{http_code} %{response_code} %{size_download} %{remote_ip}:%{remote_port} %{content_type}\n' 10.0.0.2`,
			out: "200 200 6 10.0.0.2:80 text/plain\n"},
		{name: "verbose", servers: serve(80, ok), cmd: "curl -v -H 'X-Test: 1' -A tester 10.0.0.2/path?q", out: "hello\n",
			err: "*   Trying 10.0.0.2:80...\n* Connected to 10.0.0.2 (10.0.0.2) port 80 (#0)\n> GET /path?q HTTP/1.1\n> Host: 10.0.0.2\n> User-Agent: tester\n> Accept: */*\n> X-Test: 1\n> \n" +
				"< HTTP/1.1 200 OK\n< Content-Type: text/plain\n< \n* Connection #0 to host 10.0.0.2 left intact\n"},
		{name: "post", servers: serve(80, ok), cmd: "curl -v -d a=1 10.0.0.2 2>&1 | grep '^> [PC]'",
			out: "> POST / HTTP/1.1\n> Content-Length: 3\n> Content-Type: application/x-www-form-urlencoded\n"},
		{name: "head", servers: serve(80, ok), cmd: "curl -sI 10.0.0.2", out: "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n"},
		{name: "include", servers: serve(80, ok), cmd: "curl -si 10.0.0.2", out: "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nhello\n"},
		{name: "http error without -f", servers: serve(80, notFound), cmd: "curl -s -w '%{http_code}' 10.0.0.2", out: "404"},
		{name: "fail silently", servers: serve(80, notFound), cmd: "curl -sf 10.0.0.2", status: 22, err: "exit status 22\n"},
		{name: "fail", servers: serve(80, notFound), cmd: "curl -f 10.0.0.2", status: 22, err: "curl: (22) The requested URL returned error: 404\n"},
		{name: "redirect not followed", servers: serve(80, moved), cmd: "curl -s -w '%{http_code}' 10.0.0.2", out: "301"},
		{name: "redirect followed", servers: serve(80, moved) + serve(8080, ok), cmd: "curl -sL -w '%{http_code} %{remote_port}' 10.0.0.2", out: "hello\n200 8080"},
		// --connect-timeout bounds the handshake only: a server that
		// answers nothing for longer is an empty reply, not a timeout.
		{name: "connect timeout past the handshake", servers: "ip netns exec ns1 sh -c 'sleep 2 | nc -l 80 > /dev/null' &\n",
			cmd: "curl --connect-timeout 1 10.0.0.2", status: 52, err: "curl: (52) Empty reply from server\n"},
		{name: "connect timeout", cmd: "curl --connect-timeout 1 10.0.0.9", status: 28, errRe: true,
			err: `^curl: \(28\) Failed to connect to 10\.0\.0\.9 port 80 after 1\d\d\d ms: Timeout was reached\n$`},
		{name: "max time", cmd: "curl -m 0.5 10.0.0.9", status: 28, errRe: true,
			err: `^curl: \(28\) Failed to connect to 10\.0\.0\.9 port 80 after 5\d\d ms: Timeout was reached\n$`},
		{name: "refused", cmd: "curl 10.0.0.2:81", status: 7, errRe: true,
			err: `^curl: \(7\) Failed to connect to 10\.0\.0\.2 port 81 after \d+ ms: Couldn't connect to server\n$`},
		{name: "refused, silent, show error", cmd: "curl -sS 10.0.0.2:81", status: 7, errRe: true, err: `^curl: \(7\) Failed to connect`},
		{name: "unknown host", cmd: "curl nosuch", status: 6, err: "curl: (6) Could not resolve host: nosuch\n"},
		{name: "bad port", cmd: "curl 10.0.0.2:99999", status: 3, err: "curl: (3) URL rejected: Port number was not a decimal number between 0 and 65535\n"},
		{name: "https", cmd: "curl https://10.0.0.2/", status: 1, err: "curl: (1) Protocol \"https\" not supported or disabled in libcurl (nsemu has no TLS)\n"},
		{name: "unknown option", cmd: "curl --nope 10.0.0.2", status: 2, err: "curl: option --nope: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information\n"},

		{name: "wget to stdout", servers: serve(80, ok), cmd: "wget -qO- 10.0.0.2", out: "hello\n"},
		{name: "wget saves", servers: serve(80, ok), cmd: "wget 10.0.0.2",
			err: "Connecting to 10.0.0.2 (10.0.0.2)\nsaving to 'index.html'\nindex.html           100% |********************************|     6  0:00:00 ETA\n'index.html' saved\n"},
		{name: "wget -qO FILE", servers: serve(80, ok), cmd: "wget -qO /dev/null 10.0.0.2"},
		{name: "wget -S", servers: serve(80, ok), cmd: "wget -q -S -O page 10.0.0.2", err: "  HTTP/1.1 200 OK\n  Content-Type: text/plain\n"},
		{name: "wget --spider", servers: serve(80, ok), cmd: "wget --spider 10.0.0.2", err: "Connecting to 10.0.0.2 (10.0.0.2)\nremote file exists\n"},
		{name: "wget http error", servers: serve(80, notFound), cmd: "wget -q 10.0.0.2", status: 1, err: "wget: server returned error: HTTP/1.1 404 Not Found\n"},
		{name: "wget refused", cmd: "wget -q 10.0.0.2:81", status: 1, err: "wget: can't connect to remote host (10.0.0.2): Connection refused\n"},
		{name: "wget unknown host", cmd: "wget -q nosuch", status: 1, err: "wget: bad address 'nosuch'\n"},
		{name: "wget https", cmd: "wget https://10.0.0.2/", status: 1, err: "wget: unsupported protocol: https://10.0.0.2/\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := builtintest.World(t)
			builtintest.MustRun(t, w, nil, builtintest.SetupPair)
			src := c.cmd + "\n"
			if c.servers != "" {
				src = c.servers + "sleep 0.05\n" + src
			}
			r := builtintest.Run(t, w, nil, src)
			if r.Status != c.status {
				t.Errorf("%s: status %d, want %d\nstderr: %s", c.cmd, r.Status, c.status, r.Err)
			}
			if r.Out != c.out {
				t.Errorf("%s: stdout %q, want %q", c.cmd, r.Out, c.out)
			}
			if c.errRe && !regexp.MustCompile(c.err).MatchString(r.Err) || !c.errRe && r.Err != c.err {
				t.Errorf("%s: stderr %q, want %q", c.cmd, r.Err, c.err)
			}
		})
	}
}
