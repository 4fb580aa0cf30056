package tracepath

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/nsemu/nsemu/emu/builtin/internal/getopt"
)

// Request is a tracepath command line.
type Request struct {
	// Numeric is -n: addresses, no names.
	Numeric bool
	// Both is -b: the name and the address.
	Both bool
	// Len is -l, the probes' whole packet length before any PMTU is
	// learnt; 0 for 65535.
	Len int
	// Max is -m, the last TTL (30).
	Max int
	// Port is -p (or HOST/PORT), the first destination port; 0 for 44444.
	Port int
	// Version is -V.
	Version bool
	// Host is the destination as typed (without a /PORT).
	Host string
	// family is -4 or -6's.
	family byte
	// operands counts the arguments that are not options.
	operands int
}

// UsageError stands for tracepath's usage text (standard error, status
// 255); Msg, when set, is getopt's complaint that comes first.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string {
	if e.Msg != "" {
		return e.Msg
	}
	return "usage"
}

// ExitError is a refusal with its own status.
type ExitError struct {
	Status int
	Msg    string
}

func (e *ExitError) Error() string { return e.Msg }

// number is an option taking an integer in [lo, hi], read as iputils'
// strtol_or_err reads it (status 1).
func number(field func(*Request) *int, lo, hi int64) func(*Request, string) error {
	return func(r *Request, v string) error {
		n, err := strtol(v, lo, hi)
		*field(r) = int(n)
		return err
	}
}

// family is -4 or -6: only one of them.
func family(f byte) func(*Request, string) error {
	return func(r *Request, _ string) error {
		if r.family != 0 && r.family != f {
			return &ExitError{Status: 2, Msg: "tracepath: Only one -4 or -6 option may be specified"}
		}
		r.family = f
		return nil
	}
}

// errVersion stops the walk at -V.
var errVersion = errors.New("-V")

// parser is tracepath's grammar (getopt "46nbh?l:m:p:V"). -l's lower
// bound is 0 when it is read (the overhead is known later).
var parser = getopt.Parser[Request]{
	Prog: "tracepath",
	Options: []getopt.Option[Request]{
		{Letter: '4', Apply: family('4')},
		{Letter: '6', Apply: family('6')},
		{Letter: 'n', Apply: func(r *Request, _ string) error { r.Numeric = true; return nil }},
		{Letter: 'b', Apply: func(r *Request, _ string) error { r.Both = true; return nil }},
		{Letter: 'l', Arg: true, Apply: number(func(r *Request) *int { return &r.Len }, 0, math.MaxInt32)},
		{Letter: 'm', Arg: true, Apply: number(func(r *Request) *int { return &r.Max }, 0, 255)},
		{Letter: 'p', Arg: true, Apply: number(func(r *Request) *int { return &r.Port }, 0, math.MaxUint16)},
		{Letter: 'V', Apply: func(*Request, string) error { return errVersion }},
		{Letter: 'h', Apply: func(*Request, string) error { return &UsageError{} }},
		{Letter: '?', Apply: func(*Request, string) error { return &UsageError{} }},
	},
	Operand: func(r *Request, a string) error {
		r.operands++
		r.Host = a
		return nil
	},
}

// Parse turns tracepath's arguments (without the command name) into a
// Request. Its errors: *UsageError (status 255), *ExitError.
func Parse(args []string) (Request, error) {
	r := Request{Max: 30}
	err := parser.Parse(&r, args)
	var ge *getopt.Error
	switch {
	case errors.Is(err, errVersion):
		return Request{Version: true}, nil
	case errors.As(err, &ge):
		return Request{}, &UsageError{Msg: ge.Error()}
	case err != nil:
		return Request{}, err
	case r.operands != 1:
		return Request{}, &UsageError{}
	case r.family == '6':
		return Request{}, &ExitError{Status: 2, Msg: "nsemu: tracepath -6: not emulated (nsemu has no IPv6)"}
	}
	r.operands, r.family = 0, 0
	return r, r.hostPort()
}

// hostPort splits the older HOST/PORT form when -p is not given.
func (r *Request) hostPort() error {
	host, port, ok := strings.Cut(r.Host, "/")
	if r.Port != 0 || !ok {
		return nil
	}
	n, err := strtol(port, 0, math.MaxUint16)
	if err != nil {
		return err
	}
	r.Host, r.Port = host, int(n)
	return nil
}

// strtol reads a decimal integer in [lo, hi] as strtol_or_err does.
func strtol(v string, lo, hi int64) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimLeft(v, " \t\n\v\f\r"), 10, 64)
	switch {
	case errors.Is(err, strconv.ErrRange):
		return 0, &ExitError{Status: 1, Msg: fmt.Sprintf("tracepath: invalid argument: '%s': Numerical result out of range", v)}
	case err != nil:
		return 0, &ExitError{Status: 1, Msg: fmt.Sprintf("tracepath: invalid argument: '%s'", v)}
	case n < lo || n > hi:
		return 0, &ExitError{Status: 1, Msg: fmt.Sprintf("tracepath: invalid argument: '%s': out of range: %d <= value <= %d", v, lo, hi)}
	}
	return n, nil
}
