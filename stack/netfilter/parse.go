package netfilter

import (
	"fmt"
	"math/bits"
	"strings"
)

// This file is iptables' command-line parser, written to behave as
// iptables v1.8.9 (legacy) does: getopt_long with abbreviations, `!`
// before an option, implicit tcp/udp matches after -p, the same checks in
// the same order, and the same error texts and exit statuses. It is pure:
// Parse looks at nothing but its arguments, so it can be fuzzed. The
// options themselves are a table (options.go).
//
// What Rule cannot express (other matches such as conntrack, other
// targets such as REDIRECT, address lists, port ranges in NAT, ...) is
// refused with an error that says nsemu does not emulate it, rather than
// accepted and silently ignored.

// Version is what iptables -V prints.
const Version = "iptables v1.8.9 (legacy)"

const tryHelp = "Try `iptables -h' or 'iptables --help' for more information.\n"

// Error is an iptables failure: the text printed on standard error and the
// exit status (1 for an error the kernel reports, 2 for a bad command line,
// 3 for a missing table).
type Error struct {
	Status int
	Msg    string
}

func (e *Error) Error() string { return strings.TrimRight(e.Msg, "\n") }

// paramErr is iptables' PARAMETER_PROBLEM: exit 2, the version prefix,
// the hint. A message ending in "\n" leaves a blank line, as in iptables.
func paramErr(format string, a ...any) *Error {
	return &Error{Status: 2, Msg: Version + ": " + fmt.Sprintf(format, a...) + "\n" + tryHelp}
}

func badArgument(arg string) *Error {
	return &Error{Status: 2, Msg: "Bad argument `" + arg + "'\n" + tryHelp}
}

// kernelErr is an error the kernel (libiptc) reports: exit 1.
func kernelErr(msg string) *Error {
	return &Error{Status: 1, Msg: msg + "\n"}
}

// notEmulated refuses what iptables accepts but nsemu cannot model.
func notEmulated(what string) *Error {
	return &Error{Status: 2, Msg: Version + ": " + what + " is not emulated by nsemu\n"}
}

// Command is a parsed iptables command line.
type Command struct {
	// Table is the -t table ("filter" by default).
	Table string
	// Cmd is the command letter: A C D I R L S F Z N X E P, 'h' for help
	// and 'V' for the version. A -D with a rule number has Num set.
	Cmd byte
	// Zero is set when -Z comes with -L or -S: zero after listing.
	Zero bool
	// Chain is the chain the command names ("" for all chains).
	Chain string
	// Arg is -P's policy or -E's new name.
	Arg string
	// Num is the rule number of -I, -R, -D, -L, -S or -Z; 0 when none.
	Num int
	// Rule is the rule specification of -A, -I, -R, -D (without Num) and -C.
	Rule    Rule
	HasRule bool
	// Listing and verbosity options.
	Numeric, Verbose, Exact, LineNumbers bool
	// Warnings go to standard error before the command runs, as iptables
	// prints them while parsing.
	Warnings []string
	// Reject is set when the kernel would refuse the rule (a tcp match on a
	// udp rule, tcp-reset without -p tcp): the command fails with it once the
	// table is known to exist.
	Reject *Error
}

// Command bits, in iptables' order (cmd2char's "IDDRALFZNXPESZC").
const (
	cmdInsert = 1 << iota
	cmdDelete
	cmdDeleteNum
	cmdReplace
	cmdAppend
	cmdList
	cmdFlush
	cmdZero
	cmdNewChain
	cmdDeleteChain
	cmdSetPolicy
	cmdRename
	cmdListRules
	cmdZeroNum
	cmdCheck
)

const cmdChars = "IDDRALFZNXPESZC"

// ruleCmds are the commands that take a rule specification.
const ruleCmds = cmdReplace | cmdInsert | cmdDelete | cmdAppend | cmdCheck

func cmdChar(cmd int) byte {
	i := 0
	for cmd > 1 {
		cmd >>= 1
		i++
	}
	if i >= len(cmdChars) {
		return '?'
	}
	return cmdChars[i]
}

// Option bits, in the order of iptables' commands_v_options table.
const (
	optNumeric = 1 << iota
	optSource
	optDest
	optProto
	optJump
	optVerbose
	optExact
	optIn
	optOut
	optLineNumbers
	optCounters
	optFragment
)

const optChars = "nsdpjvxio0cf"

// legal says, per command (by bit index), which options are illegal
// ('x'), in optChars order.
var legal = [...]string{
	"x     x  x  ", // INSERT
	"x     x  xx ", // DELETE
	"xxxxx xxxxxx", // DELETE_NUM
	"x     x  x  ", // REPLACE
	"x     x  x  ", // APPEND
	" xxxx  xx xx", // LIST
	"xxxxx xxxxxx", // FLUSH
	"xxxxx xxxxxx", // ZERO
	"xxxxx xxxxxx", // NEW_CHAIN
	"xxxxx xxxxxx", // DELETE_CHAIN
	"xxxxx xxxx x", // SET_POLICY
	"xxxxx xxxxxx", // RENAME
	"xxxxx xxxxxx", // LIST_RULES
	"xxxxx xxxxxx", // ZERO_NUM
	"x     x  xx ", // CHECK
}

// Options that take `!`.
const invertible = optSource | optDest | optProto | optIn | optOut | optFragment

// parser is the state of one parse.
type parser struct {
	args    []string
	i       int
	out     Command
	command int
	options int
	invert  bool

	src, dst       string
	srcSet, dstSet bool
	// protoSet is set by -p with a protocol that loads a match (not
	// "all"); protoName is the protocol.
	protoSet  bool
	protoName string
	// match is the loaded port match ("tcp" or "udp").
	match      string
	icmpLoaded bool
	// matchBad is set when -m tcp and -m udp are both loaded.
	matchBad  bool
	sportSet  bool
	dportSet  bool
	target    string
	targetSet bool
	// tOnce records target options given.
	tOnce map[string]bool
	// ext: the conntrack and addrtype matches (options.go).
	ext extMatches
}

// Parse parses an iptables command line (without the program name).
// It never panics; on a bad line it returns an *Error with iptables' words
// and exit status.
func Parse(args []string) (*Command, error) {
	p := &parser{args: args, tOnce: map[string]bool{}}
	p.out.Table = "filter"
	if err := p.parse(); err != nil {
		return nil, err
	}
	return &p.out, nil
}

func (p *parser) hasArg() bool {
	return p.i < len(p.args) && !strings.HasPrefix(p.args[p.i], "-") && !strings.HasPrefix(p.args[p.i], "!")
}

func (p *parser) next() string {
	a := p.args[p.i]
	p.i++
	return a
}

// parse is iptables' getopt_long loop.
func (p *parser) parse() *Error {
	for p.i < len(p.args) {
		a := p.next()
		var err *Error
		switch {
		case a == "--":
			if p.i < len(p.args) {
				return paramErr("unknown arguments found on commandline")
			}
			return p.finish()
		case strings.HasPrefix(a, "--"):
			err = p.parseLong(a)
		case len(a) > 1 && a[0] == '-':
			err = p.parseShort(a)
		case a == "!":
			if p.invert {
				return paramErr("multiple consecutive ! not allowed")
			}
			p.invert = true
			continue
		default:
			return badArgument(a)
		}
		if err != nil {
			return err
		}
		p.invert = false
	}
	return p.finish()
}

// parseLong handles a long option, a: --name or --name=value.
func (p *parser) parseLong(a string) *Error {
	name, val, hasVal := strings.Cut(a[2:], "=")
	o, ok := lookupLong(p.activeLong(), name)
	for !ok && p.loadProto() {
		o, ok = lookupLong(p.activeLong(), name)
	}
	if !ok {
		return paramErr("unknown option \"%s\"", a)
	}
	arg := optArg{raw: a}
	switch {
	case o.arg == argNone && hasVal:
		return paramErr("unknown option \"%s\"", a)
	case hasVal:
		arg.val, arg.set = val, true
	case o.arg == argRequired:
		if p.i >= len(p.args) {
			return paramErr("option \"%s\" requires an argument", a)
		}
		arg.val, arg.set = p.next(), true
	}
	return o.apply(p, arg)
}

// parseShort handles a word of short options, a: -nvL, -tnat.
func (p *parser) parseShort(a string) *Error {
	for j := 1; j < len(a); j++ {
		o, known := lookupShort(a[j])
		if !known {
			return paramErr("unknown option \"%s\"", a)
		}
		arg := optArg{raw: a}
		switch o.arg {
		case argRequired:
			arg.val, arg.set = a[j+1:], true
			if arg.val == "" {
				if p.i >= len(p.args) {
					return paramErr("option \"%s\" requires an argument", a)
				}
				arg.val = p.next()
			}
			j = len(a)
		case argOptional:
			if j+1 < len(a) {
				arg.val, arg.set = a[j+1:], true
				j = len(a)
			}
		}
		if err := o.apply(p, arg); err != nil {
			return err
		}
		p.invert = false
	}
	return nil
}

// activeLong lists the long options getopt knows now.
func (p *parser) activeLong() []optSpec {
	opts := append([]optSpec(nil), coreOpts...)
	switch p.match {
	case "tcp":
		opts = append(opts, tcpOpts...)
	case "udp":
		opts = append(opts, udpOpts...)
	}
	if p.icmpLoaded {
		opts = append(opts, icmpOpts...)
	}
	if p.targetSet {
		opts = append(opts, targetOpts[p.target]...)
	}
	return append(opts, p.ext.opts()...)
}

// lookupLong finds a long option by exact name or unique abbreviation.
func lookupLong(opts []optSpec, name string) (optSpec, bool) {
	if name == "" {
		return optSpec{}, false
	}
	var found []optSpec
	for _, o := range opts {
		if o.name == name {
			return o, true
		}
		if o.name != "" && strings.HasPrefix(o.name, name) && !sameOpt(found, o) {
			found = append(found, o)
		}
	}
	if len(found) == 1 {
		return found[0], true
	}
	return optSpec{}, false
}

// sameOpt reports whether opts holds o under another name (getopt counts
// aliases as one match).
func sameOpt(opts []optSpec, o optSpec) bool {
	for _, f := range opts {
		if f.code == o.code && f.arg == o.arg {
			return true
		}
	}
	return false
}

// lookupShort finds a short option by its letter.
func lookupShort(c byte) (optSpec, bool) {
	for _, o := range coreOpts {
		if len(o.code) == 1 && o.code[0] == c {
			return o, true
		}
	}
	return optSpec{}, false
}

// loadProto loads the match named by -p (iptables does this on the first
// option it does not know).
func (p *parser) loadProto() bool {
	if !p.protoSet {
		return false
	}
	switch p.protoName {
	case "tcp", "udp":
		if p.match == "" {
			p.match = p.protoName
			return true
		}
	case "icmp":
		if !p.icmpLoaded {
			p.icmpLoaded = true
			return true
		}
	}
	return false
}

// addCommand is add_command.
func (p *parser) addCommand(cmd, others int) *Error {
	if p.invert {
		return paramErr("unexpected '!' flag")
	}
	if p.command&^others != 0 {
		return paramErr("Cannot use -%c with -%c", cmdChar(cmd), cmdChar(p.command&^others))
	}
	p.command |= cmd
	return nil
}

// setOption is set_option.
func (p *parser) setOption(opt int) *Error {
	c := optChars[bits.TrailingZeros(uint(opt))]
	if p.options&opt != 0 {
		return paramErr("multiple -%c flags not allowed", c)
	}
	p.options |= opt
	if p.invert && opt&invertible == 0 {
		return paramErr("cannot have ! before -%c", c)
	}
	return nil
}

func validTargetName(name string) *Error {
	if name == "" {
		return paramErr("Invalid target name (too short)")
	}
	if len(name) >= 29 {
		return paramErr("Invalid target name `%s' (%d chars max)", name, 28)
	}
	if strings.ContainsAny(name, " \t\n\v\f\r") {
		return paramErr("Invalid target name `%s'", name)
	}
	return nil
}

// parseChainName is parse_chain (for -N and -E).
func parseChainName(name string) *Error {
	if len(name) >= 29 {
		return paramErr("chain name `%s' too long (must be under 29 chars)", name)
	}
	if strings.HasPrefix(name, "-") || strings.HasPrefix(name, "!") {
		return paramErr("chain name not allowed to start with `%c'", name[0])
	}
	if name == "" || builtinTargets[name] || otherTargets[name] {
		return paramErr("chain name may not clash with target name")
	}
	if strings.ContainsAny(name, " \t\n\v\f\r") {
		return paramErr("Invalid chain name `%s'", name)
	}
	return nil
}

// finish runs iptables' checks after the options, in its order.
func (p *parser) finish() *Error {
	if p.command == -1 {
		return nil
	}
	if err := p.finishTarget(); err != nil {
		return err
	}
	if p.command == 0 {
		return paramErr("no command specified")
	}
	if p.invert {
		return paramErr("nothing appropriate following !")
	}
	if err := p.finishAddrs(); err != nil {
		return err
	}
	if err := p.checkLegal(); err != nil {
		return err
	}
	if err := p.checkChain(); err != nil {
		return err
	}
	p.setCmd()
	if p.command&ruleCmds != 0 {
		p.finishRule()
	}
	return nil
}

// finishTarget runs the target's final checks.
func (p *parser) finishTarget() *Error {
	o := &p.out
	if o.Table == "nat" && (o.Arg == "DROP" && p.command&cmdSetPolicy != 0 || p.target == "DROP") {
		return paramErr("\nThe \"nat\" table is not intended for filtering, the use of DROP is therefore inhibited.\n\n")
	}
	switch p.target {
	case "SNAT":
		if !p.tOnce["to-source"] {
			return paramErr("SNAT: option \"--to-source\" must be specified\n")
		}
	case "DNAT":
		if !p.tOnce["to-destination"] {
			return paramErr("DNAT: option \"--to-destination\" must be specified\n")
		}
	case "REJECT":
		if o.Rule.RejectWith == "" {
			o.Rule.RejectWith = "icmp-port-unreachable"
		}
	}
	return nil
}

// finishAddrs parses -s and -d, which iptables reads last.
func (p *parser) finishAddrs() *Error {
	var err *Error
	if p.srcSet {
		if p.out.Rule.Src, err = parseAddr(p.src); err != nil {
			return err
		}
	}
	if p.dstSet {
		if p.out.Rule.Dst, err = parseAddr(p.dst); err != nil {
			return err
		}
	}
	return nil
}

// checkLegal is generic_opt_check: each option must be legal with one of
// the commands given.
func (p *parser) checkLegal() *Error {
	for i := 0; i < len(optChars); i++ {
		verdict := 0
		for j := 0; j < len(legal); j++ {
			if p.command&(1<<j) == 0 || p.options&(1<<i) == 0 {
				continue
			}
			if legal[j][i] != 'x' {
				verdict = 1
			} else if verdict == 0 {
				verdict = -1
			}
		}
		if verdict == -1 {
			return paramErr("Illegal option `-%c' with this command", optChars[i])
		}
	}
	return nil
}

// checkChain checks the chain's name, and the interfaces a rule of it may
// name.
func (p *parser) checkChain() *Error {
	ch := p.out.Chain
	if len(ch) >= 29 {
		return paramErr("chain name `%s' too long (must be under 29 chars)", ch)
	}
	if p.command&(ruleCmds|cmdDeleteNum) == 0 {
		return nil
	}
	if (ch == "PREROUTING" || ch == "INPUT") && p.options&optOut != 0 {
		return paramErr("Can't use -%c with %s\n", 'o', ch)
	}
	if (ch == "POSTROUTING" || ch == "OUTPUT") && p.options&optIn != 0 {
		return paramErr("Can't use -%c with %s\n", 'i', ch)
	}
	return nil
}

// setCmd names the command.
func (p *parser) setCmd() {
	o := &p.out
	switch {
	case p.command&cmdList != 0:
		o.Cmd = 'L'
		o.Zero = p.command&(cmdZero|cmdZeroNum) != 0
	case p.command&cmdListRules != 0:
		o.Cmd = 'S'
		o.Zero = p.command&(cmdZero|cmdZeroNum) != 0
	case p.command&cmdZeroNum != 0:
		o.Cmd = 'Z'
	default:
		o.Cmd = cmdChar(p.command)
	}
}

// finishRule completes a rule specification: what the kernel would
// refuse, and the rule's canonical form.
func (p *parser) finishRule() {
	o := &p.out
	o.HasRule = true
	r := &o.Rule
	if p.match != "" {
		if p.matchBad || r.Proto != p.match || r.NotProto {
			o.Reject = kernelErr(ErrInvalid.Error())
		}
		if r.SPort == nil && r.DPort == nil {
			r.SPort = &PortMatch{Lo: 0, Hi: 65535}
		}
	}
	if r.Target == "REJECT" && r.RejectWith == "tcp-reset" && (r.Proto != "tcp" || r.NotProto) {
		o.Reject = kernelErr(ErrInvalid.Error())
	}
	if o.Reject != nil && p.command&(cmdDelete|cmdCheck) != 0 {
		o.Reject = kernelErr(ErrBadRule.Error())
	}
	*r = r.Canon()
}
