package curl

import (
	"errors"
	"fmt"
	"io"

	"github.com/nsemu/nsemu/emu/shell"
)

// runCurl is curl: parse, fetch (following redirects with -L), print.
func runCurl(c *shell.Cmd) int {
	r, err := Parse(c.Args[1:])
	if err != nil {
		return r.exit(c, err)
	}
	res, err := r.follow(c)
	if err == nil && r.Fail && res.Resp.StatusCode >= 400 {
		err = &Error{22, fmt.Sprintf("The requested URL returned error: %d", res.Resp.StatusCode)}
	}
	if err != nil {
		return r.exit(c, err)
	}
	r.print(c.Stdout, res)
	return 0
}

// maxRedirs is how many redirects -L follows, curl's default.
const maxRedirs = 50

// follow fetches the URL and, with -L, the redirects from it.
func (r *Request) follow(c *shell.Cmd) (*Result, error) {
	var verbose io.Writer
	if r.Verbose {
		verbose = c.Stderr
	}
	x := r.HTTP
	for hops := 0; ; hops++ {
		res, err := fetch(c, x, verbose)
		if err != nil {
			return nil, err
		}
		loc := res.Resp.Header.Get("Location")
		if !r.Location || loc == "" || res.Resp.StatusCode < 300 || res.Resp.StatusCode > 399 || hops == maxRedirs {
			return res, nil
		}
		next, err := x.URL.Parse(loc)
		if err != nil {
			return res, nil
		}
		if x.URL, err = ParseURL(next.String()); err != nil {
			return nil, err
		}
	}
}

// exit prints err as curl does and returns its exit code: a bad command
// line always, with code 2; a failed transfer (*Error) unless -s without
// -S.
func (r *Request) exit(c *shell.Cmd, err error) int {
	var e *Error
	if !errors.As(err, &e) {
		return c.Fail(2, "%v", err)
	}
	if e.Code == 130 {
		return 130
	}
	if !r.Silent || r.ShowError {
		fmt.Fprintf(c.Stderr, "curl: (%d) %s\n", e.Code, e.Msg)
	}
	return e.Code
}

// runWget is busybox wget: parse, fetch, print. Its failures are exit
// status 1.
func runWget(c *shell.Cmd) int {
	r, err := ParseWget(c.Args[1:])
	if err != nil {
		return c.Fail(1, "%v", err)
	}
	if !r.Quiet {
		fmt.Fprintf(c.Stderr, "Connecting to %s (%s)\n", r.HTTP.URL.Host, r.HTTP.URL.Host)
	}
	res, err := fetch(c, r.HTTP, nil)
	if err != nil {
		return c.Exit(r.fetchError(err))
	}
	if r.ServerResponse {
		printServerResponse(c.Stderr, res)
	}
	if res.Resp.StatusCode >= 400 {
		return c.Fail(1, "wget: server returned error: %s %s", res.Resp.Proto, res.Resp.Status)
	}
	r.print(c, res)
	return 0
}

// fetchError is a failed transfer in wget's words.
func (r *WgetRequest) fetchError(err error) error {
	var e *Error
	errors.As(err, &e)
	host := r.HTTP.URL.Hostname()
	switch e.Code {
	case 6:
		return fmt.Errorf("wget: bad address '%s'", host)
	case 7:
		return fmt.Errorf("wget: can't connect to remote host (%s): Connection refused", host)
	case 28:
		return fmt.Errorf("wget: download timed out")
	}
	return fmt.Errorf("wget: %s", e.Msg)
}
