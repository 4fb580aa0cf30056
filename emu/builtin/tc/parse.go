package tc

import (
	"slices"
	"strings"

	"github.com/nsemu/nsemu/emu/shell"
	"github.com/nsemu/nsemu/vethsim/qdisc"
)

// Command is what a tc command line does.
type Command int

// The commands: Usage prints help and does nothing else; the others are
// tc qdisc's.
const (
	CmdUsage Command = iota
	CmdShow
	CmdAdd
	CmdChange
	CmdReplace
	CmdDelete
)

// Request is a tc command line, parsed.
type Request struct {
	// Global options: -s, -d, -r, -iec, -n NETNS.
	Stats, Details, Raw, IEC bool
	Netns                    string

	Cmd Command
	// Dev is the device; "" when not given (show lists every device).
	Dev string
	// Root is `root` (or `parent root`): for show, a filter.
	Root bool
	// Handle is `handle N:`, shifted left 16 bits; 0 when not given.
	Handle uint32
	// Kind and its options (add, change, replace, delete).
	Kind  string
	Netem *qdisc.NetemParams
	TBF   *qdisc.TBFParams
	// Note is what tc prints on standard error without failing (a usage
	// text `help` asked for, tc -V's version on standard output aside).
	Note string
	// Out is what tc prints on standard output instead of acting (-V).
	Out string
}

// ifNameSize is IFNAMSIZ-1: tc copies at most this much of a device name.
const ifNameSize = 15

// Exit statuses: tc returns -1 (255) for a bad command line, 1 for a bad
// option value or a missing device, 2 when the kernel refuses.
const (
	exitUsage  = 255
	exitBadArg = 1
)

func failUsage(format string, a ...any) error { return shell.Failf(exitUsage, format, a...) }
func failArg(format string, a ...any) error   { return shell.Failf(exitBadArg, format, a...) }

// withUsage is an error tc follows with a usage text: the whole is
// printed, the error is the cause.
func withUsage(msg, usage string) error {
	first, _, _ := strings.Cut(msg, "\n")
	return &shell.ExitError{Status: exitBadArg, Msg: msg + "\n" + usage, Cause: first}
}

// notEmulated is the answer for what nsemu's tc does not do.
func notEmulated(what string) error {
	return shell.Failf(exitBadArg, "nsemu: tc %s: not emulated", what)
}

// matches is iproute2's matches(): arg is a non-empty prefix of word.
func matches(arg, word string) bool { return arg != "" && strings.HasPrefix(word, arg) }

// argv walks a command line as iproute2's NEXT_ARG macros do.
type argv struct {
	a []string
	i int
}

func (p *argv) more() bool     { return p.i < len(p.a) }
func (p *argv) cur() string    { return p.a[p.i] }
func (p *argv) advance()       { p.i++ }
func (p *argv) left() int      { return len(p.a) - p.i }
func (p *argv) nextOK() bool   { return p.left() > 1 }
func (p *argv) peek() string   { return p.a[p.i+1] }
func (p *argv) rest() []string { return p.a[p.i:] }

// next is NEXT_ARG: the word after the current one, or the incomplete
// command line error.
func (p *argv) next() (string, error) {
	p.i++
	if p.i >= len(p.a) {
		return "", failUsage(`Command line is not complete. Try option "help"`)
	}
	return p.a[p.i], nil
}

// nextIsNumber is NEXT_IS_NUMBER: the next word starts with a digit.
func (p *argv) nextIsNumber() bool { return p.nextOK() && p.peek() != "" && isDigit(p.peek()[0]) }

// nextIsSignedNumber is NEXT_IS_SIGNED_NUMBER.
func (p *argv) nextIsSignedNumber() bool {
	return p.nextOK() && p.peek() != "" && (isDigit(p.peek()[0]) || p.peek()[0] == '-')
}

// Parse turns tc's arguments (without the command name) into a Request.
// It is pure: devices are looked up by the runner.
func Parse(args []string) (*Request, error) {
	r := &Request{}
	a := &argv{a: args}
	done, err := parseGlobal(r, a)
	if err != nil || done {
		return r, err
	}
	if !a.more() {
		r.Note = tcUsage
		return r, nil
	}
	obj := a.cur()
	a.advance()
	switch {
	case matches(obj, "qdisc"):
		return r, parseQdisc(r, a)
	case matches(obj, "class"), matches(obj, "filter"), matches(obj, "chain"),
		matches(obj, "actions"), matches(obj, "monitor"), matches(obj, "exec"):
		return r, notEmulated(obj + " (only tc qdisc is)")
	case matches(obj, "help"):
		r.Note = tcUsage
		return r, nil
	}
	return r, failUsage(`Object "%s" is unknown, try "tc help".`, obj)
}

// globalOptions are tc's options, in the order tc tries them (the first
// prefix match wins: -n is -netns, -c is -cf).
var globalOptions = []struct {
	names []string
	// apply records the option; nil ignores an option that changes
	// nothing tc qdisc prints.
	apply func(r *Request, a *argv) (done bool, err error)
}{
	{[]string{"-stats", "-statistics"}, func(r *Request, _ *argv) (bool, error) { r.Stats = true; return false, nil }},
	{[]string{"-details"}, func(r *Request, _ *argv) (bool, error) { r.Details = true; return false, nil }},
	{[]string{"-raw"}, func(r *Request, _ *argv) (bool, error) { r.Raw = true; return false, nil }},
	{[]string{"-pretty"}, nil},
	{[]string{"-graph"}, nil},
	{[]string{"-Version"}, func(r *Request, _ *argv) (bool, error) { r.Out = tcVersion; return true, nil }},
	{[]string{"-iec"}, func(r *Request, _ *argv) (bool, error) { r.IEC = true; return false, nil }},
	{[]string{"-help"}, func(r *Request, _ *argv) (bool, error) { r.Note = tcUsage; return true, nil }},
	{[]string{"-force"}, nil},
	{[]string{"-batch"}, func(*Request, *argv) (bool, error) { return false, notEmulated("-batch") }},
	{[]string{"-netns"}, func(r *Request, a *argv) (bool, error) {
		v, err := a.next()
		r.Netns = v
		return false, err
	}},
	{[]string{"-Numeric"}, nil},
	{[]string{"-names", "-nm"}, nil},
	{[]string{"-cf", "-conf"}, func(*Request, *argv) (bool, error) { return false, notEmulated("-conf") }},
	{[]string{"-color"}, nil},
	{[]string{"-timestamp"}, nil},
	{[]string{"-tshort"}, nil},
	{[]string{"-json"}, func(*Request, *argv) (bool, error) { return false, notEmulated("-json") }},
	{[]string{"-oneline"}, nil},
	{[]string{"-brief"}, nil},
}

// parseGlobal takes the options before the object. done is true when the
// command ends there (-V, -help).
func parseGlobal(r *Request, a *argv) (done bool, err error) {
	for ; a.more() && strings.HasPrefix(a.cur(), "-"); a.advance() {
		opt := a.cur()
		if i := strings.IndexByte(opt, '='); i > 0 && matches(opt[:i], "-color") {
			continue
		}
		found := false
		for _, o := range globalOptions {
			if !anyMatches(opt, o.names) {
				continue
			}
			found = true
			if o.apply != nil {
				if done, err = o.apply(r, a); err != nil || done {
					return done, err
				}
			}
			break
		}
		if !found {
			return false, failUsage(`Option "%s" is unknown, try "tc -help".`, opt)
		}
	}
	return false, nil
}

func anyMatches(arg string, words []string) bool {
	for _, w := range words {
		if matches(arg, w) {
			return true
		}
	}
	return false
}

// parseQdisc is do_qdisc.
func parseQdisc(r *Request, a *argv) error {
	if !a.more() {
		r.Cmd = CmdShow
		return parseShow(r, a)
	}
	cmd := a.cur()
	a.advance()
	switch {
	case matches(cmd, "add"):
		r.Cmd = CmdAdd
	case matches(cmd, "change"):
		r.Cmd = CmdChange
	case matches(cmd, "replace"):
		r.Cmd = CmdReplace
	case matches(cmd, "link"):
		return notEmulated("qdisc link")
	case matches(cmd, "delete"):
		r.Cmd = CmdDelete
	case matches(cmd, "list"), matches(cmd, "show"), matches(cmd, "lst"):
		r.Cmd = CmdShow
		return parseShow(r, a)
	case matches(cmd, "help"):
		r.Note = qdiscUsage
		return nil
	default:
		return failUsage(`Command "%s" is unknown, try "tc qdisc help".`, cmd)
	}
	return parseModify(r, a)
}

// truncate is strncpy into a buffer of n+1 bytes.
func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// modifyWord is a keyword of tc qdisc add: its word, whether any prefix
// of it will do, and what it does to the request (parent is whether a
// parent was given).
type modifyWord struct {
	word   string
	abbrev bool
	apply  func(r *Request, a *argv, parent *bool) error
}

// modifyWords are tc_qdisc_modify's keywords before the kind, in its
// order; abbrev marks those it accepts any prefix of. A word that is none
// of them is the kind.
var modifyWords = []modifyWord{
	{"dev", false, func(r *Request, a *argv, _ *bool) error {
		v, err := a.next()
		if err == nil && r.Dev != "" {
			err = failUsage(`Error: duplicate "dev": "%s" is the second value.`, v)
		}
		r.Dev = truncate(v, ifNameSize)
		return err
	}},
	{"handle", false, func(r *Request, a *argv, _ *bool) error {
		if r.Handle != 0 {
			return failUsage(`Error: duplicate "handle": "%s" is the second value.`, a.cur())
		}
		v, err := a.next()
		if err != nil {
			return err
		}
		h, ok := qdiscHandle(v)
		if !ok {
			return failUsage(`Error: argument "%s" is wrong: invalid qdisc ID`, v)
		}
		r.Handle = h
		return nil
	}},
	{"root", false, func(r *Request, _ *argv, parent *bool) error {
		if *parent {
			return failUsage(`Error: "root" is duplicate parent ID`)
		}
		*parent, r.Root = true, true
		return nil
	}},
	{"clsact", false, modifyNotEmulated},
	{"ingress", false, modifyNotEmulated},
	{"parent", false, func(r *Request, a *argv, parent *bool) error {
		v, err := a.next()
		switch {
		case err != nil:
			return err
		case *parent:
			return failUsage(`Error: duplicate "parent": "%s" is the second value.`, v)
		}
		*parent, r.Root = true, true
		return parseParent(v)
	}},
	{"estimator", true, modifyNotEmulated},
	{"stab", true, modifyNotEmulated},
	{"ingress_block", true, modifyNotEmulated},
	{"egress_block", true, modifyNotEmulated},
	{"help", true, func(r *Request, _ *argv, _ *bool) error { r.Note += qdiscUsage; return nil }},
}

func modifyNotEmulated(_ *Request, a *argv, _ *bool) error { return notEmulated("qdisc " + a.cur()) }

// parseModify is tc_qdisc_modify's command line: the device, the parent,
// the handle, then the kind and its options.
func parseModify(r *Request, a *argv) error {
	parent := false
	for ; a.more(); a.advance() {
		w := a.cur()
		i := slices.IndexFunc(modifyWords, func(k modifyWord) bool {
			return w == k.word || (k.abbrev && matches(w, k.word))
		})
		if i < 0 {
			r.Kind = truncate(w, 15)
			a.advance()
			return parseKind(r, a)
		}
		if err := modifyWords[i].apply(r, a, &parent); err != nil {
			return err
		}
	}
	return nil
}

// parseParent accepts `parent root`; nsemu has root qdiscs only.
func parseParent(v string) error {
	if v == "root" {
		return nil
	}
	if _, ok := classID(v); !ok {
		return failUsage(`Error: argument "%s" is wrong: invalid parent ID`, v)
	}
	return notEmulated("qdisc parent " + v + " (only root qdiscs are)")
}

// qdiscHandle is get_qdisc_handle: "1:", "8001", "none".
func qdiscHandle(s string) (uint32, bool) {
	if s == "none" {
		return 0, true
	}
	v, rest, ok, _ := strtoul(s, 16)
	if !ok || v >= 1<<16 || (rest != "" && rest[0] != ':') {
		return 0, false
	}
	return uint32(v) << 16, true
}

// classID is get_tc_classid's syntax check: "root", "none", "1:", "1:2",
// ":2", "10".
func classID(s string) (uint32, bool) {
	switch s {
	case "root":
		return 0xffffffff, true
	case "none":
		return 0, true
	}
	maj, rest, ok, _ := strtoul(s, 16)
	if !ok {
		maj, rest = 0, s
		if !strings.HasPrefix(s, ":") {
			return 0, false
		}
	}
	if !strings.HasPrefix(rest, ":") {
		return uint32(maj), rest == "" && maj <= 0xffffffff
	}
	if maj >= 1<<16 {
		return 0, false
	}
	minor, rest2, ok2, _ := strtoul(rest[1:], 16)
	if !ok2 && rest[1:] != "" || rest2 != "" || minor >= 1<<16 {
		return 0, false
	}
	return uint32(maj<<16 | minor), true
}

// parseKind parses the kind's options (the qdisc_util's parse_qopt).
func parseKind(r *Request, a *argv) error {
	switch r.Kind {
	case "netem":
		p, err := parseNetem(a)
		r.Netem = p
		return err
	case "tbf":
		p, err := parseTBF(a)
		r.TBF = p
		return err
	}
	if knownKinds[r.Kind] {
		return notEmulated("qdisc " + r.Kind + " (netem and tbf are)")
	}
	if a.more() {
		return failArg(`Unknown qdisc "%s", hence option "%s" is unparsable`, r.Kind, a.cur())
	}
	return nil
}

// knownKinds are the qdiscs iproute2's tc knows how to parse, other than
// netem and tbf: Linux has them, nsemu does not.
var knownKinds = map[string]bool{
	"bfifo": true, "pfifo": true, "pfifo_head_drop": true, "pfifo_fast": true, "prio": true,
	"htb": true, "hfsc": true, "cbq": true, "drr": true, "qfq": true, "ets": true,
	"sfq": true, "fq": true, "fq_codel": true, "fq_pie": true, "codel": true, "pie": true,
	"red": true, "choke": true, "gred": true, "sfb": true, "hhf": true, "cake": true,
	"mq": true, "mqprio": true, "multiq": true, "taprio": true, "cbs": true, "etf": true,
	"skbprio": true, "plug": true, "ingress": true, "clsact": true, "atm": true, "dsmark": true,
}

// parseShow is tc_qdisc_list's command line.
func parseShow(r *Request, a *argv) error {
	handle := false
	for ; a.more(); a.advance() {
		w := a.cur()
		switch {
		case w == "dev":
			v, err := a.next()
			if err != nil {
				return err
			}
			r.Dev = truncate(v, ifNameSize)
		case w == "root", w == "ingress", w == "clsact", matches(w, "parent"), matches(w, "handle"):
			if err := showFilter(r, a, &handle); err != nil {
				return err
			}
		case matches(w, "help"):
			r.Note += qdiscUsage
		case w == "invisible":
		default:
			return failUsage(`What is "%s"? Try "tc qdisc help".`, w)
		}
	}
	return nil
}

// showFilter takes one of show's parent or handle filters.
func showFilter(r *Request, a *argv, handle *bool) error {
	w := a.cur()
	if r.Root {
		return failUsage(`Error: argument "%s" is wrong: parent is already specified`, w)
	}
	if *handle {
		return failUsage(`Error: argument "%s" is wrong: handle is already specified`, w)
	}
	switch {
	case w == "root":
		r.Root = true
	case w == "ingress", w == "clsact":
		return notEmulated("qdisc show " + w)
	case matches(w, "parent"):
		v, err := a.next()
		if err != nil {
			return err
		}
		if err := parseParent(v); err != nil {
			return err
		}
		r.Root = true
	default:
		v, err := a.next()
		if err != nil {
			return err
		}
		h, ok := qdiscHandle(v)
		if !ok {
			return failUsage(`Error: argument "%s" is wrong: invalid handle ID`, v)
		}
		r.Handle, *handle = h, true
	}
	return nil
}

const tcVersion = "tc utility, iproute2-6.1.0 (nsemu emulation)\n"

const tcUsage = `Usage:	tc [ OPTIONS ] OBJECT { COMMAND | help }
	tc [-force] -batch filename
where  OBJECT := { qdisc | class | filter | chain |
		    action | monitor | exec }
       OPTIONS := { -V[ersion] | -s[tatistics] | -d[etails] | -r[aw] |
		    -o[neline] | -j[son] | -p[retty] | -c[olor]
		    -b[atch] [filename] | -n[etns] name | -N[umeric] |
		     -nm | -nam[es] | { -cf | -conf } path
		     -br[ief] }
`

const qdiscUsage = `Usage: tc qdisc [ add | del | replace | change | show ] dev STRING
       [ handle QHANDLE ] [ root | ingress | clsact | parent CLASSID ]
       [ estimator INTERVAL TIME_CONSTANT ]
       [ stab [ help | STAB_OPTIONS] ]
       [ ingress_block BLOCK_INDEX ] [ egress_block BLOCK_INDEX ]
       [ [ QDISC_KIND ] [ help | OPTIONS ] ]

       tc qdisc { show | list } [ dev STRING ] [ QDISC_ID ] [ invisible ]
Where:
QDISC_KIND := { [p|b]fifo | tbf | prio | cbq | red | etc. }
OPTIONS := ... try tc qdisc add <desired QDISC_KIND> help
STAB_OPTIONS := ... try tc qdisc add stab help
QDISC_ID := { root | ingress | handle QHANDLE | parent CLASSID }
`
