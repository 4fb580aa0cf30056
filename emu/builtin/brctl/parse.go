package brctl

import "github.com/nsemu/nsemu/emu/shell"

// command is one brctl command: its name, its usage and help texts as
// brctl prints them, how many arguments it takes and its runner (nil for
// the STP commands nsemu does not emulate).
type command struct {
	name, args, help string
	// min and max count the arguments; max -1 is any number.
	min, max int
	run      func(b *brctl, args []string) error
}

// commands are brctl's, in its help's order.
var commands = []command{
	{"addbr", "<bridge>\t\t", "add bridge", 1, 1, one((*brctl).addbr)},
	{"delbr", "<bridge>\t\t", "delete bridge", 1, 1, one((*brctl).delbr)},
	{"addif", "<bridge> <device>\t", "add interface to bridge", 2, -1, bridgeAndPorts((*brctl).addif)},
	{"delif", "<bridge> <device>\t", "delete interface from bridge", 2, -1, bridgeAndPorts((*brctl).delif)},
	{"hairpin", "<bridge> <port> {on|off}\t", "turn hairpin on/off", 3, 3, nil},
	{"setageing", "<bridge> <time>\t\t", "set ageing time", 2, 2, two((*brctl).setageing)},
	{"setbridgeprio", "<bridge> <prio>\t\t", "set bridge priority", 2, 2, nil},
	{"setfd", "<bridge> <time>\t\t", "set bridge forward delay", 2, 2, nil},
	{"sethello", "<bridge> <time>\t\t", "set hello time", 2, 2, nil},
	{"setmaxage", "<bridge> <time>\t\t", "set max message age", 2, 2, nil},
	{"setpathcost", "<bridge> <port> <cost>\t", "set path cost", 3, 3, nil},
	{"setportprio", "<bridge> <port> <prio>\t", "set port priority", 3, 3, nil},
	{"show", "[ <bridge> ]\t\t", "show a list of bridges", 0, -1, (*brctl).show},
	{"showmacs", "<bridge>\t\t", "show a list of mac addrs", 1, 1, one((*brctl).showmacs)},
	{"showstp", "<bridge>\t\t", "show bridge stp info", 1, 1, nil},
	{"stp", "<bridge> {on|off}\t", "turn stp on/off", 2, 2, two((*brctl).stp)},
}

func one(f func(*brctl, string) error) func(*brctl, []string) error {
	return func(b *brctl, a []string) error { return f(b, a[0]) }
}

func two(f func(*brctl, string, string) error) func(*brctl, []string) error {
	return func(b *brctl, a []string) error { return f(b, a[0], a[1]) }
}

func bridgeAndPorts(f func(*brctl, string, []string) error) func(*brctl, []string) error {
	return func(b *brctl, a []string) error { return f(b, a[0], a[1:]) }
}

// request is a parsed brctl command line.
type request struct {
	cmd  *command
	args []string
}

// usageError is a command line brctl answers with its help on standard
// output (and msg, if any, on standard error); the status is 1.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// parse parses brctl's arguments (after the program name).
func parse(argv []string) (*request, error) {
	if len(argv) == 0 {
		return nil, &usageError{}
	}
	name, rest := argv[0], argv[1:]
	for i := range commands {
		c := &commands[i]
		if c.name != name {
			continue
		}
		if len(rest) < c.min || (c.max >= 0 && len(rest) > c.max) {
			return nil, shell.Failf(1, "Incorrect number of arguments for command\nUsage: brctl %s %s%s", c.name, c.args, c.help)
		}
		return &request{cmd: c, args: rest}, nil
	}
	return nil, &usageError{msg: "never heard of command [" + name + "]"}
}
