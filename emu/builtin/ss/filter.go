package ss

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/nsemu/nsemu/emu/shell"
	"github.com/nsemu/nsemu/stack/netfilter"
)

// The filter language of ss (iproute2 6.1's ssfilter.y): tokens are the
// arguments split at blanks; `!`/`not`, `&`/`&&`/`and`, `|`/`||`/`or`,
// parentheses, and conditions `dst|src [=] HOST`, `dport|sport OP PORT`
// with OP one of = == eq, != ne neq, >= ge geq, <= le leq, > gt, < lt (or
// none, meaning =), and `autobound`. The grammar has no precedence
// between `and` and `or`: an expression list is read left to right, and
// two expressions side by side are joined by `and`.

// Node is a parsed filter expression.
type Node struct {
	Op   NodeOp
	L, R *Node // And, Or: both; Not: L
	Cond *Cond // Dst, Src, DGE, DLE, SGE, SLE
}

// NodeOp is what a Node tests.
type NodeOp int

// The node kinds, as ssfilter.h names them.
const (
	OpDst NodeOp = iota
	OpSrc
	OpOr
	OpAnd
	OpNot
	OpDGE
	OpDLE
	OpSGE
	OpSLE
	OpAuto
)

// Cond is a host condition: an address prefix (Bits 0: any address) and
// a port (-1: any port).
type Cond struct {
	Prefix netip.Prefix
	Port   int
}

// token kinds of the lexer.
const (
	tEOF = iota
	tNot
	tAnd
	tOr
	tLParen
	tRParen
	tDst
	tSrc
	tDport
	tSport
	tGE
	tLE
	tNE
	tEq
	tGT
	tLT
	tAuto
	tHost
	tUnsupported
)

// keywords maps the lexer's words to tokens.
var keywords = map[string]int{
	"!": tNot, "not": tNot, "&": tAnd, "&&": tAnd, "and": tAnd,
	"|": tOr, "||": tOr, "or": tOr, "(": tLParen, ")": tRParen,
	"dst": tDst, "src": tSrc, "dport": tDport, "sport": tSport,
	">=": tGE, "ge": tGE, "geq": tGE, "<=": tLE, "le": tLE, "leq": tLE,
	"!=": tNE, "ne": tNE, "neq": tNE, "=": tEq, "==": tEq, "eq": tEq,
	">": tGT, "gt": tGT, "<": tLT, "lt": tLT, "autobound": tAuto,
	"dev": tUnsupported, "fwmark": tUnsupported, "cgroup": tUnsupported,
}

type token struct {
	kind int
	text string
	cond *Cond
}

// errSyntax is bison's complaint, then ss's usage (exit 255).
func errSyntax() error {
	return usageErr("ss: bison bellows (while parsing filter): \"syntax error!\" Sorry.")
}

// errHost is parse_hostcond's failure (exit 1).
func errHost(why string) error {
	const msg = "Cannot parse dst/src address."
	if why == "" {
		return shell.Failf(1, msg)
	}
	return &shell.ExitError{Status: 1, Msg: why + "\n" + msg, Cause: why}
}

// lexer splits the filter's arguments into tokens; a host word is parsed
// as a port when it follows dport or sport, as ss's lexer does.
type lexer struct {
	words []string
	pos   int
	last  int // the last condition keyword seen
	dbs   dbMask
	peek  *token
}

// splitWords splits each argument at blanks, a backslash escaping the
// next character.
func splitWords(args []string) []string {
	var out []string
	for _, a := range args {
		var w strings.Builder
		in := false
		for i := 0; i < len(a); i++ {
			c := a[i]
			switch {
			case c == ' ' || c == '\t':
				if in {
					out, in = append(out, w.String()), false
					w.Reset()
				}
				continue
			case c == '\\' && i+1 < len(a):
				i++
				c = a[i]
			case c == '\\':
				continue
			}
			w.WriteByte(c)
			in = true
		}
		if in {
			out = append(out, w.String())
		}
	}
	return out
}

func (l *lexer) next() (token, error) {
	if l.peek != nil {
		t := *l.peek
		l.peek = nil
		return t, nil
	}
	if l.pos >= len(l.words) {
		return token{kind: tEOF}, nil
	}
	w := l.words[l.pos]
	l.pos++
	if k, ok := keywords[w]; ok {
		switch k {
		case tDst, tSrc, tDport, tSport, tAuto:
			l.last = k
		case tUnsupported:
			return token{}, shell.Failf(1, "nsemu: ss: the %s filter is not emulated", w)
		}
		return token{kind: k, text: w}, nil
	}
	c, err := parseHostCond(w, l.last == tDport || l.last == tSport, l.dbs)
	if err != nil {
		return token{}, err
	}
	return token{kind: tHost, text: w, cond: c}, nil
}

func (l *lexer) unread(t token) { l.peek = &t }

// ParseFilter parses a filter expression; nil for an empty one.
func ParseFilter(args []string, dbs dbMask) (*Node, error) {
	l := &lexer{words: splitWords(args), dbs: dbs}
	t, err := l.next()
	if err != nil || t.kind == tEOF {
		return nil, err
	}
	l.unread(t)
	n, err := l.exprList(0)
	if err != nil {
		return nil, err
	}
	if t, err := l.next(); err != nil {
		return nil, err
	} else if t.kind != tEOF {
		return nil, errSyntax()
	}
	return n, nil
}

// maxDepth bounds the nesting of parentheses and negations, as bison's
// stack is bounded (10 000 entries).
const maxDepth = 5000

// exprList reads expr { ['|'|'&'] expr }, left to right.
func (l *lexer) exprList(depth int) (*Node, error) {
	n, err := l.expr(depth)
	if err != nil {
		return nil, err
	}
	for {
		t, err := l.next()
		if err != nil {
			return nil, err
		}
		op := OpAnd
		switch t.kind {
		case tEOF, tRParen:
			l.unread(t)
			return n, nil
		case tOr:
			op = OpOr
		case tAnd:
		default:
			l.unread(t)
		}
		r, err := l.expr(depth)
		if err != nil {
			return nil, err
		}
		n = &Node{Op: op, L: n, R: r}
	}
}

// expr reads one expression.
func (l *lexer) expr(depth int) (*Node, error) {
	if depth > maxDepth {
		return nil, usageErr("ss: bison bellows (while parsing filter): \"memory exhausted!\" Sorry.")
	}
	t, err := l.next()
	if err != nil {
		return nil, err
	}
	switch t.kind {
	case tLParen:
		n, err := l.exprList(depth + 1)
		if err != nil {
			return nil, err
		}
		if t, err := l.next(); err != nil {
			return nil, err
		} else if t.kind != tRParen {
			return nil, errSyntax()
		}
		return n, nil
	case tNot:
		n, err := l.expr(depth + 1)
		if err != nil {
			return nil, err
		}
		return &Node{Op: OpNot, L: n}, nil
	case tAuto:
		return &Node{Op: OpAuto}, nil
	case tDst, tSrc:
		return l.addrCond(t.kind)
	case tDport, tSport:
		return l.portCond(t.kind)
	}
	return nil, errSyntax()
}

// addrCond reads `[=] HOST` after dst or src.
func (l *lexer) addrCond(kw int) (*Node, error) {
	t, err := l.next()
	if err != nil {
		return nil, err
	}
	if t.kind == tEq {
		if t, err = l.next(); err != nil {
			return nil, err
		}
	}
	if t.kind != tHost {
		return nil, errSyntax()
	}
	op := OpDst
	if kw == tSrc {
		op = OpSrc
	}
	return &Node{Op: op, Cond: t.cond}, nil
}

// portCond reads `[OP] PORT` after dport or sport.
func (l *lexer) portCond(kw int) (*Node, error) {
	t, err := l.next()
	if err != nil {
		return nil, err
	}
	cmp := tEq
	switch t.kind {
	case tGE, tLE, tNE, tEq, tGT, tLT:
		cmp = t.kind
		if t, err = l.next(); err != nil {
			return nil, err
		}
	}
	if t.kind != tHost {
		return nil, errSyntax()
	}
	d := kw == tDport
	eq, ge, le := pick(d, OpDst, OpSrc), pick(d, OpDGE, OpSGE), pick(d, OpDLE, OpSLE)
	leaf := func(op NodeOp) *Node { return &Node{Op: op, Cond: t.cond} }
	not := func(n *Node) *Node { return &Node{Op: OpNot, L: n} }
	switch cmp {
	case tGE:
		return leaf(ge), nil
	case tLE:
		return leaf(le), nil
	case tGT:
		return not(leaf(le)), nil
	case tLT:
		return not(leaf(ge)), nil
	case tNE:
		return not(leaf(eq)), nil
	}
	return leaf(eq), nil
}

func pick(c bool, a, b NodeOp) NodeOp {
	if c {
		return a
	}
	return b
}

// parseHostCond is ss's parse_hostcond for IPv4: [ADDR[/LEN]][:PORT],
// *[:PORT], [ADDR]:PORT; with isPort, the word is a port (":80", "80",
// "http"). Ports are C integers (strtol, any base) or service names.
func parseHostCond(w string, isPort bool, dbs dbMask) (*Cond, error) {
	for _, fam := range []string{"unix:", "link:", "netlink:", "vsock:", "inet6:"} {
		if strings.HasPrefix(w, fam) {
			return nil, shell.Failf(1, "nsemu: ss: %s addresses are not emulated", strings.TrimSuffix(fam, ":"))
		}
	}
	addr := strings.TrimPrefix(w, "inet:")
	c := &Cond{Port: -1}
	port, hasPort := "", false
	switch {
	case isPort:
		port, hasPort = addr, true
	case strings.HasPrefix(addr, "["):
		i := strings.IndexByte(addr, ']')
		if i < 0 {
			return nil, errHost("")
		}
		addr, port, hasPort = addr[1:i], addr[i+1:], true
	case strings.HasPrefix(addr, "*"):
		addr, port, hasPort = "*", addr[1:], true
	default:
		from := strings.IndexByte(addr, '/')
		if i := strings.LastIndexByte(addr, ':'); i >= 0 && i > from {
			addr, port, hasPort = addr[:i], addr[i:], true
		}
	}
	if hasPort {
		port = strings.TrimPrefix(port, ":")
		if port != "" && port != "*" {
			p, err := parsePort(port, dbs)
			if err != nil {
				return nil, err
			}
			c.Port = p
		}
	}
	if isPort || addr == "" || addr == "*" {
		return c, nil
	}
	p, err := parsePrefix(addr)
	if err != nil {
		return nil, errHost(fmt.Sprintf("Error: an inet prefix is expected rather than \"%s\".", addr))
	}
	c.Prefix = p
	return c, nil
}

// parsePort reads a port as get_integer (strtol, base 0) or a service
// name of the protocols shown.
func parsePort(s string, dbs dbMask) (int, error) {
	if v, ok := cInt(s); ok {
		return v, nil
	}
	var ports []uint16
	for _, p := range []struct {
		db    dbMask
		proto string
	}{{dbUDP, "udp"}, {dbTCP, "tcp"}} {
		if dbs&p.db != 0 {
			if n, ok := netfilter.ServicePort(p.proto, s); ok {
				ports = append(ports, n)
			}
		}
	}
	switch {
	case len(ports) == 2 && ports[0] != ports[1]:
		return 0, errHost(fmt.Sprintf("Error: ambiguous port \"%s\".", s))
	case len(ports) > 0:
		return int(ports[0]), nil
	}
	return 0, errHost(fmt.Sprintf("Error: \"%s\" does not look like a port.", s))
}

// cInt is strtol(s, &end, 0) over the whole of s into an int, as
// get_integer reads it: a sign, 0x hex, 0 octal.
func cInt(s string) (int, bool) {
	neg := false
	t := s
	if t != "" && (t[0] == '+' || t[0] == '-') {
		neg, t = t[0] == '-', t[1:]
	}
	if t == "" || t[0] == '+' || t[0] == '-' {
		return 0, false
	}
	v, err := strconv.ParseInt(t, 0, 64)
	if err != nil || strings.Contains(t, "_") || (len(t) > 1 && t[0] == '0' && (t[1] == 'b' || t[1] == 'B' || t[1] == 'o' || t[1] == 'O')) {
		return 0, false
	}
	if neg {
		v = -v
	}
	if v < -1<<31 || v > 1<<31-1 {
		return 0, false
	}
	return int(v), true
}

// parsePrefix reads ADDR[/LEN] as get_prefix_1 does for IPv4 ("default",
// "any" and "all" are 0/0); localhost is the one name resolved.
func parsePrefix(s string) (netip.Prefix, error) {
	switch s {
	case "default", "any", "all":
		return netip.PrefixFrom(netip.IPv4Unspecified(), 0), nil
	case "localhost":
		return netip.PrefixFrom(netip.AddrFrom4([4]byte{127, 0, 0, 1}), 32), nil
	}
	a, l, hasLen := strings.Cut(s, "/")
	ip, err := netip.ParseAddr(a)
	if err != nil || !ip.Is4() {
		return netip.Prefix{}, fmt.Errorf("bad address %q", a)
	}
	bits := 32
	if hasLen {
		n, err := strconv.Atoi(l)
		if err != nil || n < 0 || n > 32 || strings.HasPrefix(l, "+") {
			return netip.Prefix{}, fmt.Errorf("bad length %q", l)
		}
		bits = n
	}
	return netip.PrefixFrom(ip, bits), nil
}

// Match evaluates the filter on a socket's addresses; ephemeral reports
// whether a local port is in the ephemeral range (autobound).
func (n *Node) Match(local, remote netip.AddrPort, ephemeral func(uint16) bool) bool {
	if n == nil {
		return true
	}
	switch n.Op {
	case OpOr:
		return n.L.Match(local, remote, ephemeral) || n.R.Match(local, remote, ephemeral)
	case OpAnd:
		return n.L.Match(local, remote, ephemeral) && n.R.Match(local, remote, ephemeral)
	case OpNot:
		return !n.L.Match(local, remote, ephemeral)
	case OpAuto:
		return ephemeral(local.Port())
	case OpDst:
		return n.Cond.match(remote)
	case OpSrc:
		return n.Cond.match(local)
	case OpDGE:
		return int(remote.Port()) >= n.Cond.Port
	case OpDLE:
		return int(remote.Port()) <= n.Cond.Port
	case OpSGE:
		return int(local.Port()) >= n.Cond.Port
	case OpSLE:
		return int(local.Port()) <= n.Cond.Port
	}
	return false
}

// match is a host condition on one side's address and port.
func (c *Cond) match(ap netip.AddrPort) bool {
	if c.Port != -1 && c.Port != int(ap.Port()) {
		return false
	}
	if !c.Prefix.IsValid() || c.Prefix.Bits() == 0 {
		return true
	}
	return c.Prefix.Masked().Contains(ap.Addr())
}

// String prints the expression in ss's syntax, every operation in
// parentheses: what it prints parses back to the same expression.
func (n *Node) String() string {
	if n == nil {
		return ""
	}
	switch n.Op {
	case OpOr, OpAnd:
		op := map[NodeOp]string{OpOr: "or", OpAnd: "and"}[n.Op]
		return fmt.Sprintf("( %s %s %s )", n.L, op, n.R)
	case OpNot:
		return fmt.Sprintf("not %s", n.L)
	case OpAuto:
		return "autobound"
	}
	if kw, ok := map[NodeOp]string{OpDGE: "dport >=", OpDLE: "dport <=", OpSGE: "sport >=", OpSLE: "sport <="}[n.Op]; ok {
		return fmt.Sprintf("%s :%d", kw, n.Cond.Port)
	}
	return map[NodeOp]string{OpDst: "dst ", OpSrc: "src "}[n.Op] + n.Cond.String()
}

// String prints a host condition: ADDR/BITS:PORT, * for any.
func (c *Cond) String() string {
	addr, port := "*", "*"
	if c.Prefix.IsValid() {
		addr = c.Prefix.String()
	}
	if c.Port != -1 {
		port = strconv.Itoa(c.Port)
	}
	return addr + ":" + port
}
