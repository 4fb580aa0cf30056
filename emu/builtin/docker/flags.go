package docker

import (
	"fmt"
	"strings"
)

// The docker CLI's flag parsing (cobra/pflag): --flag=value, --flag value,
// -abc (bool shorthands together), -p8080:80, -- ends the flags. Commands
// such as run and exec stop at their first argument (the image, the
// container): what follows belongs to the container's command.

// flagSpec is one flag of a subcommand; a subcommand's flags are a table
// of them.
type flagSpec struct {
	long  string // without "--"
	short byte   // 0 for none
	value bool   // takes a value
}

// flags is a parsed command line.
type flags struct {
	vals map[string][]string // by long name, in the order given
	args []string
}

func (f *flags) add(name, val string) { f.vals[name] = append(f.vals[name], val) }

func (f *flags) has(name string) bool { return len(f.vals[name]) > 0 }

// get returns a flag's last value, "" if not given.
func (f *flags) get(name string) string {
	v := f.vals[name]
	if len(v) == 0 {
		return ""
	}
	return v[len(v)-1]
}

func (f *flags) all(name string) []string { return f.vals[name] }

// bool reports a boolean flag (given as -d, --detach or --detach=true).
func (f *flags) bool(name string) bool {
	v := f.get(name)
	return v != "" && v != "false"
}

// flagParser walks one command line.
type flagParser struct {
	spec []flagSpec
	args []string
	i    int // the argument being read
	f    *flags
}

// parseFlags parses args (after the subcommand) against spec. interspersed
// lets flags follow arguments; otherwise the first argument ends the flags.
func parseFlags(args []string, spec []flagSpec, interspersed bool) (*flags, error) {
	p := &flagParser{spec: spec, args: args, f: &flags{vals: map[string][]string{}}}
	for ; p.i < len(args); p.i++ {
		a := args[p.i]
		var err error
		switch {
		case a == "--":
			p.f.args = append(p.f.args, args[p.i+1:]...)
			return p.f, nil
		case strings.HasPrefix(a, "--"):
			err = p.long(a[2:])
		case strings.HasPrefix(a, "-") && len(a) > 1:
			err = p.shorts(a)
		case !interspersed:
			p.f.args = append(p.f.args, args[p.i:]...)
			return p.f, nil
		default:
			p.f.args = append(p.f.args, a)
		}
		if err != nil {
			return nil, err
		}
	}
	return p.f, nil
}

// long reads --name, --name=value or --name value.
func (p *flagParser) long(arg string) error {
	name, val, hasVal := strings.Cut(arg, "=")
	s, ok := p.byLong(name)
	if !ok {
		return fmt.Errorf("unknown flag: --%s", name)
	}
	switch {
	case hasVal:
	case s.value:
		v, err := p.next(fmt.Errorf("flag needs an argument: --%s", name))
		if err != nil {
			return err
		}
		val = v
	default:
		val = "true"
	}
	p.f.add(s.long, val)
	return nil
}

// shorts reads a group of shorthands, -abc; a shorthand that takes a value
// takes the rest of the group (-p8080:80, -p=8080:80) or the next argument.
func (p *flagParser) shorts(a string) error {
	for j := 1; j < len(a); j++ {
		s, ok := p.byShort(a[j])
		if !ok {
			return fmt.Errorf("unknown shorthand flag: '%c' in %s", a[j], a)
		}
		if !s.value {
			p.f.add(s.long, "true")
			continue
		}
		val := strings.TrimPrefix(a[j+1:], "=")
		if val == "" {
			v, err := p.next(fmt.Errorf("flag needs an argument: '%c' in -%c", a[j], a[j]))
			if err != nil {
				return err
			}
			val = v
		}
		p.f.add(s.long, val)
		return nil
	}
	return nil
}

// next takes the next argument as a flag's value, or returns missing.
func (p *flagParser) next(missing error) (string, error) {
	if p.i+1 >= len(p.args) {
		return "", missing
	}
	p.i++
	return p.args[p.i], nil
}

func (p *flagParser) byLong(name string) (flagSpec, bool) {
	for _, s := range p.spec {
		if s.long == name {
			return s, true
		}
	}
	return flagSpec{}, false
}

func (p *flagParser) byShort(c byte) (flagSpec, bool) {
	for _, s := range p.spec {
		if s.short != 0 && s.short == c {
			return s, true
		}
	}
	return flagSpec{}, false
}
