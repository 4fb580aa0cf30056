package shell

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/nsemu/nsemu/emu/libc"
)

// curl and wget: HTTP/1.1 clients over the namespace's TCP sockets, with
// names resolved as getaddrinfo would (resolve.go). No TLS: https URLs are
// refused.

func init() {
	Register(&Builtin{
		Name:  "curl",
		Usage: "curl [-s] [-S] [-o FILE] [-I] [-i] [-v] [-f] [-L] [-m SEC] [--connect-timeout SEC] [-H HEADER] [-X METHOD] [-d DATA] [-A UA] [-w FORMAT] URL",
		Help: `Fetches an http:// URL from the current namespace, like curl 7.88: the body on
standard output (-o FILE discards it: there are no files), errors as
"curl: (7) Failed to connect to 172.17.0.2 port 80 after 0 ms: Couldn't
connect to server" with curl's exit codes (6 resolve, 7 connect, 22 -f and an
HTTP error, 28 timeout). -w understands %{http_code} %{remote_ip}
%{remote_port} %{size_download} %{time_total} and \n.`,
		Run: runCurl,
	})
	Register(&Builtin{
		Name:  "wget",
		Usage: "wget [-q] [-O FILE|-] [-T SEC] [--spider] [-S] URL",
		Help:  `Fetches an http:// URL from the current namespace (busybox wget): -O- or -qO- prints the body; otherwise it is saved to "index.html" (discarded: there are no files).`,
		Run:   runWget,
	})
}

type httpReq struct {
	method  string
	url     *url.URL
	headers []string // "Name: value"
	body    string
	ua      string
	connTO  time.Duration // 0: none (the TCP handshake's own retries)
	maxTime time.Duration // 0: none
}

type httpResult struct {
	remote  netip.AddrPort
	resp    *http.Response
	rawHead []byte // status line and headers, as received
	body    []byte
	elapsed time.Duration
}

// httpError is a failed transfer with curl's exit code and message.
type httpError struct {
	code int
	msg  string
}

func (e *httpError) Error() string { return e.msg }

func parseURL(raw string) (*url.URL, error) {
	s := raw
	if !strings.Contains(s, "://") {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return nil, &httpError{3, "URL rejected: Malformed input to a URL function"}
	}
	switch u.Scheme {
	case "http":
	case "https":
		return nil, &httpError{1, `Protocol "https" not supported or disabled in libcurl (nsemu has no TLS)`}
	default:
		return nil, &httpError{1, fmt.Sprintf("Protocol %q not supported or disabled in libcurl", u.Scheme)}
	}
	return u, nil
}

// fetch performs one HTTP request from c's namespace. verbose, when not
// nil, receives curl -v's lines.
func fetch(c *Cmd, r httpReq, verbose io.Writer) (*httpResult, error) {
	clock := c.World().Clock()
	start := clock.NowMonotonic()
	elapsedMs := func() int64 { return clock.NowMonotonic().Sub(start).Milliseconds() }
	ctx, cancel := context.WithCancel(c.Ctx)
	defer cancel()
	timedOut := false
	if r.maxTime > 0 {
		t := clock.AfterFunc(r.maxTime, func() { timedOut = true; cancel() })
		defer t.Stop()
	}
	host := r.url.Hostname()
	port := 80
	if p := r.url.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, &httpError{3, "URL rejected: Port number was not a decimal number between 0 and 65535"}
		}
		port = n
	}
	addr, err := libc.LookupHost(c.Ctx, c.NS, host)
	if err != nil {
		return nil, &httpError{6, "Could not resolve host: " + host}
	}
	dst := netip.AddrPortFrom(addr, uint16(port))
	if verbose != nil {
		fmt.Fprintf(verbose, "*   Trying %s...\n", dst)
	}
	// The handshake may wait for retransmissions: let the clock jump then.
	stopWarp := c.World().Warp()
	dctx := ctx
	if r.connTO > 0 {
		var dcancel context.CancelFunc
		dctx, dcancel = context.WithCancel(ctx)
		t := clock.AfterFunc(r.connTO, func() { timedOut = true; dcancel() })
		defer t.Stop()
		defer dcancel()
	}
	conn, err := c.NS.DialTCP(dctx, dst)
	stopWarp()
	if err != nil {
		if timedOut {
			return nil, &httpError{28, fmt.Sprintf("Failed to connect to %s port %d after %d ms: Timeout was reached", host, port, elapsedMs())}
		}
		if c.Ctx.Err() != nil {
			return nil, &httpError{130, "interrupted"}
		}
		if strings.Contains(libc.ConnError(err), "timed out") {
			return nil, &httpError{28, fmt.Sprintf("Failed to connect to %s port %d after %d ms: Timeout was reached", host, port, elapsedMs())}
		}
		return nil, &httpError{7, fmt.Sprintf("Failed to connect to %s port %d after %d ms: Couldn't connect to server", host, port, elapsedMs())}
	}
	defer conn.Close()
	go func() {
		<-ctx.Done()
		conn.Close()
	}()
	if verbose != nil {
		fmt.Fprintf(verbose, "* Connected to %s (%s) port %d (#0)\n", host, addr, port)
	}
	// The request, as curl writes it.
	var req bytes.Buffer
	path := r.url.RequestURI()
	fmt.Fprintf(&req, "%s %s HTTP/1.1\r\n", r.method, path)
	hostHdr := r.url.Host
	fmt.Fprintf(&req, "Host: %s\r\n", hostHdr)
	fmt.Fprintf(&req, "User-Agent: %s\r\n", r.ua)
	fmt.Fprintf(&req, "Accept: */*\r\n")
	for _, h := range r.headers {
		fmt.Fprintf(&req, "%s\r\n", h)
	}
	if r.body != "" {
		fmt.Fprintf(&req, "Content-Length: %d\r\nContent-Type: application/x-www-form-urlencoded\r\n", len(r.body))
	}
	req.WriteString("\r\n")
	if verbose != nil {
		for _, l := range strings.Split(strings.TrimSuffix(req.String(), "\r\n"), "\r\n") {
			fmt.Fprintf(verbose, "> %s\n", l)
		}
	}
	req.WriteString(r.body)
	if _, err := conn.Write(req.Bytes()); err != nil {
		return nil, &httpError{55, "Failed sending data to the peer"}
	}
	// The response; its header bytes are kept to print them as received.
	rec := &headRecorder{r: conn}
	br := bufio.NewReader(rec)
	hreq, _ := http.NewRequest(r.method, r.url.String(), nil)
	resp, err := http.ReadResponse(br, hreq)
	if err != nil {
		switch {
		case timedOut:
			return nil, &httpError{28, fmt.Sprintf("Operation timed out after %d milliseconds with 0 bytes received", elapsedMs())}
		case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
			return nil, &httpError{52, "Empty reply from server"}
		}
		return nil, &httpError{56, "Recv failure: Connection reset by peer"}
	}
	head := rec.head()
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil && timedOut {
		return nil, &httpError{28, fmt.Sprintf("Operation timed out after %d milliseconds with %d bytes received", elapsedMs(), len(body))}
	}
	if verbose != nil {
		for _, l := range strings.Split(strings.TrimSuffix(string(head), "\r\n"), "\r\n") {
			fmt.Fprintf(verbose, "< %s\n", l)
		}
		fmt.Fprintf(verbose, "* Connection #0 to host %s left intact\n", host)
	}
	return &httpResult{remote: dst, resp: resp, rawHead: head, body: body, elapsed: clock.NowMonotonic().Sub(start)}, nil
}

// headRecorder keeps the bytes read from a connection until the end of
// the response headers.
type headRecorder struct {
	r   io.Reader
	buf bytes.Buffer
}

func (h *headRecorder) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	if h.buf.Len() < 64<<10 {
		h.buf.Write(p[:n])
	}
	return n, err
}

// head returns the header block (status line to the blank line).
func (h *headRecorder) head() []byte {
	b := h.buf.Bytes()
	if i := bytes.Index(b, []byte("\r\n\r\n")); i >= 0 {
		return b[:i+4]
	}
	return b
}

func runCurl(c *Cmd) int {
	r := httpReq{method: "GET", ua: "curl/7.88.1"}
	var silent, showErr, head, include, verbose, fail, location, discard bool
	var writeOut, rawURL string
	args := c.Args[1:]
	need := func(i *int, opt string) (string, bool) {
		*i++
		if *i >= len(args) {
			c.Errorf("curl: option %s: requires parameter\ncurl: try 'curl --help' or 'curl --manual' for more information", opt)
			return "", false
		}
		return args[*i], true
	}
	secs := func(opt, v string) (time.Duration, bool) {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 {
			c.Errorf("curl: option %s: expected a proper numerical parameter\ncurl: try 'curl --help' or 'curl --manual' for more information", opt)
			return 0, false
		}
		return time.Duration(f * float64(time.Second)), true
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") || a == "-" {
			rawURL = a
			continue
		}
		opts := []string{a}
		if !strings.HasPrefix(a, "--") && len(a) > 2 {
			// -sS, -sI, -so /dev/null: bool letters, the last may take a value.
			opts = nil
			for j := 1; j < len(a); j++ {
				opts = append(opts, "-"+string(a[j]))
				if strings.ContainsRune("oHXdmwA", rune(a[j])) && j+1 < len(a) {
					args = append(args[:i+1], append([]string{a[j+1:]}, args[i+1:]...)...)
					break
				}
			}
		}
		for _, o := range opts {
			switch o {
			case "-s", "--silent":
				silent = true
			case "-S", "--show-error":
				showErr = true
			case "-I", "--head":
				head = true
				r.method = "HEAD"
			case "-i", "--include":
				include = true
			case "-v", "--verbose":
				verbose = true
			case "-f", "--fail":
				fail = true
			case "-L", "--location":
				location = true
			case "-k", "--insecure", "-4", "--ipv4", "-N", "--no-buffer", "--compressed":
			case "-o", "--output":
				if _, ok := need(&i, o); !ok {
					return 2
				}
				discard = true
			case "-O", "--remote-name":
				discard = true
			case "-H", "--header":
				v, ok := need(&i, o)
				if !ok {
					return 2
				}
				if strings.HasPrefix(strings.ToLower(v), "user-agent:") {
					r.ua = strings.TrimSpace(v[len("user-agent:"):])
				} else {
					r.headers = append(r.headers, v)
				}
			case "-A", "--user-agent":
				v, ok := need(&i, o)
				if !ok {
					return 2
				}
				r.ua = v
			case "-X", "--request":
				v, ok := need(&i, o)
				if !ok {
					return 2
				}
				r.method = v
			case "-d", "--data", "--data-raw", "--data-binary":
				v, ok := need(&i, o)
				if !ok {
					return 2
				}
				r.body = v
				if r.method == "GET" {
					r.method = "POST"
				}
			case "-m", "--max-time":
				v, ok := need(&i, o)
				if !ok {
					return 2
				}
				if r.maxTime, ok = secs(o, v); !ok {
					return 2
				}
			case "--connect-timeout":
				v, ok := need(&i, o)
				if !ok {
					return 2
				}
				if r.connTO, ok = secs(o, v); !ok {
					return 2
				}
			case "-w", "--write-out":
				v, ok := need(&i, o)
				if !ok {
					return 2
				}
				writeOut = v
			default:
				return c.Fail(2, "curl: option %s: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information", o)
			}
		}
	}
	if rawURL == "" {
		return c.Fail(2, "curl: no URL specified!\ncurl: try 'curl --help' or 'curl --manual' for more information")
	}
	u, err := parseURL(rawURL)
	if err != nil {
		return curlFail(c, err, silent, showErr)
	}
	r.url = u
	var vw io.Writer
	if verbose {
		vw = c.Stderr
	}
	var res *httpResult
	for hops := 0; ; hops++ {
		res, err = fetch(c, r, vw)
		if err != nil {
			return curlFail(c, err, silent, showErr)
		}
		loc := res.resp.Header.Get("Location")
		if !location || loc == "" || res.resp.StatusCode < 300 || res.resp.StatusCode > 399 || hops == 50 {
			break
		}
		next, err := r.url.Parse(loc)
		if err != nil {
			break
		}
		if r.url, err = parseURL(next.String()); err != nil {
			return curlFail(c, err, silent, showErr)
		}
	}
	if fail && res.resp.StatusCode >= 400 {
		return curlFail(c, &httpError{22, fmt.Sprintf("The requested URL returned error: %d", res.resp.StatusCode)}, silent, showErr)
	}
	if !discard {
		if head || include {
			c.Stdout.Write(res.rawHead)
		}
		if !head {
			c.Stdout.Write(res.body)
		}
	}
	if writeOut != "" {
		c.Printf("%s", curlWriteOut(writeOut, res))
	}
	return 0
}

func curlFail(c *Cmd, err error, silent, showErr bool) int {
	var he *httpError
	if !errors.As(err, &he) {
		he = &httpError{2, err.Error()}
	}
	if he.code == 130 {
		return 130
	}
	if !silent || showErr {
		fmt.Fprintf(c.Stderr, "curl: (%d) %s\n", he.code, he.msg)
	}
	return he.code
}

func curlWriteOut(f string, res *httpResult) string {
	r := strings.NewReplacer(
		"%{http_code}", fmt.Sprintf("%03d", res.resp.StatusCode),
		"%{response_code}", fmt.Sprintf("%03d", res.resp.StatusCode),
		"%{remote_ip}", res.remote.Addr().String(),
		"%{remote_port}", fmt.Sprint(res.remote.Port()),
		"%{size_download}", fmt.Sprint(len(res.body)),
		"%{content_type}", res.resp.Header.Get("Content-Type"),
		"%{time_total}", fmt.Sprintf("%.6f", res.elapsed.Seconds()),
		`\n`, "\n", `\t`, "\t",
	)
	return r.Replace(f)
}

func runWget(c *Cmd) int {
	r := httpReq{method: "GET", ua: "Wget"}
	var quiet, spider, serverResp bool
	out := ""
	var rawURL string
	args := c.Args[1:]
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-q" || a == "--quiet":
			quiet = true
		case a == "--spider":
			spider = true
		case a == "-S" || a == "--server-response":
			serverResp = true
		case a == "-qO-" || a == "-qO" && i+1 < len(args) && args[i+1] == "-":
			quiet, out = true, "-"
			if a == "-qO" {
				i++
			}
		case strings.HasPrefix(a, "-O"):
			v := a[2:]
			if v == "" {
				i++
				if i >= len(args) {
					return c.Fail(1, "wget: option requires an argument -- 'O'")
				}
				v = args[i]
			}
			out = v
		case strings.HasPrefix(a, "-T"):
			v := a[2:]
			if v == "" {
				i++
				if i >= len(args) {
					return c.Fail(1, "wget: option requires an argument -- 'T'")
				}
				v = args[i]
			}
			d, err := ParseSeconds(v)
			if err != nil {
				return c.Fail(1, "wget: invalid number '%s'", v)
			}
			r.maxTime = d
		case strings.HasPrefix(a, "-") && a != "-":
			return c.Fail(1, "wget: unrecognized option '%s'", a)
		default:
			rawURL = a
		}
	}
	if rawURL == "" {
		return c.Fail(1, "BusyBox v1.36.1 (nsemu) multi-call binary.\n\nUsage: wget [-cqS] [--spider] [-O FILE] [-T SEC] URL...")
	}
	u, err := parseURL(rawURL)
	if err != nil {
		return c.Fail(1, "wget: unsupported protocol: %s", rawURL)
	}
	r.url = u
	if spider {
		r.method = "HEAD"
	}
	if !quiet {
		fmt.Fprintf(c.Stderr, "Connecting to %s (%s)\n", u.Host, u.Host)
	}
	res, err := fetch(c, r, nil)
	if err != nil {
		var he *httpError
		errors.As(err, &he)
		switch he.code {
		case 6:
			return c.Fail(1, "wget: bad address '%s'", u.Hostname())
		case 7:
			return c.Fail(1, "wget: can't connect to remote host (%s): Connection refused", u.Hostname())
		case 28:
			return c.Fail(1, "wget: download timed out")
		}
		return c.Fail(1, "wget: %s", he.msg)
	}
	if serverResp {
		for _, l := range strings.Split(strings.TrimSuffix(string(res.rawHead), "\r\n\r\n"), "\r\n") {
			fmt.Fprintf(c.Stderr, "  %s\n", l)
		}
	}
	if res.resp.StatusCode >= 400 {
		return c.Fail(1, "wget: server returned error: %s %s", res.resp.Proto, res.resp.Status)
	}
	if spider {
		if !quiet {
			fmt.Fprintf(c.Stderr, "remote file exists\n")
		}
		return 0
	}
	if out == "-" {
		c.Stdout.Write(res.body)
		return 0
	}
	name := out
	if name == "" {
		name = "index.html"
	}
	if !quiet {
		fmt.Fprintf(c.Stderr, "saving to '%s'\n%-20s 100%% |********************************| %5d  0:00:00 ETA\n'%s' saved\n", name, name, len(res.body), name)
	}
	return 0
}
