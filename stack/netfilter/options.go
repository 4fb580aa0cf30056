package netfilter

import (
	"fmt"
	"strings"
)

// The options of iptables, as a table: each option's long name, the code
// that identifies it (its short letter, when it has one, or an extension
// option's own name), whether it takes an argument, and what it does. The
// getopt loop (parse.go) finds an option here and applies it; adding an
// option is adding a row.

// argKind says whether an option takes an argument.
type argKind int

const (
	argNone argKind = iota
	argRequired
	argOptional
)

// optArg is the argument an option is applied with.
type optArg struct {
	// val is the argument; set is false when an optional one is absent.
	val string
	set bool
	// raw is the command-line word the option came in, for messages.
	raw string
}

// optSpec is one option.
type optSpec struct {
	// name is the long name ("" for -b, which has none).
	name string
	// code identifies the option: a single letter is also its short form
	// (line-numbers has none).
	code  string
	arg   argKind
	apply func(p *parser, a optArg) *Error
}

// coreOpts are iptables' own options.
var coreOpts = []optSpec{
	{"append", "A", argRequired, cmdOpt(cmdAppend)},
	{"delete", "D", argRequired, (*parser).optDelete},
	{"check", "C", argRequired, cmdOpt(cmdCheck)},
	{"insert", "I", argRequired, (*parser).optInsert},
	{"replace", "R", argRequired, (*parser).optReplace},
	{"list", "L", argOptional, listOpt(cmdList)},
	{"list-rules", "S", argOptional, listOpt(cmdListRules)},
	{"flush", "F", argOptional, chainOpt(cmdFlush)},
	{"zero", "Z", argOptional, (*parser).optZero},
	{"new-chain", "N", argRequired, (*parser).optNewChain},
	{"delete-chain", "X", argOptional, chainOpt(cmdDeleteChain)},
	{"rename-chain", "E", argRequired, (*parser).optRename},
	{"policy", "P", argRequired, argOpt(cmdSetPolicy, "-P requires a chain and a policy")},
	{"source", "s", argRequired, addrOpt(optSource)},
	{"src", "s", argRequired, addrOpt(optSource)},
	{"destination", "d", argRequired, addrOpt(optDest)},
	{"dst", "d", argRequired, addrOpt(optDest)},
	{"protocol", "p", argRequired, (*parser).optProto},
	{"in-interface", "i", argRequired, ifaceOpt(optIn)},
	{"jump", "j", argRequired, (*parser).optJump},
	{"table", "t", argRequired, (*parser).optTable},
	{"match", "m", argRequired, (*parser).optMatch},
	{"numeric", "n", argNone, flagOpt(optNumeric)},
	{"out-interface", "o", argRequired, ifaceOpt(optOut)},
	{"verbose", "v", argNone, (*parser).optVerbose},
	{"wait", "w", argOptional, waitOpt("wait seconds not numeric")},
	{"wait-interval", "W", argOptional, waitOpt("wait interval not numeric")},
	{"exact", "x", argNone, flagOpt(optExact)},
	{"fragment", "f", argNone, refusedOpt(optFragment, "-f (fragments)")},
	{"version", "V", argNone, endOpt('V')},
	{"help", "h", argOptional, endOpt('h')},
	{"line-numbers", "line-numbers", argNone, flagOpt(optLineNumbers)},
	{"modprobe", "M", argRequired, ignoredOpt},
	{"set-counters", "c", argRequired, refusedOpt(optCounters, "-c (setting counters)")},
	{"goto", "g", argRequired, notEmulatedOpt("-g (goto)")},
	{"ipv4", "4", argNone, ignoredOpt},
	{"ipv6", "6", argNone, func(*parser, optArg) *Error { return &Error{Status: 2, Msg: tryHelp} }},
	{"", "b", argNone, func(_ *parser, a optArg) *Error { return paramErr("unknown option \"%s\"", a.raw) }},
}

// Extension options, active once their match or target is loaded.
var (
	tcpOpts = []optSpec{
		{"source-port", "sport", argRequired, portOpt("sport")},
		{"sport", "sport", argRequired, portOpt("sport")},
		{"destination-port", "dport", argRequired, portOpt("dport")},
		{"dport", "dport", argRequired, portOpt("dport")},
		{"syn", "syn", argNone, notEmulatedOpt("--syn")},
		{"tcp-flags", "tcp-flags", argRequired, notEmulatedOpt("--tcp-flags")},
		{"tcp-option", "tcp-option", argRequired, notEmulatedOpt("--tcp-option")},
	}
	udpOpts  = tcpOpts[:4]
	icmpOpts = []optSpec{{"icmp-type", "icmp-type", argRequired, notEmulatedOpt("--icmp-type")}}

	targetOpts = map[string][]optSpec{
		"MASQUERADE": {targetOpt("to-ports", argRequired, nil), targetOpt("random", argNone, nil), targetOpt("random-fully", argNone, nil)},
		"SNAT": {targetOpt("to-source", argRequired, (*parser).optNATTo), targetOpt("random", argNone, nil),
			targetOpt("random-fully", argNone, nil), targetOpt("persistent", argNone, nil)},
		"DNAT": {targetOpt("to-destination", argRequired, (*parser).optNATTo), targetOpt("random", argNone, nil),
			targetOpt("persistent", argNone, nil)},
		"REJECT": {targetOpt("reject-with", argRequired, (*parser).optRejectWith)},
		"LOG": {targetOpt("log-level", argRequired, (*parser).optLogLevel), targetOpt("log-prefix", argRequired, (*parser).optLogPrefix),
			targetOpt("log-tcp-sequence", argNone, nil), targetOpt("log-tcp-options", argNone, nil),
			targetOpt("log-ip-options", argNone, nil), targetOpt("log-uid", argNone, nil), targetOpt("log-macdecode", argNone, nil)},
	}

	conntrackOpts = []optSpec{{"ctstate", "ctstate", argRequired, (*parser).optCtState}}
	addrtypeOpts  = []optSpec{
		{"dst-type", "dst-type", argRequired, (*parser).optDstType},
		{"src-type", "src-type", argRequired, notEmulatedOpt("--src-type")},
	}
)

// Targets and matches iptables knows but nsemu does not emulate (a chain
// may not take a target's name either).
var (
	otherTargets = map[string]bool{"QUEUE": true, "REDIRECT": true, "MARK": true, "CONNMARK": true,
		"CT": true, "TCPMSS": true, "NFLOG": true, "NFQUEUE": true, "ULOG": true,
		"TEE": true, "CLASSIFY": true, "DSCP": true, "TOS": true, "TTL": true, "CHECKSUM": true, "SET": true,
		"AUDIT": true, "NETMAP": true, "CLUSTERIP": true, "ECN": true, "HMARK": true, "IDLETIMER": true,
		"LED": true, "RATEEST": true, "SECMARK": true, "CONNSECMARK": true, "SYNPROXY": true, "TPROXY": true,
		"MIRROR": true, "SAME": true, "TCPOPTSTRIP": true, "JOOL": true}
	otherMatches = map[string]bool{"conntrack": true, "state": true, "addrtype": true, "comment": true,
		"multiport": true, "mark": true, "connmark": true, "limit": true, "icmp": true, "iprange": true,
		"mac": true, "physdev": true, "set": true, "length": true, "ttl": true, "tos": true, "dscp": true,
		"owner": true, "pkttype": true, "recent": true, "string": true, "time": true, "hashlimit": true,
		"connlimit": true, "socket": true, "policy": true, "rpfilter": true, "statistic": true, "u32": true,
		"cgroup": true, "devgroup": true, "helper": true, "realm": true, "quota": true, "sctp": true,
		"udplite": true, "esp": true, "ah": true, "ecn": true, "tcpmss": true, "connbytes": true,
		"cluster": true, "cpu": true, "dccp": true, "hl": true, "ipvs": true, "nfacct": true, "osf": true,
		"bpf": true, "ipcomp": true, "l2tp": true, "connlabel": true, "conntrack2": true, "unclean": true}
)

// Commands.

// cmdOpt is a command that names a chain (-A, -C).
func cmdOpt(cmd int) func(*parser, optArg) *Error {
	return func(p *parser, a optArg) *Error {
		if err := p.addCommand(cmd, 0); err != nil {
			return err
		}
		p.out.Chain = a.val
		return nil
	}
}

// chainOpt is a command whose chain is optional (-F, -X).
func chainOpt(cmd int) func(*parser, optArg) *Error {
	return func(p *parser, a optArg) *Error {
		if err := p.addCommand(cmd, 0); err != nil {
			return err
		}
		p.optionalChain(a)
		return nil
	}
}

// listOpt is -L or -S: an optional chain and rule number; -Z may come too.
func listOpt(cmd int) func(*parser, optArg) *Error {
	return func(p *parser, a optArg) *Error {
		if err := p.addCommand(cmd, cmdZero|cmdZeroNum); err != nil {
			return err
		}
		p.optionalChain(a)
		_, err := p.optionalNum()
		return err
	}
}

// optionalChain takes the chain from the option's argument or the next
// word, if any.
func (p *parser) optionalChain(a optArg) {
	if a.set {
		p.out.Chain = a.val
	} else if p.hasArg() {
		p.out.Chain = p.next()
	}
}

// optionalNum takes a rule number from the next word, if any.
func (p *parser) optionalNum() (bool, *Error) {
	if !p.hasArg() {
		return false, nil
	}
	n, err := parseRuleNumber(p.next())
	if err != nil {
		return false, err
	}
	p.out.Num = n
	return true, nil
}

func (p *parser) optDelete(a optArg) *Error {
	if err := cmdOpt(cmdDelete)(p, a); err != nil {
		return err
	}
	num, err := p.optionalNum()
	if num {
		p.command = cmdDeleteNum
	}
	return err
}

func (p *parser) optReplace(a optArg) *Error {
	if err := cmdOpt(cmdReplace)(p, a); err != nil {
		return err
	}
	if !p.hasArg() {
		return paramErr("-%c requires a rule number", 'R')
	}
	_, err := p.optionalNum()
	return err
}

func (p *parser) optInsert(a optArg) *Error {
	if err := cmdOpt(cmdInsert)(p, a); err != nil {
		return err
	}
	p.out.Num = 1
	_, err := p.optionalNum()
	return err
}

func (p *parser) optZero(a optArg) *Error {
	if err := p.addCommand(cmdZero, cmdList|cmdListRules); err != nil {
		return err
	}
	p.optionalChain(a)
	num, err := p.optionalNum()
	if num {
		p.command = p.command&^cmdZero | cmdZeroNum
	}
	return err
}

func (p *parser) optNewChain(a optArg) *Error {
	if err := parseChainName(a.val); err != nil {
		return err
	}
	return cmdOpt(cmdNewChain)(p, a)
}

// argOpt is a command that names a chain, then one more word: its Arg
// (-E's new name, -P's policy); missing is iptables' words when it lacks.
func argOpt(cmd int, missing string) func(*parser, optArg) *Error {
	return func(p *parser, a optArg) *Error {
		if err := cmdOpt(cmd)(p, a); err != nil {
			return err
		}
		if !p.hasArg() {
			return paramErr("%s", missing)
		}
		p.out.Arg = p.next()
		return nil
	}
}

func (p *parser) optRename(a optArg) *Error {
	if err := argOpt(cmdRename, "-E requires old-chain-name and new-chain-name")(p, a); err != nil {
		return err
	}
	return parseChainName(p.out.Arg)
}

// endOpt is -h or -V: the command, and nothing after it counts.
func endOpt(cmd byte) func(*parser, optArg) *Error {
	return func(p *parser, _ optArg) *Error {
		p.out.Cmd = cmd
		p.command = -1
		p.i = len(p.args)
		return nil
	}
}

// Matches.

// addrOpt is -s or -d; the address is parsed once every option is read,
// as iptables does.
func addrOpt(opt int) func(*parser, optArg) *Error {
	return func(p *parser, a optArg) *Error {
		if err := p.setOption(opt); err != nil {
			return err
		}
		if opt == optSource {
			p.src, p.srcSet, p.out.Rule.NotSrc = a.val, true, p.invert
		} else {
			p.dst, p.dstSet, p.out.Rule.NotDst = a.val, true, p.invert
		}
		return nil
	}
}

func (p *parser) optProto(a optArg) *Error {
	if err := p.setOption(optProto); err != nil {
		return err
	}
	num, err := parseProto(a.val)
	if err != nil {
		return err
	}
	if num == 0 && p.invert {
		return paramErr("rule would never match protocol")
	}
	name, emulated := emulatedProtos[num]
	if !emulated {
		return notEmulated(fmt.Sprintf("protocol %s", a.val))
	}
	p.protoSet, p.protoName = num != 0, name
	p.out.Rule.Proto, p.out.Rule.NotProto = name, p.invert
	return nil
}

// parseProto reads -p's argument: a number or a name from /etc/protocols.
func parseProto(s string) (int, *Error) {
	name := strings.ToLower(s)
	if n, ok := strtoui(name, 0, 255); ok {
		return int(n), nil
	}
	if name == "all" {
		return 0, nil
	}
	if n, ok := protoNumbers[name]; ok {
		return n, nil
	}
	return 0, paramErr("unknown protocol \"%s\" specified", s)
}

// ifaceOpt is -i or -o.
func ifaceOpt(opt int) func(*parser, optArg) *Error {
	return func(p *parser, a optArg) *Error {
		if err := p.setOption(opt); err != nil {
			return err
		}
		name, warn, err := parseInterface(a.val)
		if err != nil {
			return err
		}
		if warn != "" {
			p.out.Warnings = append(p.out.Warnings, warn)
		}
		if name == "+" && !p.invert {
			name = ""
		}
		r := &p.out.Rule
		if opt == optIn {
			r.In, r.NotIn = name, p.invert
		} else {
			r.Out, r.NotOut = name, p.invert
		}
		return nil
	}
}

func (p *parser) optJump(a optArg) *Error {
	if err := p.setOption(optJump); err != nil {
		return err
	}
	if err := validTargetName(a.val); err != nil {
		return err
	}
	if otherTargets[a.val] {
		return notEmulated("the " + a.val + " target")
	}
	p.target, p.targetSet = a.val, true
	p.out.Rule.Target = a.val
	return nil
}

func (p *parser) optMatch(a optArg) *Error {
	if p.invert {
		return paramErr("unexpected ! flag before --match")
	}
	switch name := a.val; {
	case name == "tcp" || name == "udp":
		if p.match != "" && p.match != name {
			p.matchBad = true
		}
		if p.match == "" {
			p.match = name
		}
	case p.ext.load(name):
	case otherMatches[name]:
		return notEmulated("the " + name + " match")
	default:
		return paramErr("Couldn't load match `%s':No such file or directory\n", name)
	}
	return nil
}

// Other options.

func (p *parser) optTable(a optArg) *Error {
	if p.invert {
		return paramErr("unexpected ! flag before --table")
	}
	p.out.Table = a.val
	return nil
}

// flagOpt is a listing option: -n, -x, --line-numbers.
func flagOpt(opt int) func(*parser, optArg) *Error {
	return func(p *parser, _ optArg) *Error {
		if err := p.setOption(opt); err != nil {
			return err
		}
		o := &p.out
		switch opt {
		case optNumeric:
			o.Numeric = true
		case optExact:
			o.Exact = true
		case optLineNumbers:
			o.LineNumbers = true
		}
		return nil
	}
}

// optVerbose is -v, which may be repeated.
func (p *parser) optVerbose(optArg) *Error {
	if !p.out.Verbose {
		if err := p.setOption(optVerbose); err != nil {
			return err
		}
	}
	p.out.Verbose = true
	return nil
}

// waitOpt is -w or -W: an optional number, checked and ignored (there is
// no xtables lock to wait for).
func waitOpt(bad string) func(*parser, optArg) *Error {
	return func(p *parser, a optArg) *Error {
		if !a.set && p.hasArg() {
			a.val, a.set = p.next(), true
		}
		if a.set {
			if _, ok := Strtoul(a.val, 10); !ok {
				return paramErr("%s", bad)
			}
		}
		return nil
	}
}

func ignoredOpt(*parser, optArg) *Error { return nil }

// notEmulatedOpt refuses an option nsemu does not model.
func notEmulatedOpt(what string) func(*parser, optArg) *Error {
	return func(*parser, optArg) *Error { return notEmulated(what) }
}

// refusedOpt is notEmulatedOpt for an option iptables checks first.
func refusedOpt(opt int, what string) func(*parser, optArg) *Error {
	return func(p *parser, _ optArg) *Error {
		if err := p.setOption(opt); err != nil {
			return err
		}
		return notEmulated(what)
	}
}

// Extension matches.

// portOpt is the tcp and udp matches' --sport or --dport.
func portOpt(code string) func(*parser, optArg) *Error {
	long := map[string]string{"sport": "source-port", "dport": "destination-port"}[code]
	return func(p *parser, a optArg) *Error {
		set := &p.sportSet
		if code == "dport" {
			set = &p.dportSet
		}
		if *set {
			if p.match == "udp" {
				return paramErr("udp: option \"--%s\" can only be used once.\n", long)
			}
			return paramErr("Only one `--%s' allowed", long)
		}
		*set = true
		pm, err := parsePorts(a.val, p.match, long)
		if err != nil {
			return err
		}
		pm.Not = p.invert
		if code == "sport" {
			p.out.Rule.SPort = pm
		} else {
			p.out.Rule.DPort = pm
		}
		return nil
	}
}

// extMatches records which of the conntrack and addrtype matches a command
// line loaded (Docker's rules use them):
//
//	-m conntrack --ctstate RELATED,ESTABLISHED     -L: ctstate RELATED,ESTABLISHED
//	-m addrtype --dst-type LOCAL                   -L: ADDRTYPE match dst-type LOCAL
type extMatches struct {
	conntrack, addrtype bool
	ctSet, dstSet       bool
}

// load loads a match named by -m; false when it is not one of these.
func (x *extMatches) load(name string) bool {
	switch name {
	case "conntrack":
		x.conntrack = true
	case "addrtype":
		x.addrtype = true
	default:
		return false
	}
	return true
}

// opts are the long options the loaded matches add.
func (x *extMatches) opts() []optSpec {
	var o []optSpec
	if x.conntrack {
		o = append(o, conntrackOpts...)
	}
	if x.addrtype {
		o = append(o, addrtypeOpts...)
	}
	return o
}

func (p *parser) optCtState(a optArg) *Error {
	if p.ext.ctSet {
		return paramErr("conntrack: option \"--ctstate\" can only be used once.\n")
	}
	p.ext.ctSet = true
	s, err := CanonicalCtState(a.val)
	if err != nil {
		return paramErr("Bad ctstate \"%s\"", a.val)
	}
	p.out.Rule.CtState, p.out.Rule.NotCtState = s, p.invert
	return nil
}

func (p *parser) optDstType(a optArg) *Error {
	if p.ext.dstSet {
		return paramErr("addrtype: option \"--dst-type\" can only be used once.\n")
	}
	p.ext.dstSet = true
	t := strings.ToUpper(a.val)
	if t != "LOCAL" {
		return notEmulated("--dst-type " + a.val)
	}
	p.out.Rule.DstType, p.out.Rule.NotDstType = t, p.invert
	return nil
}

// Target options.

// targetOpt is an option of the loaded target: given at most once, never
// inverted, then applied (apply nil: not emulated).
func targetOpt(name string, arg argKind, apply func(*parser, optArg) *Error) optSpec {
	return optSpec{name, name, arg, func(p *parser, a optArg) *Error {
		if p.tOnce[name] {
			return paramErr("%s: option \"--%s\" can only be used once.\n", p.target, name)
		}
		p.tOnce[name] = true
		if p.invert {
			return paramErr("%s: option \"--%s\" cannot be inverted.\n", p.target, name)
		}
		if apply == nil {
			return notEmulated("--" + name)
		}
		return apply(p, a)
	}}
}

// optNATTo is SNAT's --to-source and DNAT's --to-destination.
func (p *parser) optNATTo(a optArg) *Error {
	portOK := p.protoName == "tcp" || p.protoName == "udp" || p.protoName == "icmp"
	portProto := (p.protoName == "tcp" || p.protoName == "udp") && !p.out.Rule.NotProto
	addr, port, err := parseNATTo(a.val, portOK, portProto)
	if err != nil {
		return err
	}
	p.out.Rule.ToAddr, p.out.Rule.ToPort = addr, port
	return nil
}

func (p *parser) optRejectWith(a optArg) *Error {
	w, err := parseRejectWith(a.val)
	if err != nil {
		return err
	}
	p.out.Rule.RejectWith = w
	return nil
}

func (p *parser) optLogPrefix(a optArg) *Error {
	s := a.val
	if s == "" {
		return paramErr("Argument must have a minimum length of 1 characters\n")
	}
	if strings.Contains(s, "\n") {
		return paramErr("Newlines not allowed in --log-prefix")
	}
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	if len(s) > 29 {
		s = s[:29]
	}
	p.out.Rule.LogPrefix = s
	return nil
}

func (p *parser) optLogLevel(a optArg) *Error {
	lv, ok := logLevels[strings.ToLower(a.val)]
	if !ok {
		v, okn := strtoui(a.val, 0, 7)
		if !okn {
			return paramErr("log-level `%s' unknown", a.val)
		}
		lv = int(v)
	}
	if lv != 4 {
		return notEmulated("--log-level " + a.val)
	}
	return nil
}
