package tcpdump

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/nsemu/nsemu/capture"
	"github.com/nsemu/nsemu/emu/builtin/internal/getopt"
)

// Request is a tcpdump command line.
type Request struct {
	// Dev is -i: a device, "any", or "" for the first device that is up
	// and not loopback.
	Dev string
	// Ether is -e: print the link-level header.
	Ether bool
	// Count is -c, the frames to capture; -1 when not given.
	Count int
	// Write is -w, the pcapng file to write instead of printing.
	Write string
	// Read is -r, the capture file to print instead of capturing.
	Read string
	// Quiet is -q and Verbose -v.
	Quiet, Verbose bool
	// Expr is the filter expression as given, Filter it compiled.
	Expr   string
	Filter *capture.Filter
}

// cmdline is a Request while its arguments are walked.
type cmdline struct {
	Request
	expr []string
}

func set(field func(*cmdline) *string) func(*cmdline, string) error {
	return func(c *cmdline, v string) error { *field(c) = v; return nil }
}

func flag(field func(*cmdline) *bool) func(*cmdline, string) error {
	return func(c *cmdline, _ string) error { *field(c) = true; return nil }
}

// parser is tcpdump's grammar; the operands are the filter expression.
var parser = getopt.Parser[cmdline]{
	Prog: "tcpdump",
	Options: []getopt.Option[cmdline]{
		{Letter: 'e', Apply: flag(func(c *cmdline) *bool { return &c.Ether })},
		{Letter: 'q', Apply: flag(func(c *cmdline) *bool { return &c.Quiet })},
		{Letter: 'v', Apply: flag(func(c *cmdline) *bool { return &c.Verbose })},
		// Numeric, line-buffered, not promiscuous, packet-buffered,
		// no domain, no timestamp: accepted, and what nsemu does anyway
		// (but -t: the timestamps are printed).
		{Letter: 'n'}, {Letter: 'l'}, {Letter: 'p'}, {Letter: 'U'}, {Letter: 'N'}, {Letter: 't'},
		{Letter: 'i', Arg: true, Apply: set(func(c *cmdline) *string { return &c.Dev })},
		{Letter: 'w', Arg: true, Apply: set(func(c *cmdline) *string { return &c.Write })},
		{Letter: 'r', Arg: true, Apply: set(func(c *cmdline) *string { return &c.Read })},
		{Letter: 'c', Arg: true, Apply: func(c *cmdline, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n <= 0 {
				return fmt.Errorf("tcpdump: invalid packet count %s", v)
			}
			c.Count = n
			return nil
		}},
		{Letter: 's', Arg: true, Apply: func(_ *cmdline, v string) error {
			if _, err := strconv.Atoi(v); err != nil {
				return fmt.Errorf("tcpdump: invalid snaplen %s", v)
			}
			return nil // every frame is whole
		}},
	},
	Operand: func(c *cmdline, a string) error { c.expr = append(c.expr, a); return nil },
}

// Parse turns tcpdump's arguments (without the command name) into a
// Request, its filter compiled.
func Parse(args []string) (Request, error) {
	c := cmdline{Request: Request{Count: -1}}
	if err := parser.Parse(&c, args); err != nil {
		return c.Request, err
	}
	r := c.Request
	r.Expr = strings.Join(c.expr, " ")
	flt, err := capture.Compile(r.Expr)
	if err != nil {
		return r, fmt.Errorf("tcpdump: %v", err)
	}
	r.Filter = flt
	return r, nil
}
