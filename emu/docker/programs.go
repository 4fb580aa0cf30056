package docker

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/netip"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/stack"
)

// LogLine is a line of a container's log (docker logs).
type LogLine struct {
	Time time.Time
	// Stream is "stdout" or "stderr".
	Stream string
	Text   string
}

// logBuffer is a container's log: every line its main process wrote, kept
// across restarts, as Docker's json-file log driver keeps them.
type logBuffer struct {
	// mu guards the rest. It is a leaf, held only to append or copy lines
	// (an attached terminal is written outside it).
	mu      sync.Mutex
	all     []LogLine
	notify  chan struct{}
	partial map[string]*bytes.Buffer
}

func newLogBuffer() *logBuffer {
	return &logBuffer{notify: make(chan struct{}), partial: map[string]*bytes.Buffer{}}
}

func (b *logBuffer) lines() []LogLine {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]LogLine(nil), b.all...)
}

func (b *logBuffer) changed() <-chan struct{} {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.notify
}

// logWriter is one stream of a container's output: lines go to the log,
// and to tee (an attached `docker run`) when not nil.
type logWriter struct {
	b      *logBuffer
	stream string
	now    func() time.Time
	tee    io.Writer
}

func (b *logBuffer) writer(stream string, now func() time.Time, tee io.Writer) io.Writer {
	return &logWriter{b: b, stream: stream, now: now, tee: tee}
}

func (w *logWriter) Write(p []byte) (int, error) {
	if w.tee != nil {
		w.tee.Write(p)
	}
	b := w.b
	b.mu.Lock()
	defer b.mu.Unlock()
	part := b.partial[w.stream]
	if part == nil {
		part = &bytes.Buffer{}
		b.partial[w.stream] = part
	}
	part.Write(p)
	added := false
	for {
		i := bytes.IndexByte(part.Bytes(), '\n')
		if i < 0 {
			break
		}
		line := string(part.Next(i + 1))
		b.all = append(b.all, LogLine{Time: w.now(), Stream: w.stream, Text: strings.TrimSuffix(line, "\n")})
		added = true
	}
	if added {
		close(b.notify)
		b.notify = make(chan struct{})
	}
	return len(p), nil
}

// processLocked chooses a container's main process. It calls ready once
// it has started. e.mu must be held; the returned function runs without
// it.
func (e *Engine) processLocked(c *Container, aio AttachIO) func(ctx context.Context, ready func()) int {
	ns := c.ns
	clock := e.w.Clock()
	now := func() time.Time { return clock.Now().UTC() }
	stdout := c.logs.writer("stdout", now, aio.Stdout)
	stderr := c.logs.writer("stderr", now, aio.Stderr)
	attached := aio.Stdout != nil
	cmd := c.command()
	env := c.env()
	switch {
	case aio.Main != nil:
		return func(ctx context.Context, ready func()) int {
			ready()
			return aio.Main(ctx, ns)
		}
	case c.program == "nginx":
		own := stack.OwnedBy(stack.Owner{Name: "nginx", PID: c.pid, FD: 6})
		return func(ctx context.Context, ready func()) int { return runNginx(ctx, ns, own, now, stdout, stderr, ready) }
	case c.program == "httpd":
		own := stack.OwnedBy(stack.Owner{Name: "httpd", PID: c.pid, FD: 3})
		return func(ctx context.Context, ready func()) int { return runHttpd(ctx, ns, own, now, stdout, stderr, ready) }
	case c.program == "shell" && c.opts.Interactive && aio.Stdin != nil:
		// docker run -i IMAGE sh < script: the shell reads its commands.
		r := getRunner()
		return func(ctx context.Context, ready func()) int {
			ready()
			text, _ := io.ReadAll(aio.Stdin)
			return r.Run(ctx, ns, []string{"sh", "-c", string(text)}, env, nil, stdout, stderr)
		}
	case c.program == "shell" && attached:
		// A shell without standard input ends at once.
		return func(context.Context, func()) int { return 0 }
	case c.program == "shell":
		// Detached: idle, for docker exec.
		return func(ctx context.Context, ready func()) int {
			ready()
			<-ctx.Done()
			return 137
		}
	}
	r := getRunner()
	var stdin io.Reader
	if c.opts.Interactive {
		stdin = aio.Stdin
	}
	return func(ctx context.Context, ready func()) int {
		ready()
		return r.Run(ctx, ns, cmd, env, stdin, stdout, stderr)
	}
}

// env is the container's environment: PATH, HOSTNAME, then -e. c.e.mu
// must be held.
func (c *Container) env() []string {
	return append([]string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOSTNAME=" + c.hostname}, c.opts.Env...)
}

// Env returns the container's environment (what docker exec's commands
// see).
func (c *Container) Env() []string {
	c.e.mu.Lock()
	defer c.e.mu.Unlock()
	return c.env()
}

// command is what the container runs, without the image's entrypoint
// (which only execs it).
func (c *Container) command() []string { return Command(c.Image, c.opts.Cmd) }

// serve runs an HTTP server on port 80 of ns until ctx ends.
func serve(ctx context.Context, l net.Listener, h http.Handler) {
	srv := &http.Server{Handler: h, ErrorLog: log.New(io.Discard, "", 0)}
	done := make(chan struct{})
	go func() {
		_ = srv.Serve(l)
		close(done)
	}()
	<-ctx.Done()
	_ = srv.Close()
	<-done
}

// listen80 listens on port 80 for a server program; own names it and its
// pid for ss -p (the container's main process, as docker inspect shows it).
func listen80(ns *emu.Namespace, own stack.SockOpt) (net.Listener, error) {
	return ns.ListenTCP(netip.MustParseAddrPort("0.0.0.0:80"), own, stack.Backlog(511))
}

func clientHost(r *http.Request) string {
	if h, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return h
	}
	return r.RemoteAddr
}

// statusWriter remembers what a handler wrote, for the access log.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (s *statusWriter) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(p []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(p)
	s.bytes += n
	return n, err
}

// ---- nginx ----

const nginxVersion = "1.27.3"

// NginxWelcome is nginx's default page (615 bytes).
const NginxWelcome = `<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
`

const nginx50x = `<!DOCTYPE html>
<html>
<head>
<title>Error</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>An error occurred.</h1>
<p>Sorry, the page you are looking for is currently unavailable.<br/>
Please try again later.</p>
<p>If you are the system administrator of this resource then you should check
the error log for details.</p>
<p><em>Faithfully yours, nginx.</em></p>
</body>
</html>
`

func nginxError(code int, text string) string {
	return fmt.Sprintf("<html>\r\n<head><title>%d %s</title></head>\r\n<body>\r\n<center><h1>%d %s</h1></center>\r\n<hr><center>nginx/%s</center>\r\n</body>\r\n</html>\r\n", code, text, code, text, nginxVersion)
}

func nginxTime(t time.Time) string { return t.Format("2006/01/02 15:04:05") }

func runNginx(ctx context.Context, ns *emu.Namespace, own stack.SockOpt, now func() time.Time, out, errw io.Writer, ready func()) int {
	for _, l := range []string{
		"/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
		"/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/",
		"/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
		"10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf",
		"10-listen-on-ipv6-by-default.sh: info: /etc/nginx/conf.d/default.conf differs from the packaged version",
		"/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh",
		"/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh",
		"/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh",
		"/docker-entrypoint.sh: Configuration complete; ready for start up",
	} {
		fmt.Fprintln(out, l)
	}
	l, err := listen80(ns, own)
	if err != nil {
		for i := 0; i < 5; i++ {
			fmt.Fprintf(errw, "%s [emerg] 1#1: bind() to 0.0.0.0:80 failed (98: Address already in use)\n", nginxTime(now()))
			fmt.Fprintf(errw, "nginx: [emerg] bind() to 0.0.0.0:80 failed (98: Address already in use)\n")
		}
		fmt.Fprintf(errw, "%s [emerg] 1#1: still could not bind()\n", nginxTime(now()))
		fmt.Fprintf(errw, "nginx: [emerg] still could not bind()\n")
		return 1
	}
	t := nginxTime(now())
	for _, n := range []string{
		`using the "epoll" event method`, "nginx/" + nginxVersion, "built by gcc 12.2.0 (Debian 12.2.0-14)",
		"OS: Linux 6.1.0-nsemu", "getrlimit(RLIMIT_NOFILE): 1048576:1048576", "start worker processes",
		"start worker process 29",
	} {
		fmt.Fprintf(errw, "%s [notice] 1#1: %s\n", t, n)
	}
	ready()
	conn := 0
	var mu sync.Mutex
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		conn++
		n := conn
		mu.Unlock()
		sw := &statusWriter{ResponseWriter: w}
		hd := w.Header()
		hd["Server"] = []string{"nginx/" + nginxVersion}
		hd["Date"] = []string{now().Format(http.TimeFormat)}
		hd["Content-Type"] = []string{"text/html"}
		body, code := "", http.StatusOK
		switch {
		case r.Method != http.MethodGet && r.Method != http.MethodHead:
			body, code = nginxError(405, "Not Allowed"), http.StatusMethodNotAllowed
		case r.URL.Path == "/" || r.URL.Path == "/index.html":
			body = NginxWelcome
			hd["Last-Modified"] = []string{"Tue, 26 Nov 2024 15:55:00 GMT"}
			hd["ETag"] = []string{fmt.Sprintf(`"6745ef54-%x"`, len(body))}
			hd["Accept-Ranges"] = []string{"bytes"}
		case r.URL.Path == "/50x.html":
			body = nginx50x
		default:
			body, code = nginxError(404, "Not Found"), http.StatusNotFound
			fmt.Fprintf(errw, "%s [error] 29#29: *%d open() \"/usr/share/nginx/html%s\" failed (2: No such file or directory), client: %s, server: localhost, request: \"%s %s %s\", host: \"%s\"\n",
				nginxTime(now()), n, r.URL.Path, clientHost(r), r.Method, r.RequestURI, r.Proto, r.Host)
		}
		hd["Content-Length"] = []string{fmt.Sprint(len(body))}
		sw.WriteHeader(code)
		if r.Method != http.MethodHead {
			io.WriteString(sw, body)
		}
		fmt.Fprintf(out, "%s - - [%s] \"%s %s %s\" %d %d \"%s\" \"%s\" \"-\"\n", clientHost(r), now().Format("02/Jan/2006:15:04:05 -0700"),
			r.Method, r.RequestURI, r.Proto, code, sw.bytes, orDash(r.Referer()), orDash(r.UserAgent()))
	})
	serve(ctx, l, h)
	t = nginxTime(now())
	fmt.Fprintf(errw, "%s [notice] 1#1: signal 3 (SIGQUIT) received, shutting down\n", t)
	fmt.Fprintf(errw, "%s [notice] 29#29: gracefully shutting down\n", t)
	fmt.Fprintf(errw, "%s [notice] 29#29: exiting\n", t)
	fmt.Fprintf(errw, "%s [notice] 29#29: exit\n", t)
	fmt.Fprintf(errw, "%s [notice] 1#1: signal 17 (SIGCHLD) received from 29\n", t)
	fmt.Fprintf(errw, "%s [notice] 1#1: worker process 29 exited with code 0\n", t)
	fmt.Fprintf(errw, "%s [notice] 1#1: exit\n", t)
	return 0
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// ---- httpd ----

const httpdVersion = "Apache/2.4.62 (Unix)"

// HttpdItWorks is httpd's default page.
const HttpdItWorks = "<html><body><h1>It works!</h1></body></html>\n"

const httpd404 = `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">
<html><head>
<title>404 Not Found</title>
</head><body>
<h1>Not Found</h1>
<p>The requested URL was not found on this server.</p>
</body></html>
`

func httpdTime(t time.Time) string { return t.Format("Mon Jan 02 15:04:05.000000 2006") }

func runHttpd(ctx context.Context, ns *emu.Namespace, own stack.SockOpt, now func() time.Time, out, errw io.Writer, ready func()) int {
	addr := "127.0.1.1"
	for _, d := range ns.Links() {
		if a := d.Addrs(); len(a) > 0 && d.Name() != "lo" {
			addr = a[0].Addr().String()
			break
		}
	}
	for i := 0; i < 2; i++ {
		fmt.Fprintf(errw, "AH00558: httpd: Could not reliably determine the server's fully qualified domain name, using %s. Set the 'ServerName' directive globally to suppress this message\n", addr)
	}
	l, err := listen80(ns, own)
	if err != nil {
		fmt.Fprintf(errw, "(98)Address already in use: AH00072: make_sock: could not bind to address 0.0.0.0:80\n")
		fmt.Fprintf(errw, "no listening sockets available, shutting down\n")
		fmt.Fprintf(errw, "AH00015: Unable to open logs\n")
		return 1
	}
	fmt.Fprintf(errw, "[%s] [mpm_event:notice] [pid 1:tid 1] AH00489: %s configured -- resuming normal operations\n", httpdTime(now()), httpdVersion)
	fmt.Fprintf(errw, "[%s] [core:notice] [pid 1:tid 1] AH00094: Command line: 'httpd -D FOREGROUND'\n", httpdTime(now()))
	ready()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w}
		hd := w.Header()
		hd["Server"] = []string{httpdVersion}
		hd["Date"] = []string{now().Format(http.TimeFormat)}
		body, code := HttpdItWorks, http.StatusOK
		if r.URL.Path == "/" || r.URL.Path == "/index.html" {
			hd["Last-Modified"] = []string{"Mon, 11 Jun 2007 18:53:14 GMT"}
			hd["ETag"] = []string{`"2d-432a5e4a73a80"`}
			hd["Accept-Ranges"] = []string{"bytes"}
			hd["Content-Type"] = []string{"text/html"}
		} else {
			body, code = httpd404, http.StatusNotFound
			hd["Content-Type"] = []string{"text/html; charset=iso-8859-1"}
		}
		hd["Content-Length"] = []string{fmt.Sprint(len(body))}
		sw.WriteHeader(code)
		if r.Method != http.MethodHead {
			io.WriteString(sw, body)
		}
		size := "-"
		if sw.bytes > 0 {
			size = fmt.Sprint(sw.bytes)
		}
		fmt.Fprintf(out, "%s - - [%s] \"%s %s %s\" %d %s\n", clientHost(r), now().Format("02/Jan/2006:15:04:05 -0700"), r.Method, r.RequestURI, r.Proto, code, size)
	})
	serve(ctx, l, h)
	fmt.Fprintf(errw, "[%s] [mpm_event:notice] [pid 1:tid 1] AH00492: caught SIGWINCH, shutting down gracefully\n", httpdTime(now()))
	return 0
}

// CmdName is a command's name as the runner looks it up: the base name of
// an absolute path (/bin/bash is bash).
func CmdName(s string) string {
	if strings.HasPrefix(s, "/") {
		return path.Base(s)
	}
	return s
}
