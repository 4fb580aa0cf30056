package shell

import (
	"errors"
	"regexp"
	"strings"

	"github.com/nsemu/nsemu/emu"
)

func init() {
	Register(&Builtin{
		Name:  "sysctl",
		Usage: "sysctl [-n] [-N] [-q] [-e] [-w] KEY[=VALUE] ... | sysctl -a [-r PATTERN]",
		Help: `Reads and writes the current namespace's kernel parameters. nsemu has
net.ipv4.ip_forward (also net.ipv4.conf.{all,default}.forwarding), which turns
routing between devices on, and net.bridge.bridge-nf-call-iptables (1: frames
a bridge switches pass the namespace's iptables), -ip6tables and -arptables
(stored only). Values are integers; keys hold 0 or 1. Errors exit with
status 255, as procps-ng 3.3 does.`,
		Run: runSysctl,
	})
}

// sysctlStatus is sysctl's exit status on a failure (procps-ng 3.3
// returns -1 from main; 4.x returns 1).
const sysctlStatus = 255

const sysctlUsage = `
Usage:
 sysctl [options] [variable[=value] ...]

Options:
  -a, --all            display all variables
  -A                   alias of -a
  -X                   alias of -a
      --deprecated     include deprecated parameters to listing
      --dry-run        Print the key and values but do not write
  -b, --binary         print value without new line
  -e, --ignore         ignore unknown variables errors
  -N, --names          print variable names without values
  -n, --values         print only values of the given variable(s)
  -p, --load[=<file>]  read values from file
  -f                   alias of -p
      --system         read values from all system directories
  -r, --pattern <expression>
                       select setting that match expression
  -q, --quiet          do not echo variable set
  -w, --write          enable writing a value to variable
  -o                   does nothing
  -x                   does nothing
  -d                   alias of -h

 -h, --help     display this help and exit
 -V, --version  output version information and exit

For more details see sysctl(8).
`

type sysctlFlags struct {
	all, values, names, quiet, ignore, write, binary, dryRun, load bool
	pattern                                                        *regexp.Regexp
	loadFile                                                       string
}

// sysctlKey turns a sysctl argument (net.ipv4.ip_forward or
// net/ipv4/ip_forward) into the dotted key.
func sysctlKey(s string) string {
	if strings.Contains(s, "/") {
		return strings.ReplaceAll(strings.Trim(s, "/"), "/", ".")
	}
	return s
}

func sysctlPath(key string) string {
	return "/proc/sys/" + strings.ReplaceAll(key, ".", "/")
}

func runSysctl(c *Cmd) int {
	var f sysctlFlags
	var vars []string
	args := c.Args[1:]
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") || a == "-" {
			vars = append(vars, a)
			continue
		}
		if strings.HasPrefix(a, "--") {
			name, val, hasVal := strings.Cut(a[2:], "=")
			switch name {
			case "all":
				f.all = true
			case "values":
				f.values = true
			case "names":
				f.names = true
			case "quiet":
				f.quiet = true
			case "ignore":
				f.ignore = true
			case "write":
				f.write = true
			case "binary":
				f.binary = true
			case "dry-run":
				f.dryRun = true
			case "deprecated":
			case "load":
				f.load = true
				f.loadFile = val
			case "system":
				f.load = true
			case "pattern":
				if !hasVal {
					if i+1 >= len(args) {
						return c.Fail(sysctlStatus, "sysctl: option '--pattern' requires an argument\nTry `sysctl --help' for more information.")
					}
					i++
					val = args[i]
				}
				re, err := regexp.Compile(val)
				if err != nil {
					return c.Fail(sysctlStatus, "sysctl: unable to parse pattern: %s", val)
				}
				f.pattern = re
			case "help":
				c.Printf("%s", sysctlUsage)
				return 0
			case "version":
				c.Printf("sysctl from procps-ng 4.0.2\n")
				return 0
			default:
				return c.Fail(sysctlStatus, "sysctl: unrecognized option '%s'\nTry `sysctl --help' for more information.", a)
			}
			continue
		}
		for j := 1; j < len(a); j++ {
			switch a[j] {
			case 'a', 'A', 'X':
				f.all = true
			case 'n':
				f.values = true
			case 'N':
				f.names = true
			case 'q':
				f.quiet = true
			case 'e':
				f.ignore = true
			case 'w':
				f.write = true
			case 'b':
				f.binary = true
			case 'o', 'x':
			case 'p', 'f':
				f.load = true
				if j+1 < len(a) {
					f.loadFile = a[j+1:]
					j = len(a)
				}
			case 'r':
				val := a[j+1:]
				if val == "" {
					if i+1 >= len(args) {
						return c.Fail(sysctlStatus, "sysctl: option requires an argument -- 'r'\nTry `sysctl --help' for more information.")
					}
					i++
					val = args[i]
				}
				j = len(a)
				re, err := regexp.Compile(val)
				if err != nil {
					return c.Fail(sysctlStatus, "sysctl: unable to parse pattern: %s", val)
				}
				f.pattern = re
			case 'h', 'd':
				c.Printf("%s", sysctlUsage)
				return 0
			case 'V':
				c.Printf("sysctl from procps-ng 4.0.2\n")
				return 0
			default:
				return c.Fail(sysctlStatus, "sysctl: invalid option -- '%c'\nTry `sysctl --help' for more information.", a[j])
			}
		}
	}
	if f.load {
		// -p reads /etc/sysctl.conf, or the files named: nsemu has none,
		// and the default one missing is no error.
		files := vars
		if f.loadFile != "" {
			files = append([]string{f.loadFile}, files...)
		}
		for _, file := range files {
			if file != "/etc/sysctl.conf" {
				return c.Fail(sysctlStatus, "sysctl: cannot open \"%s\": No such file or directory", file)
			}
		}
		return 0
	}
	if f.all {
		return sysctlShow(c, f, emu.SysctlKeys())
	}
	if len(vars) == 0 {
		if len(args) == 0 {
			c.Errorf("%s", strings.TrimPrefix(sysctlUsage, "\n"))
			return 1
		}
		return c.Fail(sysctlStatus, "sysctl: no variables specified\nTry `sysctl --help' for more information.")
	}
	status := 0
	for _, v := range vars {
		if st := sysctlOne(c, f, v); st != 0 {
			status = st
		}
	}
	return status
}

// sysctlOne reads or writes one argument.
func sysctlOne(c *Cmd, f sysctlFlags, arg string) int {
	name, value, isWrite := strings.Cut(arg, "=")
	if f.write && !isWrite {
		return c.Fail(sysctlStatus, "sysctl: \"%s\" must be of the form name=value", arg)
	}
	key := sysctlKey(name)
	if key == "" || strings.ContainsAny(key, "*?[") {
		return c.Fail(sysctlStatus, "sysctl: cannot stat %s: No such file or directory", sysctlPath(key))
	}
	if !isWrite {
		if _, err := c.NS.Sysctl(key); err != nil {
			// A directory lists the keys under it.
			var under []string
			for _, k := range emu.SysctlKeys() {
				if strings.HasPrefix(k, key+".") {
					under = append(under, k)
				}
			}
			if len(under) > 0 {
				return sysctlShow(c, f, under)
			}
			if f.ignore {
				return 0
			}
			return c.Fail(sysctlStatus, "sysctl: cannot stat %s: No such file or directory", sysctlPath(key))
		}
		return sysctlShow(c, f, []string{key})
	}
	if f.dryRun {
		if _, err := c.NS.Sysctl(key); err != nil {
			return c.Fail(sysctlStatus, "sysctl: cannot stat %s: No such file or directory", sysctlPath(key))
		}
	} else if err := c.NS.SetSysctl(key, value); err != nil {
		switch {
		case errors.Is(err, emu.ErrNoSysctl):
			if f.ignore {
				return 0
			}
			return c.Fail(sysctlStatus, "sysctl: cannot stat %s: No such file or directory", sysctlPath(key))
		case errors.Is(err, emu.ErrSysctlValue):
			return c.Fail(sysctlStatus, "sysctl: setting key \"%s\": Invalid argument", key)
		default:
			return c.Fail(sysctlStatus, "sysctl: setting key \"%s\": %v", key, err)
		}
	}
	if f.quiet {
		return 0
	}
	switch {
	case f.values:
		c.Printf("%s\n", value)
	case f.names:
		c.Printf("%s\n", key)
	default:
		c.Printf("%s = %s\n", key, value)
	}
	return 0
}

// sysctlShow prints keys as `sysctl` reads them.
func sysctlShow(c *Cmd, f sysctlFlags, keys []string) int {
	for _, k := range keys {
		if f.pattern != nil && !f.pattern.MatchString(k) {
			continue
		}
		v, err := c.NS.Sysctl(k)
		if err != nil {
			continue
		}
		switch {
		case f.names:
			c.Printf("%s\n", k)
		case f.values && f.binary:
			c.Printf("%s", v)
		case f.values:
			c.Printf("%s\n", v)
		case f.binary:
			c.Printf("%s = %s", k, v)
		default:
			c.Printf("%s = %s\n", k, v)
		}
	}
	return 0
}
