package nc

import (
	"errors"
	"fmt"
	"strconv"
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
		{Letter: 'N'}, // shutdown on EOF: always
		{Letter: 'q'},
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

// Parse turns nc's arguments (without the command name) into a Request.
func Parse(args []string) (Request, error) {
	var c cmdline
	if err := parser.Parse(&c, args); err != nil {
		return c.Request, err
	}
	r := c.Request
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
	if len(c.operands) != 2 {
		return r, errors.New("usage: nc [-luzv] [-w timeout] [-p port] [destination] [port]")
	}
	r.Host, r.Port = c.operands[0], c.operands[1]
	return r, nil
}

// ParsePort checks a port number, 1 to 65535.
func ParsePort(s string) (uint16, error) {
	p, err := strconv.Atoi(s)
	if err != nil || p < 1 || p > 65535 {
		return 0, fmt.Errorf("nc: port number invalid: %s", s)
	}
	return uint16(p), nil
}
