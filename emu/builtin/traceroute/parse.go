package traceroute

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Request is a traceroute command line.
type Request struct {
	// Numeric is -n: no names.
	Numeric bool
	// ICMP is -I: echo requests instead of UDP.
	ICMP bool
	// TCP is -T: SYNs to Port (80) instead of UDP.
	TCP bool
	// First and Max are -f and -m: the TTLs of the first and last hops.
	First, Max int
	// Queries is -q: probes per hop.
	Queries int
	// Wait is -w's MAX: how long a probe is waited for.
	Wait time.Duration
	// Port is -p: the first UDP destination port (33434), the TCP port
	// (80), or the ICMP sequence's start.
	Port int
	// Host is the destination as typed.
	Host string
	// PacketLen is the probes' whole IP packet length (60).
	PacketLen int
}

// option is one of traceroute's options: its letter, whether it takes a
// value, and what it sets.
type option struct {
	letter byte
	arg    bool
	apply  func(r *Request, v string) bool
}

func intOpt(field func(*Request) *int) func(*Request, string) bool {
	return func(r *Request, v string) bool {
		n, err := strconv.Atoi(v)
		*field(r) = n
		return err == nil
	}
}

var options = []option{
	{'n', false, func(r *Request, _ string) bool { r.Numeric = true; return true }},
	{'I', false, func(r *Request, _ string) bool { r.ICMP, r.TCP = true, false; return true }},
	{'T', false, func(r *Request, _ string) bool { r.ICMP, r.TCP = false, true; return true }},
	{'U', false, func(r *Request, _ string) bool { r.ICMP, r.TCP = false, false; return true }},
	{'4', false, func(*Request, string) bool { return true }},
	{'f', true, intOpt(func(r *Request) *int { return &r.First })},
	{'m', true, intOpt(func(r *Request) *int { return &r.Max })},
	{'q', true, intOpt(func(r *Request) *int { return &r.Queries })},
	{'p', true, intOpt(func(r *Request) *int { return &r.Port })},
	{'N', true, func(_ *Request, v string) bool { _, err := strconv.Atoi(v); return err == nil }},
	{'w', true, parseWait},
}

// unemulated are traceroute's other options, refused by name.
const unemulated = "6dFreADVgistlzs"

// parseWait reads -w MAX[,HERE,NEAR]: nsemu waits MAX for every probe.
func parseWait(r *Request, v string) bool {
	f, err := strconv.ParseFloat(strings.Split(v, ",")[0], 64)
	if err != nil || f < 0 {
		return false
	}
	r.Wait = time.Duration(f * float64(time.Second))
	return true
}

// Parse turns traceroute's arguments (without the command name) into a
// Request. Its errors are traceroute's, exit status 2.
func Parse(args []string) (Request, error) {
	r := Request{First: 1, Max: 30, Queries: 3, Wait: 5 * time.Second, Port: -1, PacketLen: 60}
	var operands []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") || a == "-" {
			operands = append(operands, a)
			continue
		}
		used, err := r.letters(a, args[i+1:], i+1)
		if err != nil {
			return Request{}, err
		}
		i += used
	}
	return r, r.finish(operands)
}

// letters applies one argument's options ("-nI", "-m5", "-m 5"); argc is
// its position, which traceroute's errors name.
func (r *Request) letters(a string, rest []string, argc int) (int, error) {
	for j := 1; j < len(a); j++ {
		o, ok := lookup(a[j])
		if !ok {
			if strings.IndexByte(unemulated, a[j]) >= 0 {
				return 0, fmt.Errorf("nsemu: traceroute -%c: not emulated", a[j])
			}
			return 0, fmt.Errorf("Bad option `%s' (argc %d)", a, argc)
		}
		if !o.arg {
			o.apply(r, "")
			continue
		}
		v, used := a[j+1:], 0
		if v == "" {
			if len(rest) == 0 {
				return 0, fmt.Errorf("Option `-%c' (argc %d) requires an argument: `-%c %s'", a[j], argc, a[j], argName[a[j]])
			}
			v, used = rest[0], 1
		}
		if !o.apply(r, v) {
			return 0, fmt.Errorf("Cannot handle `-%c' option with arg `%s' (argc %d)", a[j], v, argc+used)
		}
		return used, nil
	}
	return 0, nil
}

var argName = map[byte]string{'f': "first_ttl", 'm': "max_ttl", 'q': "nqueries", 'p': "port", 'N': "squeries", 'w': "MAX,HERE,NEAR"}

func lookup(letter byte) (option, bool) {
	for _, o := range options {
		if o.letter == letter {
			return o, true
		}
	}
	return option{}, false
}

// finish checks the operands and the ranges, as traceroute does after
// its options.
func (r *Request) finish(operands []string) error {
	switch {
	case len(operands) == 0:
		return errUsage
	case len(operands) > 2:
		return fmt.Errorf("Extra arg `%s' (position 3, argc %d)", operands[2], 3)
	}
	r.Host = operands[0]
	if len(operands) == 2 {
		n, err := strconv.Atoi(operands[1])
		if err != nil {
			return fmt.Errorf("Cannot handle \"packetlen\" cmdline arg `%s' on position 2 (argc 2)", operands[1])
		}
		r.PacketLen = n
	}
	switch {
	case r.Max > 255:
		return fmt.Errorf("max hops cannot be more than 255")
	case r.First < 1 || r.First > r.Max:
		return fmt.Errorf("first hop out of range")
	case r.Queries < 1 || r.Queries > 10:
		return fmt.Errorf("no more than 10 probes per hop")
	case r.TCP:
		// The tcp method sends 60-byte SYNs whatever the length asked.
		r.PacketLen = 60
	case r.PacketLen < 28 || r.PacketLen > 65000:
		return fmt.Errorf("nsemu: traceroute: packetlen %d: only 28 to 65000 are emulated", r.PacketLen)
	}
	return nil
}

// errUsage stands for traceroute's usage text, which it prints (on
// standard output, status 0... as 2.1.2 does) without a host.
var errUsage = fmt.Errorf("usage")
