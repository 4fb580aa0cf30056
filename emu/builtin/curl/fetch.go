package curl

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/nsemu/nsemu/stack"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/nsemu/nsemu/emu/clock"
	"github.com/nsemu/nsemu/emu/libc"
	"github.com/nsemu/nsemu/emu/shell"
	"gvisor.dev/gvisor/pkg/tcpip"
)

// Exchange is one HTTP/1.1 request to make.
type Exchange struct {
	Method string
	URL    *url.URL
	// Headers are extra header lines, "Name: value".
	Headers []string
	// Body is sent as a form (curl -d); "" for none.
	Body string
	// UA is the User-Agent.
	UA string
	// ConnectTimeout bounds the TCP handshake; 0 for none (its own
	// retries).
	ConnectTimeout time.Duration
	// MaxTime bounds the whole exchange; 0 for none.
	MaxTime time.Duration
}

// Result is a response as received.
type Result struct {
	// Remote is the server's address and port.
	Remote netip.AddrPort
	// Resp is the parsed response; its Body is read (into Body) and
	// closed.
	Resp *http.Response
	// RawHead is the status line and headers, as received.
	RawHead []byte
	Body    []byte
	// Elapsed is the exchange's time on the emulator clock.
	Elapsed time.Duration
}

// transfer is one exchange under way, its times on the emulator clock.
type transfer struct {
	c       *shell.Cmd
	x       Exchange
	verbose io.Writer // curl -v's lines; nil for none
	clock   *clock.Clock
	start   tcpip.MonotonicTime
	// ctx ends the exchange: the command's end, or -m.
	ctx context.Context
	// timedOut is set when -m ended the exchange.
	timedOut atomic.Bool
}

// fetch performs one HTTP exchange from c's namespace. verbose, when not
// nil, receives curl -v's lines. Its errors are *Error.
func fetch(c *shell.Cmd, x Exchange, verbose io.Writer) (*Result, error) {
	clk := c.World().Clock()
	t := &transfer{c: c, x: x, verbose: verbose, clock: clk, start: clk.NowMonotonic()}
	ctx, cancel := context.WithCancel(c.Ctx)
	defer cancel()
	t.ctx = ctx
	if x.MaxTime > 0 {
		defer clk.AfterFunc(x.MaxTime, func() {
			t.timedOut.Store(true)
			cancel()
		}).Stop()
	}
	conn, dst, err := t.connect()
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	go func() {
		<-ctx.Done()
		conn.Close()
	}()
	if err := t.send(conn); err != nil {
		return nil, err
	}
	return t.receive(conn, dst)
}

func (t *transfer) elapsedMs() int64 {
	return t.clock.NowMonotonic().Sub(t.start).Milliseconds()
}

// connect resolves the URL's host and opens a TCP connection to it,
// within --connect-timeout, which ends with the handshake.
func (t *transfer) connect() (net.Conn, netip.AddrPort, error) {
	host := t.x.URL.Hostname()
	port, err := urlPort(t.x.URL)
	if err != nil {
		return nil, netip.AddrPort{}, err
	}
	addr, err := libc.LookupHost(t.c.Ctx, t.c.NS, host)
	if err != nil {
		return nil, netip.AddrPort{}, &Error{6, "Could not resolve host: " + host}
	}
	dst := netip.AddrPortFrom(addr, port)
	if t.verbose != nil {
		fmt.Fprintf(t.verbose, "*   Trying %s...\n", dst)
	}
	// The handshake may wait for retransmissions: let the clock jump then,
	// but not before the SYN is on its way (the world is held until then:
	// the connect timer is armed first, and a jump while this goroutine
	// still prepares the dial would fire it).
	release := t.c.World().Hold()
	defer release()
	stopWarp := t.c.World().Warp()
	// With --connect-timeout, a bounded wait, the world stays held
	// through the whole handshake, so the clock never jumps to the
	// timeout while the stacks (whose goroutines the warp cannot see)
	// still answer: an unanswered SYN costs at most the timeout in wall
	// time. Without one, the hold ends once the SYN is on its way.
	dctx := t.ctx
	if t.x.ConnectTimeout == 0 {
		dctx = stack.WithConnectStarted(t.ctx, release)
	}
	var connTimedOut atomic.Bool
	if t.x.ConnectTimeout > 0 {
		var dcancel context.CancelFunc
		dctx, dcancel = context.WithCancel(dctx)
		defer dcancel()
		defer t.clock.AfterFunc(t.x.ConnectTimeout, func() {
			connTimedOut.Store(true)
			dcancel()
		}).Stop()
	}
	conn, err := t.c.NS.DialTCP(dctx, dst)
	stopWarp()
	if err != nil {
		return nil, dst, t.connectError(err, host, port, connTimedOut.Load() || t.timedOut.Load())
	}
	if t.verbose != nil {
		fmt.Fprintf(t.verbose, "* Connected to %s (%s) port %d (#0)\n", host, addr, port)
	}
	return conn, dst, nil
}

// urlPort is the URL's port, 80 by default.
func urlPort(u *url.URL) (uint16, error) {
	p := u.Port()
	if p == "" {
		return 80, nil
	}
	n, err := strconv.Atoi(p)
	if err != nil || n < 1 || n > 65535 {
		return 0, &Error{3, "URL rejected: Port number was not a decimal number between 0 and 65535"}
	}
	return uint16(n), nil
}

// connectError is a failed handshake in curl's words.
// timedOut is set when --connect-timeout or -m ended it.
func (t *transfer) connectError(err error, host string, port uint16, timedOut bool) error {
	ms := t.elapsedMs()
	timeout := &Error{28, fmt.Sprintf("Failed to connect to %s port %d after %d ms: Timeout was reached", host, port, ms)}
	switch {
	case timedOut:
		return timeout
	case t.c.Ctx.Err() != nil:
		return &Error{130, "interrupted"}
	case strings.Contains(libc.ConnError(err), "timed out"):
		return timeout
	}
	return &Error{7, fmt.Sprintf("Failed to connect to %s port %d after %d ms: Couldn't connect to server", host, port, ms)}
}

// send writes the request as curl writes it.
func (t *transfer) send(conn net.Conn) error {
	var req bytes.Buffer
	fmt.Fprintf(&req, "%s %s HTTP/1.1\r\n", t.x.Method, t.x.URL.RequestURI())
	fmt.Fprintf(&req, "Host: %s\r\n", t.x.URL.Host)
	fmt.Fprintf(&req, "User-Agent: %s\r\n", t.x.UA)
	fmt.Fprintf(&req, "Accept: */*\r\n")
	for _, h := range t.x.Headers {
		fmt.Fprintf(&req, "%s\r\n", h)
	}
	if t.x.Body != "" {
		fmt.Fprintf(&req, "Content-Length: %d\r\nContent-Type: application/x-www-form-urlencoded\r\n", len(t.x.Body))
	}
	req.WriteString("\r\n")
	if t.verbose != nil {
		printLines(t.verbose, "> ", strings.TrimSuffix(req.String(), "\r\n"))
	}
	req.WriteString(t.x.Body)
	if _, err := conn.Write(req.Bytes()); err != nil {
		return &Error{55, "Failed sending data to the peer"}
	}
	return nil
}

// receive reads the response; its header bytes are kept to print them
// as received.
func (t *transfer) receive(conn net.Conn, dst netip.AddrPort) (*Result, error) {
	rec := &headRecorder{r: conn}
	hreq, _ := http.NewRequest(t.x.Method, t.x.URL.String(), nil)
	resp, err := http.ReadResponse(bufio.NewReader(rec), hreq)
	if err != nil {
		switch {
		case t.timedOut.Load():
			return nil, &Error{28, fmt.Sprintf("Operation timed out after %d milliseconds with 0 bytes received", t.elapsedMs())}
		case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
			return nil, &Error{52, "Empty reply from server"}
		}
		return nil, &Error{56, "Recv failure: Connection reset by peer"}
	}
	head := rec.head()
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil && t.timedOut.Load() {
		return nil, &Error{28, fmt.Sprintf("Operation timed out after %d milliseconds with %d bytes received", t.elapsedMs(), len(body))}
	}
	if t.verbose != nil {
		printLines(t.verbose, "< ", strings.TrimSuffix(string(head), "\r\n"))
		fmt.Fprintf(t.verbose, "* Connection #0 to host %s left intact\n", t.x.URL.Hostname())
	}
	return &Result{Remote: dst, Resp: resp, RawHead: head, Body: body, Elapsed: t.clock.NowMonotonic().Sub(t.start)}, nil
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
