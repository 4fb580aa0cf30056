package ping

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/nsemu/nsemu/emu/builtin/internal/getopt"
	"github.com/nsemu/nsemu/emu/shell"
)

// Request is a ping command line.
type Request struct {
	// Count is -c; -1 when not given (until -w, Ctrl-C, or 4 in a script).
	Count int
	// Interval is -i, between probes.
	Interval time.Duration
	// Timeout is -W, how long to wait for the last probe's answer.
	Timeout time.Duration
	// Deadline is -w, when ping stops whatever the count; 0 for none.
	Deadline time.Duration
	// Size is -s, the data bytes of a probe.
	Size int
	// TTL is -t; 0 for the stack's default.
	TTL int
	// PMTU is -M: "do", "dont", "want" or "probe"; "" when not given.
	PMTU string
	// Dev is -I, the device the probes leave by.
	Dev string
	// Quiet is -q: only the first line and the statistics.
	Quiet bool
	// Dst is the destination as given: an address or a name.
	Dst string
}

// parser is ping's grammar: its options, as iputils spells their errors,
// and the destination.
var parser = getopt.Parser[Request]{
	Prog: "ping",
	Options: []getopt.Option[Request]{
		{Letter: 'c', Arg: true, Apply: func(r *Request, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n <= 0 {
				return fmt.Errorf("ping: invalid argument: '%s': out of range: 1 <= value <= 9223372036854775807", v)
			}
			r.Count = n
			return nil
		}},
		{Letter: 'i', Arg: true, Apply: seconds(func(r *Request) *time.Duration { return &r.Interval }, "bad timing interval")},
		{Letter: 'W', Arg: true, Apply: seconds(func(r *Request) *time.Duration { return &r.Timeout }, "bad linger time")},
		{Letter: 'w', Arg: true, Apply: seconds(func(r *Request) *time.Duration { return &r.Deadline }, "bad wait time")},
		{Letter: 's', Arg: true, Apply: func(r *Request, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > 65507 {
				return fmt.Errorf("ping: invalid argument: '%s': out of range: 0 <= value <= 65507", v)
			}
			r.Size = n
			return nil
		}},
		{Letter: 't', Arg: true, Apply: func(r *Request, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 255 {
				return fmt.Errorf("ping: invalid argument: '%s': out of range: 1 <= value <= 255", v)
			}
			r.TTL = n
			return nil
		}},
		{Letter: 'M', Arg: true, Apply: func(r *Request, v string) error {
			if v != "do" && v != "dont" && v != "want" && v != "probe" {
				return fmt.Errorf("ping: invalid -M argument: %s", v)
			}
			r.PMTU = v
			return nil
		}},
		{Letter: 'I', Arg: true, Apply: func(r *Request, v string) error { r.Dev = v; return nil }},
		{Letter: 'q', Apply: func(r *Request, _ string) error { r.Quiet = true; return nil }},
		{Letter: 'n'}, // numeric output: always
		{Letter: '4'}, // IPv4: always
	},
	Operand: func(r *Request, a string) error {
		if r.Dst != "" {
			return fmt.Errorf("ping: usage error: only one destination, got %q and %q", r.Dst, a)
		}
		r.Dst = a
		return nil
	},
}

// seconds is an option taking a duration in seconds, stored in the field
// that field returns.
func seconds(field func(*Request) *time.Duration, bad string) func(*Request, string) error {
	return func(r *Request, v string) error {
		d, err := shell.ParseSeconds(v)
		if err != nil {
			return fmt.Errorf("ping: %s: %s", bad, v)
		}
		*field(r) = d
		return nil
	}
}

// Parse turns ping's arguments (without the command name) into a Request.
func Parse(args []string) (Request, error) {
	r := Request{Count: -1, Interval: time.Second, Timeout: 10 * time.Second, Size: 56}
	if err := parser.Parse(&r, args); err != nil {
		return r, err
	}
	if r.Dst == "" {
		return r, errors.New("ping: usage error: Destination address required")
	}
	return r, nil
}
