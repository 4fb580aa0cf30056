// Package opts parses command lines the way GNU getopt_long does, for the
// text tools: short options in clusters (-ivn), an argument attached (-n5)
// or next (-n 5), long options with a unique prefix (--coun for --count)
// and "=" (--max-count=2), operands mixed with options unless "--" ends
// them or the tool asks for options first (xargs), and getopt's own error
// words ("invalid option -- 'k'"). A tool describes its options as a
// table of Opt rows; the parser walks it in one loop.
package opts

import (
	"fmt"
	"strings"
)

// Kind says whether an option takes an argument.
type Kind int

// The kinds of option.
const (
	None     Kind = iota // -v
	Required             // -n NUM, -nNUM, --lines=NUM, --lines NUM
	Optional             // -iSUFFIX, --in-place[=SUFFIX]: attached only
)

// Opt is one option of a tool.
type Opt struct {
	Short byte   // the letter, or 0
	Long  string // the long name without "--", or ""
	Arg   Kind
	// Do applies the option; arg is "" for None (and for an Optional
	// option given without one). An error it returns ends the parse as is
	// (the tool's own words: "invalid number of lines: 'x'").
	Do func(arg string) error
}

// Set is a tool's options.
type Set struct {
	Prog string // the name errors start with: "grep"
	Opts []Opt
	// Number, if set, takes the digits of -NUM (grep -5, head -3): each
	// run of digits in a cluster, as getopt sees them one by one.
	Number func(digits string) error
	// InOrder stops at the first operand (xargs: what follows is the
	// command's own arguments).
	InOrder bool
}

// Error is a usage error in getopt's words, without the "Try ... --help"
// line the tool adds.
type Error struct{ Msg string }

func (e *Error) Error() string { return e.Msg }

func (s *Set) errorf(format string, a ...any) error {
	return &Error{Msg: s.Prog + ": " + fmt.Sprintf(format, a...)}
}

// Parse applies the options in args (without the command name) and
// returns the operands in order.
func (s *Set) Parse(args []string) ([]string, error) {
	var operands []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return append(operands, args[i+1:]...), nil
		case strings.HasPrefix(a, "--"):
			used, err := s.long(a[2:], args[i+1:])
			if err != nil {
				return nil, err
			}
			i += used
		case len(a) > 1 && a[0] == '-':
			used, err := s.cluster(a[1:], args[i+1:])
			if err != nil {
				return nil, err
			}
			i += used
		case s.InOrder:
			return append(operands, args[i:]...), nil
		default:
			operands = append(operands, a)
		}
	}
	return operands, nil
}

// cluster applies the short options of one argument ("ivn", "n5", "5")
// and returns how many of the following arguments it used.
func (s *Set) cluster(c string, rest []string) (int, error) {
	for j := 0; j < len(c); j++ {
		if isDigit(c[j]) && s.Number != nil {
			k := j
			for k < len(c) && isDigit(c[k]) {
				k++
			}
			if err := s.Number(c[j:k]); err != nil {
				return 0, err
			}
			j = k - 1
			continue
		}
		o := s.short(c[j])
		if o == nil {
			return 0, s.errorf("invalid option -- '%c'", c[j])
		}
		switch {
		case o.Arg == None:
			if err := o.Do(""); err != nil {
				return 0, err
			}
		case j+1 < len(c) || o.Arg == Optional:
			return 0, o.Do(c[j+1:])
		case len(rest) == 0:
			return 0, s.errorf("option requires an argument -- '%c'", c[j])
		default:
			return 1, o.Do(rest[0])
		}
	}
	return 0, nil
}

func (s *Set) short(b byte) *Opt {
	for i := range s.Opts {
		if s.Opts[i].Short == b && b != 0 {
			return &s.Opts[i]
		}
	}
	return nil
}

// long applies "--name[=value]" and returns how many of the following
// arguments it used.
func (s *Set) long(a string, rest []string) (int, error) {
	name, val, hasVal := strings.Cut(a, "=")
	o, err := s.lookupLong(name)
	if err != nil {
		return 0, err
	}
	switch {
	case o.Arg == None && hasVal:
		return 0, s.errorf("option '--%s' doesn't allow an argument", o.Long)
	case o.Arg == None || o.Arg == Optional || hasVal:
		return 0, o.Do(val)
	case len(rest) == 0:
		return 0, s.errorf("option '--%s' requires an argument", o.Long)
	default:
		return 1, o.Do(rest[0])
	}
}

// lookupLong finds a long option by its name or a unique prefix of it.
func (s *Set) lookupLong(name string) (*Opt, error) {
	var found []*Opt
	for i := range s.Opts {
		o := &s.Opts[i]
		switch {
		case o.Long == "":
		case o.Long == name:
			return o, nil
		case strings.HasPrefix(o.Long, name):
			found = append(found, o)
		}
	}
	switch {
	case len(found) == 0 || name == "":
		return nil, s.errorf("unrecognized option '--%s'", name)
	case len(found) > 1 && !sameOption(found):
		var b strings.Builder
		for _, o := range found {
			fmt.Fprintf(&b, " '--%s'", o.Long)
		}
		return nil, s.errorf("option '--%s' is ambiguous; possibilities:%s", name, b.String())
	}
	return found[0], nil
}

// sameOption reports whether the candidates are spellings of one option
// (the same letter), which getopt does not count as ambiguous.
func sameOption(os []*Opt) bool {
	for _, o := range os[1:] {
		if o.Short == 0 || o.Short != os[0].Short || o.Arg != os[0].Arg {
			return false
		}
	}
	return true
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }
