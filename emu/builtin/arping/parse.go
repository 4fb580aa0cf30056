package arping

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/nsemu/nsemu/emu/builtin/internal/getopt"
)

// Request is an arping command line.
type Request struct {
	// Count is -c, the probes to send; -1 when not given.
	Count int
	// Timeout is -w, in seconds: when arping stops; 0 for never.
	Timeout int
	// Interval is -i, the seconds between probes (1); 0 sends one.
	Interval int
	// Dev is -I; "" to take the device the route to Target leaves by.
	Dev string
	// Source is -s as typed; "" when not given.
	Source string
	// DAD is -D: duplicate address detection, from 0.0.0.0, ending at the
	// first reply.
	DAD bool
	// Unsolicited is -U (and -A): announce Target, from Target.
	Unsolicited bool
	// Advert is -A: the announcements are ARP replies.
	Advert bool
	// Quiet is -q: nothing printed.
	Quiet bool
	// QuitOnReply is -f (and -D): stop at the first reply.
	QuitOnReply bool
	// BroadcastOnly is -b: never unicast to the MAC a reply gave.
	BroadcastOnly bool
	// Version is -V.
	Version bool
	// Target is the destination as typed.
	Target string
	// operands counts the arguments that are not options.
	operands int
}

// UsageError is a command line arping refuses by printing its usage
// (status 2); Msg, when set, is getopt's complaint that comes first.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string {
	if e.Msg != "" {
		return e.Msg
	}
	return "usage"
}

func flag(set func(r *Request)) func(*Request, string) error {
	return func(r *Request, _ string) error { set(r); return nil }
}

// number is an option taking an integer in [lo, INT_MAX], read as
// iputils' strtol_or_err reads it.
func number(field func(*Request) *int, lo int64) func(*Request, string) error {
	return func(r *Request, v string) error {
		n, err := strtol(v, lo, math.MaxInt32)
		*field(r) = int(n)
		return err
	}
}

// parser is arping's grammar (getopt "h?bfDUAqc:w:i:s:I:V").
var parser = getopt.Parser[Request]{
	Prog: "arping",
	Options: []getopt.Option[Request]{
		{Letter: 'b', Apply: flag(func(r *Request) { r.BroadcastOnly = true })},
		{Letter: 'D', Apply: flag(func(r *Request) { r.DAD, r.QuitOnReply = true, true })},
		{Letter: 'U', Apply: flag(func(r *Request) { r.Unsolicited = true })},
		{Letter: 'A', Apply: flag(func(r *Request) { r.Advert, r.Unsolicited = true, true })},
		{Letter: 'q', Apply: flag(func(r *Request) { r.Quiet = true })},
		{Letter: 'f', Apply: flag(func(r *Request) { r.QuitOnReply = true })},
		{Letter: 'V', Apply: func(r *Request, _ string) error { return errVersion }},
		{Letter: 'c', Arg: true, Apply: number(func(r *Request) *int { return &r.Count }, 1)},
		{Letter: 'w', Arg: true, Apply: number(func(r *Request) *int { return &r.Timeout }, 0)},
		{Letter: 'i', Arg: true, Apply: number(func(r *Request) *int { return &r.Interval }, 0)},
		{Letter: 'I', Arg: true, Apply: func(r *Request, v string) error { r.Dev = v; return nil }},
		{Letter: 's', Arg: true, Apply: func(r *Request, v string) error { r.Source = v; return nil }},
		{Letter: 'h', Apply: func(*Request, string) error { return &UsageError{} }},
		{Letter: '?', Apply: func(*Request, string) error { return &UsageError{} }},
	},
	Operand: func(r *Request, a string) error {
		r.operands++
		r.Target = a
		return nil
	},
}

// errVersion stops the walk at -V.
var errVersion = errors.New("-V")

// Parse turns arping's arguments (without the command name) into a
// Request. A *UsageError stands for the usage text (status 2); the other
// errors are strtol_or_err's (status 1).
func Parse(args []string) (Request, error) {
	r := Request{Count: -1, Interval: 1}
	err := parser.Parse(&r, args)
	var ge *getopt.Error
	switch {
	case errors.Is(err, errVersion):
		// arping prints its version as soon as it reads -V.
		return Request{Version: true}, nil
	case errors.As(err, &ge):
		return Request{}, &UsageError{Msg: ge.Error()}
	case err != nil:
		return Request{}, err
	case r.operands != 1:
		return Request{}, &UsageError{}
	}
	r.operands = 0
	return r, nil
}

// strtol reads a decimal integer in [lo, hi] as strtol_or_err does:
// leading blanks and a sign allowed, nothing after the digits.
func strtol(v string, lo, hi int64) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimLeft(v, " \t\n\v\f\r"), 10, 64)
	switch {
	case errors.Is(err, strconv.ErrRange):
		return 0, fmt.Errorf("arping: invalid argument: '%s': Numerical result out of range", v)
	case err != nil:
		return 0, fmt.Errorf("arping: invalid argument: '%s'", v)
	case n < lo || n > hi:
		return 0, fmt.Errorf("arping: invalid argument: '%s': out of range: %d <= value <= %d", v, lo, hi)
	}
	return n, nil
}
