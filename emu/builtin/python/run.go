package python

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"sync"

	"github.com/nsemu/nsemu/emu/shell"
	"github.com/nsemu/nsemu/stack"
)

// run is python3: parse, listen, print the startup line, serve until
// interrupted.
func run(c *shell.Cmd) int {
	r, err := Parse(c.Args[1:])
	var ae *argError
	var nm *noModule
	switch {
	case errors.Is(err, errNotEmulated):
		return c.Fail(1, "nsemu: %s %s: not emulated (only %s -m http.server is)", c.Args[0], strings.Join(c.Args[1:], " "), c.Args[0])
	case errors.As(err, &ae), errors.Is(err, errNoModuleArg):
		return c.Exit(&shell.ExitError{Status: 2, Msg: err.Error()})
	case errors.As(err, &nm):
		return c.Exit(err)
	case err != nil:
		return c.Exit(err)
	}
	l, err := listen(c, r)
	if err != nil {
		return c.Exit(err)
	}
	defer l.Close()
	host := "0.0.0.0"
	if r.Bind != "" {
		host = r.Bind
	}
	port := l.Addr().(*net.TCPAddr).Port
	fmt.Fprintf(c.Stdout, "Serving HTTP on %s port %d (http://%s:%d/) ...\n", host, port, host, port)
	srv := &server{c: c, root: c.Path(orDot(r.Dir))}
	serveUntilDone(c.Ctx, l, srv.handle)
	// Only a signal ends the server. nsemu's kill and Ctrl-C both cancel
	// the command; it ends as SIGTERM (kill %1, the usual way in a
	// script) leaves Python: silently, killed. (Python answers Ctrl-C
	// with "Keyboard interrupt received, exiting." and status 0.)
	return 143
}

func orDot(dir string) string {
	if dir == "" {
		return "."
	}
	return dir
}

// listen binds the server's socket; a failure is Python's traceback.
func listen(c *shell.Cmd, r Request) (net.Listener, error) {
	addr := netip.IPv4Unspecified()
	if r.Bind != "" {
		a, err := netip.ParseAddr(r.Bind)
		if err != nil || !a.Is4() {
			return nil, fmt.Errorf("nsemu: python3 -m http.server --bind %s: only IPv4 addresses are emulated", r.Bind)
		}
		addr = a
	}
	l, err := c.NS.ListenTCP(netip.AddrPortFrom(addr, r.Port), c.Owns("python3", 3), stack.Backlog(5))
	if err != nil {
		errno := "[Errno 99] Cannot assign requested address"
		if strings.Contains(err.Error(), "in use") {
			errno = "[Errno 98] Address already in use"
		}
		return nil, errors.New(bindTraceback + "OSError: " + errno)
	}
	return l, nil
}

// bindTraceback is what Python 3.11.2 prints when http.server cannot bind.
const bindTraceback = `Traceback (most recent call last):
  File "<frozen runpy>", line 198, in _run_module_as_main
  File "<frozen runpy>", line 88, in _run_code
  File "/usr/lib/python3.11/http/server.py", line 1309, in <module>
    test(
  File "/usr/lib/python3.11/http/server.py", line 1256, in test
    with ServerClass(addr, HandlerClass) as httpd:
         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3.11/socketserver.py", line 456, in __init__
    self.server_bind()
  File "/usr/lib/python3.11/http/server.py", line 1303, in server_bind
    return super().server_bind()
           ^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3.11/http/server.py", line 136, in server_bind
    socketserver.TCPServer.server_bind(self)
  File "/usr/lib/python3.11/socketserver.py", line 472, in server_bind
    self.socket.bind(self.server_address)
`

// serveUntilDone accepts connections and handles each on a goroutine of
// its own (ThreadingHTTPServer) until ctx ends, then waits for them.
func serveUntilDone(ctx context.Context, l net.Listener, handle func(net.Conn)) {
	go func() {
		<-ctx.Done()
		l.Close()
	}()
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		conn, err := l.Accept()
		if err != nil {
			return
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer conn.Close()
			// Ctrl-C ends a request still being read, as the process's
			// exit would.
			stop := context.AfterFunc(ctx, func() { conn.Close() })
			defer stop()
			handle(conn)
		}()
	}
}
