package shell

import (
	"fmt"
	"strings"
)

// The docker CLI's flag parsing (cobra/pflag): --flag=value, --flag value,
// -abc (bool shorthands together), -p8080:80, -- ends the flags. Commands
// such as run and exec stop at their first argument (the image, the
// container): what follows belongs to the container's command.

type dFlag struct {
	long  string // without "--"
	short byte   // 0 for none
	value bool   // takes a value
}

type dFlags struct {
	vals map[string][]string // by long name
	args []string
}

func (f *dFlags) has(name string) bool { return len(f.vals[name]) > 0 }

func (f *dFlags) get(name string) string {
	v := f.vals[name]
	if len(v) == 0 {
		return ""
	}
	return v[len(v)-1]
}

func (f *dFlags) all(name string) []string { return f.vals[name] }

// bool reports a boolean flag (given as -d, --detach or --detach=true).
func (f *dFlags) bool(name string) bool {
	v := f.get(name)
	return v != "" && v != "false"
}

// parseDockerFlags parses args (after the subcommand). interspersed lets
// flags follow arguments.
func parseDockerFlags(args []string, spec []dFlag, interspersed bool) (*dFlags, error) {
	f := &dFlags{vals: map[string][]string{}}
	byLong := map[string]dFlag{}
	byShort := map[byte]dFlag{}
	for _, s := range spec {
		byLong[s.long] = s
		if s.short != 0 {
			byShort[s.short] = s
		}
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			f.args = append(f.args, args[i+1:]...)
			return f, nil
		case strings.HasPrefix(a, "--"):
			name, val, hasVal := strings.Cut(a[2:], "=")
			s, ok := byLong[name]
			if !ok {
				return nil, fmt.Errorf("unknown flag: --%s", name)
			}
			if s.value && !hasVal {
				if i+1 >= len(args) {
					return nil, fmt.Errorf("flag needs an argument: --%s", name)
				}
				i++
				val = args[i]
			} else if !s.value && !hasVal {
				val = "true"
			}
			f.vals[s.long] = append(f.vals[s.long], val)
		case strings.HasPrefix(a, "-") && len(a) > 1:
			for j := 1; j < len(a); j++ {
				s, ok := byShort[a[j]]
				if !ok {
					return nil, fmt.Errorf("unknown shorthand flag: '%c' in %s", a[j], a)
				}
				if !s.value {
					f.vals[s.long] = append(f.vals[s.long], "true")
					continue
				}
				val := strings.TrimPrefix(a[j+1:], "=")
				if val == "" {
					if i+1 >= len(args) {
						return nil, fmt.Errorf("flag needs an argument: '%c' in -%c", a[j], a[j])
					}
					i++
					val = args[i]
				}
				f.vals[s.long] = append(f.vals[s.long], val)
				break
			}
		default:
			if !interspersed {
				f.args = append(f.args, args[i:]...)
				return f, nil
			}
			f.args = append(f.args, a)
		}
	}
	return f, nil
}
