package nc

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/nsemu/nsemu/emu/builtin/internal/getopt"
	"github.com/nsemu/nsemu/emu/shell"
)

// Request is an nc command line.
type Request struct {
	// Listen is -l: accept one connection instead of making one.
	Listen bool
	// UDP is -u.
	UDP bool
	// Zero is -z: only check that the port is open.
	Zero bool
	// Verbose is -v: report the connection on standard error.
	Verbose bool
	// Wait is -w, the idle timeout on wall-clock time; 0 for none.
	Wait time.Duration
	// Keep is -k: with -l, accept another connection when one ends.
	Keep bool
	// Quit is -q: after the end of standard input, quit this long after
	// (on the emulated clock) even if the peer has not closed; negative
	// (the default) waits for the peer.
	Quit time.Duration
	// CRLF is -C: send each newline of standard input as CR LF.
	CRLF bool
	// Host is the destination to connect to; "" when listening.
	Host string
	// Port is the port as given, checked by ParsePort: the destination's,
	// or the one to listen on (-p, or the last operand).
	Port string
}

// cmdline is a Request while its arguments are walked.
type cmdline struct {
	Request
	port     string // -p
	operands []string
}

func flag(field func(*cmdline) *bool) func(*cmdline, string) error {
	return func(c *cmdline, _ string) error { *field(c) = true; return nil }
}

// parser is nc's grammar.
var parser = getopt.Parser[cmdline]{
	Prog: "nc",
	Options: []getopt.Option[cmdline]{
		{Letter: 'l', Apply: flag(func(c *cmdline) *bool { return &c.Listen })},
		{Letter: 'u', Apply: flag(func(c *cmdline) *bool { return &c.UDP })},
		{Letter: 'z', Apply: flag(func(c *cmdline) *bool { return &c.Zero })},
		{Letter: 'v', Apply: flag(func(c *cmdline) *bool { return &c.Verbose })},
		{Letter: 'n'}, // numeric only: always
		{Letter: 'N'}, // shutdown on EOF: always (see README's limits)
		{Letter: 'k', Apply: flag(func(c *cmdline) *bool { return &c.Keep })},
		{Letter: 'C', Apply: flag(func(c *cmdline) *bool { return &c.CRLF })},
		{Letter: 'q', Arg: true, Apply: func(c *cmdline, v string) error {
			d, err := parseQuit(v)
			if err != nil {
				return fmt.Errorf("nc: quit timer invalid: %s", v)
			}
			c.Quit = d
			return nil
		}},
		{Letter: 'w', Arg: true, Apply: func(c *cmdline, v string) error {
			d, err := shell.ParseSeconds(v)
			if err != nil {
				return fmt.Errorf("nc: timeout invalid: %s", v)
			}
			c.Wait = d
			return nil
		}},
		{Letter: 'p', Arg: true, Apply: func(c *cmdline, v string) error { c.port = v; return nil }},
	},
	Operand: func(c *cmdline, a string) error { c.operands = append(c.operands, a); return nil },
}

// usage is what nc prints after a bad option, and for a missing
// destination.
const usage = `usage: nc [-46CDdFhklNnrStUuvZz] [-I length] [-i interval] [-M ttl]
	  [-m minttl] [-O length] [-P proxy_username] [-p source_port]
	  [-q seconds] [-s sourceaddr] [-T keyword] [-V rtable] [-W recvlimit]
	  [-w timeout] [-X proxy_protocol] [-x proxy_address[:port]]
	  [destination] [port]`

// parseQuit reads -q's seconds: an integer, as nc's strtonum does;
// negative means never.
func parseQuit(v string) (time.Duration, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < -2147483648 || n > 2147483647 {
		return 0, errors.New("invalid")
	}
	return time.Duration(n) * time.Second, nil
}

// Parse turns nc's arguments (without the command name) into a Request.
// A bad option's error is followed by the usage, as nc prints it; the
// error's first line is the cause.
func Parse(args []string) (Request, error) {
	c := cmdline{Request: Request{Quit: -1}}
	if err := parser.Parse(&c, args); err != nil {
		var ge *getopt.Error
		if errors.As(err, &ge) {
			return c.Request, &shell.ExitError{Status: 1, Msg: err.Error() + "\n" + usage, Cause: err.Error()}
		}
		return c.Request, err
	}
	r := c.Request
	if r.Keep && !r.Listen {
		return r, errors.New("nc: must use -l with -k")
	}
	if r.Listen {
		r.Port = c.port
		if r.Port == "" && len(c.operands) > 0 {
			r.Port = c.operands[len(c.operands)-1]
		}
		if r.Port == "" {
			return r, errors.New("nc: missing port number")
		}
		return r, nil
	}
	switch len(c.operands) {
	case 0:
		return r, errUsage
	case 1:
		return r, errors.New("nc: missing port number")
	case 2:
	default:
		return r, fmt.Errorf("nsemu: nc: several ports (%s): not emulated", strings.Join(c.operands[1:], " "))
	}
	r.Host, r.Port = c.operands[0], c.operands[1]
	return r, nil
}

// errUsage is nc's answer to a command line without destination or port.
var errUsage = &shell.ExitError{Status: 1, Msg: usage, Cause: "usage: nc [-46CDdFhklNnrStUuvZz] [-I length] [-i interval] [-M ttl]"}

// ParsePort checks a port number, 1 to 65535.
func ParsePort(s string) (uint16, error) {
	p, err := strconv.ParseInt(s, 10, 64)
	switch {
	case errors.Is(err, strconv.ErrRange) && !strings.HasPrefix(s, "-"), err == nil && p > 65535:
		return 0, fmt.Errorf("nc: port number too large: %s", s)
	case errors.Is(err, strconv.ErrRange), err == nil && p < 1:
		return 0, fmt.Errorf("nc: port number too small: %s", s)
	case err != nil:
		return 0, fmt.Errorf("nc: port number invalid: %s", s)
	}
	return uint16(p), nil
}
