// Package getopt walks a command line of single-letter options as glibc's
// getopt does, over a table of options: letters combine (-qn), a value is
// the rest of its argument or the next one (-c3, -c 3), options and
// operands mix in any order, and the walk's own errors are in getopt's
// words ("ping: invalid option -- 'x'"). A tool's options are one table
// row each; what an option means is the row's Apply.
package getopt

import (
	"fmt"
	"strings"
)

// Option is one row of a tool's table of options; R is the tool's request.
type Option[R any] struct {
	Letter byte
	// Arg is set when the option takes a value.
	Arg bool
	// Apply records the option in the request; val is "" when !Arg. nil
	// accepts the option and ignores it.
	Apply func(r *R, val string) error
}

// Parser is a tool's command line grammar.
type Parser[R any] struct {
	// Prog names the tool in the errors.
	Prog    string
	Options []Option[R]
	// Operand takes an argument that is not an option ("-" is one).
	Operand func(r *R, arg string) error
	// Long, when set, takes an argument that starts with "--" (and is not
	// "--" itself); without it such an argument is letters like any other
	// ("--count": an invalid option '-').
	Long func(r *R, arg string) error
}

// Error is an option the walk refused: a letter the table does not have,
// or an option whose value is missing.
type Error struct {
	// Prog is the tool's name.
	Prog string
	// Letter is the option's letter.
	Letter byte
	// Missing is set when the option is known but its value is missing.
	Missing bool
}

func (e *Error) Error() string {
	// The letter is written as a byte, as getopt does.
	if e.Missing {
		return fmt.Sprintf("%s: option requires an argument -- '%s'", e.Prog, []byte{e.Letter})
	}
	return fmt.Sprintf("%s: invalid option -- '%s'", e.Prog, []byte{e.Letter})
}

// Parse walks args (without the command name) into r, in order. It stops
// at the first error: an *Error, or what an Apply, Operand or Long
// returned.
func (p *Parser[R]) Parse(r *R, args []string) error {
	for i := 0; i < len(args); i++ {
		a := args[i]
		var err error
		switch {
		case !strings.HasPrefix(a, "-") || a == "-":
			err = p.Operand(r, a)
		case p.Long != nil && strings.HasPrefix(a, "--") && a != "--":
			err = p.Long(r, a)
		default:
			var used int
			used, err = p.letters(r, a, args[i+1:])
			i += used
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// letters applies the options of one argument a ("-qc3"); the value of
// its last option may be the next argument, the first of rest. It returns
// how many of rest it used.
func (p *Parser[R]) letters(r *R, a string, rest []string) (int, error) {
	for j := 1; j < len(a); j++ {
		o, ok := p.lookup(a[j])
		if !ok {
			return 0, &Error{Prog: p.Prog, Letter: a[j]}
		}
		if !o.Arg {
			if err := o.apply(r, ""); err != nil {
				return 0, err
			}
			continue
		}
		if j+1 < len(a) {
			return 0, o.apply(r, a[j+1:])
		}
		if len(rest) == 0 {
			return 0, &Error{Prog: p.Prog, Letter: a[j], Missing: true}
		}
		return 1, o.apply(r, rest[0])
	}
	return 0, nil
}

func (p *Parser[R]) lookup(letter byte) (Option[R], bool) {
	for _, o := range p.Options {
		if o.Letter == letter {
			return o, true
		}
	}
	return Option[R]{}, false
}

func (o Option[R]) apply(r *R, val string) error {
	if o.Apply == nil {
		return nil
	}
	return o.Apply(r, val)
}
