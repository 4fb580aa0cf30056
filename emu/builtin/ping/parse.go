package ping

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

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

// option is one of ping's single-letter options.
type option struct {
	name  byte
	arg   bool // takes a value: -c3 or -c 3
	apply func(r *Request, val string) error
}

// options are ping's options, as iputils spells its errors.
var options = []option{
	{'c', true, func(r *Request, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return fmt.Errorf("ping: invalid argument: '%s': out of range: 1 <= value <= 9223372036854775807", v)
		}
		r.Count = n
		return nil
	}},
	{'i', true, seconds(func(r *Request) *time.Duration { return &r.Interval }, "bad timing interval")},
	{'W', true, seconds(func(r *Request) *time.Duration { return &r.Timeout }, "bad linger time")},
	{'w', true, seconds(func(r *Request) *time.Duration { return &r.Deadline }, "bad wait time")},
	{'s', true, func(r *Request, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 65507 {
			return fmt.Errorf("ping: invalid argument: '%s': out of range: 0 <= value <= 65507", v)
		}
		r.Size = n
		return nil
	}},
	{'t', true, func(r *Request, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 255 {
			return fmt.Errorf("ping: invalid argument: '%s': out of range: 1 <= value <= 255", v)
		}
		r.TTL = n
		return nil
	}},
	{'M', true, func(r *Request, v string) error {
		if v != "do" && v != "dont" && v != "want" && v != "probe" {
			return fmt.Errorf("ping: invalid -M argument: %s", v)
		}
		r.PMTU = v
		return nil
	}},
	{'I', true, func(r *Request, v string) error { r.Dev = v; return nil }},
	{'q', false, func(r *Request, _ string) error { r.Quiet = true; return nil }},
	{'n', false, none}, // numeric output: always
	{'4', false, none}, // IPv4: always
}

func none(*Request, string) error { return nil }

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

func lookup(name byte) (option, bool) {
	for _, o := range options {
		if o.name == name {
			return o, true
		}
	}
	return option{}, false
}

// Parse turns ping's arguments (without the command name) into a Request.
// Options combine as getopt's do (-qn, -c3, -qc 3).
func Parse(args []string) (Request, error) {
	r := Request{Count: -1, Interval: time.Second, Timeout: 10 * time.Second, Size: 56}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") || a == "-" {
			if r.Dst != "" {
				return r, fmt.Errorf("ping: usage error: only one destination, got %q and %q", r.Dst, a)
			}
			r.Dst = a
			continue
		}
		next, err := r.letters(a, args[i+1:])
		if err != nil {
			return r, err
		}
		i += next
	}
	if r.Dst == "" {
		return r, errors.New("ping: usage error: Destination address required")
	}
	return r, nil
}

// letters applies the options of one argument a ("-qc3"); an option's
// value may be the next argument, the first of rest. It returns how many
// of rest it used.
func (r *Request) letters(a string, rest []string) (int, error) {
	for j := 1; j < len(a); j++ {
		o, ok := lookup(a[j])
		if !ok {
			return 0, fmt.Errorf("ping: invalid option -- '%s'", a[j:j+1])
		}
		if !o.arg {
			if err := o.apply(r, ""); err != nil {
				return 0, err
			}
			continue
		}
		val, used := a[j+1:], 0
		if val == "" {
			if len(rest) == 0 {
				return 0, fmt.Errorf("ping: option requires an argument -- '%c'", o.name)
			}
			val, used = rest[0], 1
		}
		return used, o.apply(r, val)
	}
	return 0, nil
}
