package conntrack

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// Command is what conntrack is asked to do.
type Command int

// The commands.
const (
	CmdHelp Command = iota
	CmdList
	CmdGet
	CmdDelete
	CmdFlush
	CmdCount
	CmdEvents
	CmdVersion
)

// Any is an unset number in a Filter.
const Any = -1

// Request is a conntrack command line.
type Request struct {
	Cmd Command
	// Family is 4 or 6 (-f; an IPv6 address sets it too).
	Family int
	Filter Filter
	// Extended and ID are -o extended and -o id.
	Extended bool
	ID       bool
	// Events is -e's mask; 0 is every event.
	Events EventMask
}

// Filter selects connections. Unset addresses are invalid prefixes; unset
// numbers are Any.
type Filter struct {
	// Proto is the layer 4 protocol's number (-p).
	Proto int
	// OrigSrc, OrigDst, ReplySrc and ReplyDst are -s, -d, -r and -q.
	OrigSrc, OrigDst, ReplySrc, ReplyDst netip.Prefix
	// Ports are --sport, --dport, --reply-port-src, --reply-port-dst.
	Ports [4]int
	// ICMP is --icmp-type, --icmp-code, --icmp-id.
	ICMP [3]int
	// State is --state, a TCP state's name.
	State string
	// NAT is -n, -g, -j (source, destination, either).
	NAT [3]NATSel
}

// NATSel selects connections with a NAT, to Addr when it is valid.
type NATSel struct {
	On   bool
	Addr netip.Addr
}

// EventMask is -e's set of events.
type EventMask uint8

// The events.
const (
	EvNew EventMask = 1 << iota
	EvUpdate
	EvDestroy
)

// ParseError is a command line conntrack refuses: exit status 2, with
// the hint to try -h.
type ParseError struct{ Msg string }

func (e *ParseError) Error() string {
	return prefix + e.Msg + "\nTry `conntrack -h' or 'conntrack --help' for more information."
}

// NotEmulated is a valid command line asking for what nsemu does not do.
type NotEmulated struct{ What string }

func (e *NotEmulated) Error() string { return "nsemu: conntrack " + e.What + ": not emulated" }

func perr(format string, a ...any) error { return &ParseError{fmt.Sprintf(format, a...)} }

// argKind says whether an option takes a value.
type argKind int

const (
	noArg argKind = iota
	needArg
	// optArg: a value if the next word is not an option (-n [IP]).
	optArg
)

// cmdSet is a set of commands, for the options each allows.
type cmdSet uint16

func cmds(cs ...Command) cmdSet {
	var s cmdSet
	for _, c := range cs {
		s |= 1 << c
	}
	return s
}

var (
	filterCmds = cmds(CmdList, CmdGet, CmdDelete, CmdEvents)
	natCmds    = cmds(CmdList, CmdDelete, CmdEvents)
	outputCmds = cmds(CmdList, CmdGet, CmdEvents)
)

// option is one row of conntrack's options. A command is an option too
// (cmd set); a protocol's options (proto set) exist only after -p names
// that protocol, as conntrack loads them with the protocol's extension.
type option struct {
	short string
	long  []string
	arg   argKind
	cmd   Command
	isCmd bool
	// proto is "l4" (tcp or udp), "tcp" or "icmp"; "" for any.
	proto   string
	allowed cmdSet
	apply   func(r *Request, v string) error
}

func (o *option) name() string {
	if len(o.long) > 0 {
		return o.long[0]
	}
	return o.short
}

func command(short, long string, c Command) option {
	return option{short: short, long: []string{long}, arg: optArg, cmd: c, isCmd: true}
}

func notEmulated(short, long string, arg argKind) option {
	return option{short: short, long: []string{long}, arg: arg, allowed: ^cmdSet(0),
		apply: func(*Request, string) error { return &NotEmulated{long} }}
}

// options is conntrack 1.4.7's table, in its order.
var options = []option{
	command("-L", "--dump", CmdList),
	command("-G", "--get", CmdGet),
	command("-D", "--delete", CmdDelete),
	command("-F", "--flush", CmdFlush),
	command("-C", "--count", CmdCount),
	command("-E", "--event", CmdEvents),
	{short: "-h", long: []string{"--help"}, cmd: CmdHelp, isCmd: true},
	{short: "-V", long: []string{"--version"}, cmd: CmdVersion, isCmd: true},
	notEmulated("-I", "--create", optArg),
	notEmulated("-U", "--update", optArg),
	notEmulated("-S", "--stats", optArg),
	{short: "-s", long: []string{"--src", "--orig-src"}, arg: needArg, allowed: filterCmds, apply: addr(func(f *Filter) *netip.Prefix { return &f.OrigSrc })},
	{short: "-d", long: []string{"--dst", "--orig-dst"}, arg: needArg, allowed: filterCmds, apply: addr(func(f *Filter) *netip.Prefix { return &f.OrigDst })},
	{short: "-r", long: []string{"--reply-src"}, arg: needArg, allowed: filterCmds, apply: addr(func(f *Filter) *netip.Prefix { return &f.ReplySrc })},
	{short: "-q", long: []string{"--reply-dst"}, arg: needArg, allowed: filterCmds, apply: addr(func(f *Filter) *netip.Prefix { return &f.ReplyDst })},
	{short: "-p", long: []string{"--protonum"}, arg: needArg, allowed: filterCmds, apply: parseProto},
	{short: "-f", long: []string{"--family"}, arg: needArg, allowed: filterCmds | cmds(CmdFlush, CmdCount), apply: parseFamily},
	{short: "-n", long: []string{"--src-nat"}, arg: optArg, allowed: natCmds, apply: nat(0)},
	{short: "-g", long: []string{"--dst-nat"}, arg: optArg, allowed: natCmds, apply: nat(1)},
	{short: "-j", long: []string{"--any-nat"}, arg: optArg, allowed: natCmds, apply: nat(2)},
	{short: "-o", long: []string{"--output"}, arg: needArg, allowed: outputCmds, apply: parseOutput},
	{short: "-e", long: []string{"--event-mask"}, arg: needArg, allowed: cmds(CmdEvents), apply: parseEventMask},
	{long: []string{"--sport", "--orig-port-src"}, arg: needArg, proto: "l4", allowed: filterCmds, apply: port(0)},
	{long: []string{"--dport", "--orig-port-dst"}, arg: needArg, proto: "l4", allowed: filterCmds, apply: port(1)},
	{long: []string{"--reply-port-src"}, arg: needArg, proto: "l4", allowed: filterCmds, apply: port(2)},
	{long: []string{"--reply-port-dst"}, arg: needArg, proto: "l4", allowed: filterCmds, apply: port(3)},
	{long: []string{"--state"}, arg: needArg, proto: "tcp", allowed: filterCmds, apply: parseState},
	{long: []string{"--icmp-type"}, arg: needArg, proto: "icmp", allowed: filterCmds, apply: icmp(0)},
	{long: []string{"--icmp-code"}, arg: needArg, proto: "icmp", allowed: filterCmds, apply: icmp(1)},
	{long: []string{"--icmp-id"}, arg: needArg, proto: "icmp", allowed: filterCmds, apply: icmp(2)},
	notEmulated("-m", "--mark", needArg),
	notEmulated("-c", "--secmark", needArg),
	notEmulated("-z", "--zero", noArg),
	notEmulated("-l", "--label", needArg),
	notEmulated("-t", "--timeout", needArg),
	notEmulated("-u", "--status", needArg),
	notEmulated("-w", "--zone", needArg),
	notEmulated("", "--orig-zone", needArg),
	notEmulated("", "--reply-zone", needArg),
	notEmulated("-b", "--buffer-size", needArg),
	notEmulated("", "--mask-src", needArg),
	notEmulated("", "--mask-dst", needArg),
	notEmulated("", "--tuple-src", needArg),
	notEmulated("", "--tuple-dst", needArg),
}

// parser is one walk of a command line.
type parser struct {
	r       Request
	cmdSeen bool
	used    []*option
}

// Parse reads conntrack's arguments (without the command name).
func Parse(args []string) (Request, error) {
	p := &parser{r: Request{Cmd: CmdHelp, Family: 4, Filter: Filter{Proto: Any, Ports: [4]int{Any, Any, Any, Any}, ICMP: [3]int{Any, Any, Any}}}}
	for i := 0; i < len(args); i++ {
		used, err := p.word(args[i], args[i+1:])
		if err != nil {
			return Request{}, err
		}
		i += used
	}
	if err := p.check(); err != nil {
		return Request{}, err
	}
	return p.r, nil
}

// word applies one option and returns how many words of rest it took.
func (p *parser) word(a string, rest []string) (int, error) {
	o, val, attached := p.lookup(a)
	if o == nil {
		if strings.HasPrefix(a, "-") {
			return 0, perr("unknown option `%s'", a)
		}
		return 0, perr("unknown type `%s'", a)
	}
	used := 0
	switch {
	case attached || o.arg == noArg:
	case o.arg == needArg:
		if len(rest) == 0 {
			return 0, perr("option `%s' requires an argument", a)
		}
		val, used = rest[0], 1
	case len(rest) > 0 && !strings.HasPrefix(rest[0], "-"):
		val, used = rest[0], 1
	}
	if o.isCmd {
		return used, p.command(o, val)
	}
	p.used = append(p.used, o)
	if o.apply == nil {
		return used, nil
	}
	return used, o.apply(&p.r, val)
}

// lookup finds a's option: -x, -xVALUE, --long, --long=VALUE, or an
// unambiguous prefix of a long name, as getopt_long does.
func (p *parser) lookup(a string) (*option, string, bool) {
	if strings.HasPrefix(a, "--") {
		name, val, attached := strings.Cut(a, "=")
		return p.lookupLong(name), val, attached
	}
	for i := range options {
		o := &options[i]
		if o.short != "" && strings.HasPrefix(a, o.short) && p.known(o) {
			if a == o.short {
				return o, "", false
			}
			if o.arg != noArg {
				return o, a[len(o.short):], true
			}
		}
	}
	return nil, "", false
}

func (p *parser) lookupLong(name string) *option {
	var found *option
	for i := range options {
		o := &options[i]
		if !p.known(o) {
			continue
		}
		for _, l := range o.long {
			if l == name {
				return o
			}
			if len(name) > 2 && strings.HasPrefix(l, name) {
				if found != nil && found != o {
					return nil
				}
				found = o
			}
		}
	}
	return found
}

// known says whether o exists yet: a protocol's options need -p first.
func (p *parser) known(o *option) bool {
	switch o.proto {
	case "":
		return true
	case "l4":
		return p.r.Filter.Proto == 6 || p.r.Filter.Proto == 17
	case "tcp":
		return p.r.Filter.Proto == 6
	}
	return p.r.Filter.Proto == 1
}

// command records the command and its table.
func (p *parser) command(o *option, table string) error {
	if p.cmdSeen {
		return perr("Invalid commands combination")
	}
	p.cmdSeen = true
	p.r.Cmd = o.cmd
	switch table {
	case "", "conntrack":
		return nil
	case "expect", "dying", "unconfirmed":
		return &NotEmulated{o.short + " " + table}
	}
	return perr("unknown type `%s'", table)
}

// check refuses the options the command does not take, and -G without a
// whole tuple.
func (p *parser) check() error {
	for _, o := range p.used {
		if o.allowed&(1<<p.r.Cmd) == 0 {
			return perr("Illegal option `%s' with this command", o.name())
		}
	}
	if p.r.Cmd == CmdGet {
		return checkTuple(&p.r.Filter)
	}
	return nil
}

func checkTuple(f *Filter) error {
	switch {
	case f.Proto == Any:
		return perr("You need to supply the `--protonum' option for this command")
	case !f.OrigSrc.IsValid() || !f.OrigDst.IsValid():
		return perr("you have to specify `--src' and `--dst'")
	case (f.Proto == 6 || f.Proto == 17) && (f.Ports[0] == Any || f.Ports[1] == Any):
		return perr("you have to specify `--sport' and `--dport'")
	case f.Proto == 1:
		for i, name := range []string{"--icmp-type", "--icmp-code", "--icmp-id"} {
			if f.ICMP[i] == Any {
				return perr("You need to supply the `%s' option for this command", name)
			}
		}
	}
	return nil
}

func addr(field func(*Filter) *netip.Prefix) func(*Request, string) error {
	return func(r *Request, v string) error {
		p, err := parseAddr(v)
		if err != nil {
			return err
		}
		if p.Addr().Is6() {
			r.Family = 6
		}
		*field(&r.Filter) = p
		return nil
	}
}

// parseAddr reads an address, or ADDR/LEN.
func parseAddr(v string) (netip.Prefix, error) {
	if strings.Contains(v, "/") {
		p, err := netip.ParsePrefix(v)
		if err != nil || p.Addr().Zone() != "" {
			return netip.Prefix{}, perr("Invalid IP address `%s'", v)
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(v)
	if err != nil || a.Zone() != "" {
		return netip.Prefix{}, perr("Invalid IP address `%s'", v)
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// protoNames are the protocols conntrack knows by name, with the numbers.
var protoNames = map[string]int{"tcp": 6, "udp": 17, "icmp": 1, "icmpv6": 58, "ipv6-icmp": 58}

func parseProto(r *Request, v string) error {
	if n, ok := protoNames[strings.ToLower(v)]; ok {
		r.Filter.Proto = n
		return nil
	}
	n, err := strconv.ParseUint(v, 10, 8)
	if err != nil {
		return perr("`%s' unsupported protocol", v)
	}
	r.Filter.Proto = int(n)
	return nil
}

func parseFamily(r *Request, v string) error {
	switch v {
	case "ipv4":
		r.Family = 4
	case "ipv6":
		r.Family = 6
	default:
		return perr("`%s' unsupported protocol", v)
	}
	return nil
}

func nat(i int) func(*Request, string) error {
	return func(r *Request, v string) error {
		sel := NATSel{On: true}
		if v != "" {
			p, err := parseAddr(v)
			if err != nil {
				return err
			}
			sel.Addr = p.Addr()
		}
		r.Filter.NAT[i] = sel
		return nil
	}
}

func parseOutput(r *Request, v string) error {
	for _, w := range strings.Split(v, ",") {
		switch w {
		case "extended":
			r.Extended = true
		case "id":
			r.ID = true
		case "timestamp", "ktimestamp":
			// Linux prints nothing more while nf_conntrack_timestamp
			// is 0, its default.
		case "xml", "labels", "userspace", "save":
			return &NotEmulated{"-o " + w}
		default:
			return perr("Bad parameter `%s'", w)
		}
	}
	return nil
}

func parseEventMask(r *Request, v string) error {
	for _, w := range strings.Split(v, ",") {
		switch strings.ToUpper(w) {
		case "NEW":
			r.Events |= EvNew
		case "UPDATE":
			r.Events |= EvUpdate
		case "DESTROY":
			r.Events |= EvDestroy
		case "ALL":
			r.Events |= EvNew | EvUpdate | EvDestroy
		default:
			return perr("Bad parameter `%s'", w)
		}
	}
	return nil
}

// cNumber reads a number as C's strtoul does, for the options conntrack
// reads so: the leading digits, 0 without any.
func cNumber(v string) int {
	n := 0
	for i := 0; i < len(v) && v[i] >= '0' && v[i] <= '9' && n < 1<<24; i++ {
		n = n*10 + int(v[i]-'0')
	}
	return n
}

func port(i int) func(*Request, string) error {
	return func(r *Request, v string) error {
		r.Filter.Ports[i] = cNumber(v) & 0xffff
		return nil
	}
}

func icmp(i int) func(*Request, string) error {
	return func(r *Request, v string) error {
		n := cNumber(v)
		if i < 2 {
			n &= 0xff
		} else {
			n &= 0xffff
		}
		r.Filter.ICMP[i] = n
		return nil
	}
}

// tcpStates are Linux's TCP conntrack states, as --state names them.
var tcpStates = []string{"NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT", "CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2"}

func parseState(r *Request, v string) error {
	for _, s := range tcpStates {
		if strings.EqualFold(s, v) {
			r.Filter.State = s
			return nil
		}
	}
	return perr("unknown TCP state `%s'", v)
}
