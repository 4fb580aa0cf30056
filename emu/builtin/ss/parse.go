package ss

import (
	"fmt"
	"strings"

	"github.com/nsemu/nsemu/emu/shell"
)

// exitUsage is ss's status for a bad command line (exit(-1)).
const exitUsage = 255

// usageErr is an error ss follows with its usage text (exit 255); the
// error line, not the usage, sums up a failing script step.
func usageErr(format string, a ...any) error {
	msg := fmt.Sprintf(format, a...)
	return &shell.ExitError{Status: exitUsage, Msg: msg + "\n" + usage, Cause: msg}
}

// dbMask is a set of ss's socket tables (its *_DB numbers).
type dbMask uint32

// The tables, as ss numbers them.
const (
	dbTCP dbMask = 1 << iota
	dbMPTCP
	dbDCCP
	dbUDP
	dbRaw
	dbUnixDgram
	dbUnixStream
	dbUnixSeq
	dbPacketDgram
	dbPacketRaw
	dbNetlink
	dbSCTP
	dbVsockStream
	dbVsockDgram
	dbTIPC
	dbXDP

	dbUnix   = dbUnixDgram | dbUnixStream | dbUnixSeq
	dbPacket = dbPacketDgram | dbPacketRaw
	dbInet   = dbTCP | dbMPTCP | dbUDP | dbDCCP | dbSCTP | dbRaw
	dbAll    = dbUDP | dbDCCP | dbTCP | dbMPTCP | dbRaw | dbUnix | dbPacket | dbNetlink | dbSCTP | dbVsockStream | dbVsockDgram | dbXDP
)

// stateMask is a set of Linux TCP states (1 << state).
type stateMask uint32

// Linux's TCP states (include/net/tcp_states.h), as ss names them.
const (
	ssEstablished = 1 + iota
	ssSynSent
	ssSynRecv
	ssFinWait1
	ssFinWait2
	ssTimeWait
	ssClose
	ssCloseWait
	ssLastAck
	ssListen
	ssClosing
	ssMax

	ssAll  stateMask = 1<<ssMax - 1
	ssConn           = ssAll &^ (1<<ssListen | 1<<ssClose | 1<<ssTimeWait | 1<<ssSynRecv)
)

// defaultStates are the states each table shows when named alone
// (default_dbs).
func defaultStates(db dbMask) stateMask {
	switch db {
	case dbUDP, dbRaw:
		return 1 << ssEstablished
	case dbUnixDgram, dbPacketDgram, dbPacketRaw, dbNetlink, dbXDP:
		return 1 << ssClose
	}
	return ssConn
}

// Request is a parsed ss command line.
type Request struct {
	Numeric, Procs, Summary, Timers, Details, Header bool
	// Help and Version print and end.
	Help, Version bool
	// OnlySummary: -s alone prints the summary and nothing else.
	OnlySummary bool
	// Netns is -N's namespace, "" for the current one.
	Netns  string
	DBs    dbMask
	States stateMask
	Filter *Node
}

// opt is one of ss's options: its short letter, long name, whether it
// takes an argument, and what it does.
type opt struct {
	short rune
	long  string
	arg   bool
	apply func(p *parser, arg string) error
}

// parser is the state of main()'s option loop.
type parser struct {
	r          Request
	stateFlag  stateMask // -a, -l
	dflt       bool      // no table or family named
	families   famMask
	sawQuery   bool
	unemulated string
}

// famMask is a set of address families ss shows.
type famMask uint8

const (
	famInet famMask = 1 << iota
	famUnix
	famPacket
	famNetlink
	famOther
)

func (p *parser) db(d dbMask) {
	p.r.States |= defaultStates(d)
	p.r.DBs |= d
	p.dflt = false
}

func (p *parser) fam(f famMask, states stateMask) {
	p.r.States |= states
	p.families |= f
	p.dflt = false
}

func set(f func(p *parser)) func(*parser, string) error {
	return func(p *parser, _ string) error { f(p); return nil }
}

func notEmulated(what string) func(*parser, string) error {
	return func(p *parser, _ string) error {
		if p.unemulated == "" {
			p.unemulated = what
		}
		return nil
	}
}

// opts is ss's option table (iproute2 6.1's getopt string and long_opts).
var opts = []opt{
	{'n', "numeric", false, set(func(p *parser) { p.r.Numeric = true })},
	{'r', "resolve", false, notEmulated("-r (resolving host names)")},
	{'o', "options", false, set(func(p *parser) { p.r.Timers = true })},
	{'e', "extended", false, set(func(p *parser) { p.r.Timers, p.r.Details = true, true })},
	{'m', "memory", false, notEmulated("-m (socket memory)")},
	{'i', "info", false, notEmulated("-i (internal TCP information)")},
	{'p', "processes", false, set(func(p *parser) { p.r.Procs = true })},
	{'T', "threads", false, notEmulated("-T (threads)")},
	{'b', "bpf", false, notEmulated("-b (socket BPF filters)")},
	{'E', "events", false, notEmulated("-E (socket events)")},
	{'d', "dccp", false, set(func(p *parser) { p.db(dbDCCP) })},
	{'t', "tcp", false, set(func(p *parser) { p.db(dbTCP) })},
	{'S', "sctp", false, set(func(p *parser) { p.db(dbSCTP) })},
	{'u', "udp", false, set(func(p *parser) { p.db(dbUDP) })},
	{'w', "raw", false, set(func(p *parser) { p.db(dbRaw) })},
	{'x', "unix", false, set(func(p *parser) { p.fam(famUnix, ssConn) })},
	{0, "tipc", false, notEmulated("--tipc")},
	{0, "vsock", false, notEmulated("--vsock")},
	{'a', "all", false, set(func(p *parser) { p.stateFlag = ssAll })},
	{'l', "listening", false, set(func(p *parser) { p.stateFlag = 1<<ssListen | 1<<ssClose })},
	{'4', "ipv4", false, set(func(p *parser) { p.fam(famInet, ssConn) })},
	{'6', "ipv6", false, notEmulated("-6 (IPv6)")},
	{'0', "packet", false, set(func(p *parser) { p.fam(famPacket, 1<<ssClose) })},
	{'f', "family", true, (*parser).family},
	{'A', "socket", true, (*parser).query},
	{'A', "query", true, (*parser).query},
	{'s', "summary", false, set(func(p *parser) { p.r.Summary = true })},
	{'D', "diag", true, notEmulated("-D (raw TCP dumps)")},
	{'F', "filter", true, notEmulated("-F (filter files)")},
	{'V', "version", false, set(func(p *parser) { p.r.Version = true })},
	{'v', "", false, set(func(p *parser) { p.r.Version = true })},
	{'h', "help", false, set(func(p *parser) { p.r.Help = true })},
	{'Z', "context", false, notEmulated("-Z (SELinux contexts)")},
	{'z', "contexts", false, notEmulated("-z (SELinux contexts)")},
	{'N', "net", true, func(p *parser, a string) error { p.r.Netns = a; return nil }},
	{0, "tipcinfo", false, notEmulated("--tipcinfo")},
	{0, "tos", false, notEmulated("--tos")},
	{0, "cgroup", false, notEmulated("--cgroup")},
	{'K', "kill", false, notEmulated("-K (killing sockets)")},
	{'H', "no-header", false, set(func(p *parser) { p.r.Header = false })},
	{0, "xdp", false, notEmulated("--xdp")},
	{'M', "mptcp", false, set(func(p *parser) { p.db(dbMPTCP) })},
	{'O', "oneline", false, set(func(*parser) {})},
	{0, "inet-sockopt", false, notEmulated("--inet-sockopt")},
}

// family is -f FAMILY.
func (p *parser) family(a string) error {
	switch a {
	case "inet":
		p.fam(famInet, ssConn)
	case "unix":
		p.fam(famUnix, ssConn)
	case "link":
		p.fam(famPacket, 1<<ssClose)
	case "netlink":
		p.fam(famNetlink, 1<<ssClose)
	case "inet6":
		return notEmulated("-f inet6 (IPv6)")(p, a)
	case "tipc", "vsock", "xdp":
		return notEmulated("-f "+a)(p, a)
	case "help":
		p.r.Help = true
	default:
		return usageErr("ss: \"%s\" is invalid family", a)
	}
	return nil
}

// queries are -A's table names (filter_db_parse).
var queries = map[string]dbMask{
	"all": dbAll, "inet": dbInet, "udp": dbUDP, "dccp": dbDCCP, "tcp": dbTCP, "mptcp": dbMPTCP,
	"sctp": dbSCTP, "raw": dbRaw, "unix": dbUnix, "unix_stream": dbUnixStream, "u_str": dbUnixStream,
	"unix_dgram": dbUnixDgram, "u_dgr": dbUnixDgram, "unix_seqpacket": dbUnixSeq, "u_seq": dbUnixSeq,
	"packet": dbPacket, "packet_raw": dbPacketRaw, "p_raw": dbPacketRaw, "packet_dgram": dbPacketDgram,
	"p_dgr": dbPacketDgram, "netlink": dbNetlink, "vsock_stream": dbVsockStream, "v_str": dbVsockStream,
	"vsock_dgram": dbVsockDgram, "v_dgr": dbVsockDgram, "vsock": dbVsockStream | dbVsockDgram,
	"xdp": dbXDP,
}

// query is -A QUERY[,QUERY...].
func (p *parser) query(a string) error {
	if !p.sawQuery {
		p.r.DBs = 0
		if p.stateFlag == 0 {
			p.stateFlag = ssConn
		}
		p.sawQuery, p.dflt = true, false
	}
	for _, q := range strings.Split(a, ",") {
		d, ok := queries[q]
		if !ok {
			return usageErr("ss: \"%s\" is illegal socket table id", q)
		}
		p.r.DBs |= d
	}
	return nil
}

// Parse reads ss's arguments: options (GNU getopt, which takes them
// anywhere before "--"), then `state`/`exclude` words, then a filter.
func Parse(args []string) (*Request, error) {
	p := &parser{r: Request{Header: true}, dflt: true}
	rest, err := p.options(args)
	if err != nil {
		return nil, err
	}
	if p.r.Help || p.r.Version {
		return &p.r, nil
	}
	if p.unemulated != "" {
		return nil, shell.Failf(1, "nsemu: ss %s: not emulated", p.unemulated)
	}
	p.r.OnlySummary = p.r.Summary && p.dflt && len(rest) == 0
	rest, err = p.states(rest)
	if err != nil {
		return nil, err
	}
	p.merge()
	f, err := ParseFilter(rest, p.r.DBs)
	if err != nil {
		return nil, err
	}
	p.r.Filter = f
	return &p.r, nil
}

// options walks the arguments as getopt_long does, permuting: it returns
// the non-option words in order.
func (p *parser) options(args []string) ([]string, error) {
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return append(rest, args[i+1:]...), nil
		case strings.HasPrefix(a, "--"):
			n, err := p.long(args, i)
			if err != nil {
				return nil, err
			}
			i = n
		case len(a) > 1 && a[0] == '-':
			n, err := p.shorts(args, i)
			if err != nil {
				return nil, err
			}
			i = n
		default:
			rest = append(rest, a)
		}
	}
	return rest, nil
}

// shorts reads a word of short options at args[i]; it returns the index
// of the last word used.
func (p *parser) shorts(args []string, i int) (int, error) {
	w := args[i]
	for j := 1; j < len(w); j++ {
		o := findShort(rune(w[j]))
		if o == nil {
			return 0, usageErr("ss: invalid option -- '%c'", w[j])
		}
		if !o.arg {
			if err := o.apply(p, ""); err != nil {
				return 0, err
			}
			continue
		}
		arg := w[j+1:]
		if arg == "" {
			if i+1 >= len(args) {
				return 0, usageErr("ss: option requires an argument -- '%c'", w[j])
			}
			i++
			arg = args[i]
		}
		return i, o.apply(p, arg)
	}
	return i, nil
}

func findShort(c rune) *opt {
	for k := range opts {
		if opts[k].short == c {
			return &opts[k]
		}
	}
	return nil
}

// long reads a long option at args[i] (a unique prefix will do).
func (p *parser) long(args []string, i int) (int, error) {
	name, arg, hasArg := strings.Cut(args[i][2:], "=")
	o, err := findLong(name)
	if err != nil {
		return 0, err
	}
	switch {
	case !o.arg && hasArg:
		return 0, usageErr("ss: option '--%s' doesn't allow an argument", o.long)
	case o.arg && !hasArg:
		if i+1 >= len(args) {
			return 0, usageErr("ss: option '--%s' requires an argument", o.long)
		}
		i++
		arg = args[i]
	}
	return i, o.apply(p, arg)
}

func findLong(name string) (*opt, error) {
	var found []*opt
	for k := range opts {
		o := &opts[k]
		if o.long == "" || !strings.HasPrefix(o.long, name) {
			continue
		}
		if o.long == name {
			return o, nil
		}
		if len(found) == 0 || found[0].short != o.short || o.short == 0 {
			found = append(found, o)
		}
	}
	switch len(found) {
	case 0:
		return nil, usageErr("ss: unrecognized option '--%s'", name)
	case 1:
		return found[0], nil
	}
	var names []string
	for _, o := range found {
		names = append(names, "'--"+o.long+"'")
	}
	return nil, usageErr("ss: option '--%s' is ambiguous; possibilities: %s", name, strings.Join(names, " "))
}

// states reads leading `state S` and `exclude S` words.
func (p *parser) states(args []string) ([]string, error) {
	saw := false
	for len(args) > 0 && (args[0] == "state" || args[0] == "exclude" || args[0] == "excl") {
		if len(args) < 2 {
			return nil, shell.Failf(exitUsage, "Command line is not complete. Try option \"help\"")
		}
		m, err := scanState(args[1])
		if err != nil {
			return nil, err
		}
		if args[0] == "state" {
			if !saw {
				p.stateFlag = 0
			}
			p.stateFlag |= m
		} else {
			if !saw {
				p.stateFlag = ssAll
			}
			p.stateFlag &^= m
		}
		saw = true
		args = args[2:]
	}
	return args, nil
}

// stateNames are scan_state's names.
var stateNames = map[string]stateMask{
	"close": 1 << ssClose, "closed": 1 << ssClose, "syn-rcv": 1 << ssSynRecv,
	"all": ssAll, "connected": ssAll &^ (1<<ssClose | 1<<ssListen),
	"synchronized": ssAll &^ (1<<ssClose | 1<<ssListen | 1<<ssSynSent),
	"bucket":       1<<ssSynRecv | 1<<ssTimeWait, "big": ssAll &^ (1<<ssSynRecv | 1<<ssTimeWait),
	"unknown": 1, "established": 1 << ssEstablished, "syn-sent": 1 << ssSynSent,
	"syn-recv": 1 << ssSynRecv, "fin-wait-1": 1 << ssFinWait1, "fin-wait-2": 1 << ssFinWait2,
	"time-wait": 1 << ssTimeWait, "unconnected": 1 << ssClose, "close-wait": 1 << ssCloseWait,
	"last-ack": 1 << ssLastAck, "listening": 1 << ssListen, "closing": 1 << ssClosing,
}

func scanState(s string) (stateMask, error) {
	if m, ok := stateNames[strings.ToLower(s)]; ok {
		return m, nil
	}
	return 0, shell.Failf(exitUsage, "ss: wrong state name: %s", s)
}

// merge applies the defaults as main() does after the options: all
// tables when none was named, the state flags, the families' tables.
func (p *parser) merge() {
	r := &p.r
	if p.dflt {
		if p.stateFlag == 0 {
			p.stateFlag = ssConn
		}
		r.DBs |= dbAll
	}
	if p.stateFlag != 0 {
		r.States = p.stateFlag
	}
	famDBs := map[famMask]dbMask{famInet: dbInet, famUnix: dbUnix, famPacket: dbPacket, famNetlink: dbNetlink}
	for f, d := range famDBs {
		if p.families&f != 0 && r.DBs&d == 0 {
			r.DBs |= d
		}
	}
}

// String describes the request, for the tests.
func (r *Request) String() string {
	return fmt.Sprintf("dbs=%#x states=%#x n=%v p=%v s=%v o=%v e=%v H=%v N=%q", r.DBs, r.States, r.Numeric, r.Procs, r.Summary, r.Timers, r.Details, !r.Header, r.Netns)
}
