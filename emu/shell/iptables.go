package shell

import (
	"errors"
	"fmt"
	"io"
	"net/netip"
	"sort"
	"strings"

	"github.com/nsemu/nsemu/stack"
)

func init() {
	Register(&Builtin{
		Name:  "iptables",
		Usage: "iptables [-t TABLE] -A|-I|-R|-D|-C|-L|-S|-F|-Z|-N|-X|-E|-P ... (iptables v1.8.9 syntax)",
		Help: `Edits the current namespace's iptables: tables filter, nat, mangle and raw,
with counters. Matches: -s -d -p tcp|udp|icmp -i -o --sport --dport (-m tcp,
-m udp), each may be negated with !. Targets: ACCEPT DROP RETURN, REJECT
[--reject-with], LOG [--log-prefix], MASQUERADE, SNAT --to-source ADDR[:PORT],
DNAT --to-destination ADDR[:PORT], TRACE and NOTRACK (raw), user chains.
Listing: -L [-n] [-v] [-x] [--line-numbers], -S. Messages and exit statuses
are iptables v1.8.9's; what nsemu does not model (other matches and targets,
ranges) is refused, never ignored. -n lists protocols by name, as every
iptables but 1.8.9 does.`,
		Run: runIPTables,
	})
	Register(&Builtin{
		Name:  "iptables-save",
		Usage: "iptables-save [-c] [-t TABLE]",
		Help:  "Prints the current namespace's tables in iptables-restore format (-c: with counters).",
		Run:   runIPTablesSave,
	})
}

func iptFail(c *Cmd, err error) int {
	var ie *IPTablesError
	if errors.As(err, &ie) {
		io.WriteString(c.Stderr, ie.Msg)
		return ie.Status
	}
	var te *stack.TableError
	if errors.As(err, &te) {
		fmt.Fprintf(c.Stderr, "%s\nPerhaps iptables or your kernel needs to be upgraded.\n", te.Error())
		return 3
	}
	fmt.Fprintf(c.Stderr, "%s\n", err)
	return 1
}

func runIPTables(c *Cmd) int {
	cmd, err := ParseIPTables(c.Args[1:])
	if err != nil {
		return iptFail(c, err)
	}
	for _, w := range cmd.Warnings {
		fmt.Fprintln(c.Stderr, w)
	}
	switch cmd.Cmd {
	case 'h':
		io.WriteString(c.Stdout, iptHelp)
		return 0
	case 'V':
		fmt.Fprintln(c.Stdout, iptVersion)
		return 0
	}
	st := c.NS.Stack()
	chains, err := st.IPTablesList(cmd.Table)
	if err != nil {
		return iptFail(c, err)
	}
	if cmd.HasRule {
		if err := iptCheckRule(cmd, chains); err != nil {
			return iptFail(c, err)
		}
	}
	tbl, ch := cmd.Table, cmd.Chain
	switch cmd.Cmd {
	case 'A':
		err = st.IPTablesAppend(tbl, ch, cmd.Rule)
	case 'I':
		err = st.IPTablesInsert(tbl, ch, cmd.Num, cmd.Rule)
	case 'R':
		err = iptReplace(st, cmd, chains)
	case 'D':
		if cmd.HasRule {
			var n int
			n, err = iptFind(chains, ch, cmd.Rule)
			if err == nil {
				err = st.IPTablesDeleteNum(tbl, ch, n)
			}
		} else {
			err = st.IPTablesDeleteNum(tbl, ch, cmd.Num)
		}
	case 'C':
		_, err = iptFind(chains, ch, cmd.Rule)
	case 'L', 'S':
		var sb strings.Builder
		if cmd.Cmd == 'L' {
			err = iptList(&sb, chains, cmd)
		} else {
			err = iptListRules(&sb, chains, cmd)
		}
		io.WriteString(c.Stdout, sb.String())
		if err == nil && cmd.Zero {
			err = iptZero(c, st, cmd, chains)
		}
	case 'F':
		if err = st.IPTablesFlush(tbl, ch); err == nil && cmd.Verbose {
			for _, cs := range iptOrder(chains) {
				if ch == "" || cs.Name == ch {
					c.Printf("Flushing chain `%s'\n", cs.Name)
				}
			}
		}
	case 'Z':
		err = iptZero(c, st, cmd, chains)
	case 'N':
		err = st.IPTablesNewChain(tbl, ch)
	case 'X':
		if cmd.Verbose {
			// iptables prints these as it goes, before it commits.
			for _, cs := range iptOrder(chains) {
				if cs.Policy == "" && (ch == "" || cs.Name == ch) {
					c.Printf("Deleting chain `%s'\n", cs.Name)
				}
			}
		}
		for _, cs := range chains {
			if cs.Policy == "" && (ch == "" || cs.Name == ch) && cs.References > 0 {
				// libiptc looks at references before contents.
				return iptFail(c, stack.ErrChainInUse)
			}
		}
		err = st.IPTablesDeleteChain(tbl, ch)
	case 'E':
		err = st.IPTablesRenameChain(tbl, ch, cmd.Arg)
	case 'P':
		err = iptPolicy(st, cmd, chains)
	default:
		err = iptParamErr("no command specified")
	}
	if err != nil {
		return iptFail(c, err)
	}
	return 0
}

// iptCheckRule does what iptables and the kernel check once the table is
// open: the target exists, and the kernel accepts target and matches in
// that table and chain. (The stack checks targets reached through jumps.)
func iptCheckRule(cmd *IPTablesCmd, chains []stack.ChainStat) error {
	r := cmd.Rule
	if t := r.Target; t != "" && !iptEmulatedTargets[t] {
		found := false
		for _, cs := range chains {
			if cs.Name == t {
				found = true
				if cs.Policy != "" {
					// A jump to a built-in chain.
					if cmd.Cmd == 'D' || cmd.Cmd == 'C' {
						return iptKernelErr(iptErrBadRule)
					}
					return iptKernelErr(iptErrInvalid)
				}
			}
		}
		if !found {
			return iptParamErr("Couldn't load target `%s':No such file or directory\n", t)
		}
	}
	if cmd.Reject != nil {
		return cmd.Reject
	}
	if cmd.Cmd == 'D' || cmd.Cmd == 'C' {
		return nil
	}
	bad := false
	switch r.Target {
	case "REJECT":
		bad = cmd.Table != "filter" || cmd.Chain == "PREROUTING" || cmd.Chain == "POSTROUTING"
	case "MASQUERADE":
		bad = cmd.Table != "nat" || iptBuiltinName(cmd.Chain) && cmd.Chain != "POSTROUTING"
	case "SNAT":
		bad = cmd.Table != "nat" || iptBuiltinName(cmd.Chain) && cmd.Chain != "POSTROUTING" && cmd.Chain != "INPUT"
	case "DNAT":
		bad = cmd.Table != "nat" || iptBuiltinName(cmd.Chain) && cmd.Chain != "PREROUTING" && cmd.Chain != "OUTPUT"
	}
	if bad {
		return iptKernelErr(iptErrInvalid)
	}
	return nil
}

func iptBuiltinName(ch string) bool {
	switch ch {
	case "PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING":
		return true
	}
	return false
}

// iptFind returns the 1-based position of the first rule of chain ch equal
// to r, as iptables -D and -C compare them.
func iptFind(chains []stack.ChainStat, ch string, r stack.Rule) (int, error) {
	for _, cs := range chains {
		if cs.Name != ch {
			continue
		}
		want := iptCanonRule(r)
		for i, x := range cs.Rules {
			if iptCanonRule(x.Rule).Equal(want) {
				return i + 1, nil
			}
		}
		return 0, iptKernelErr(iptErrBadRule)
	}
	return 0, stack.ErrNoChain
}

func iptReplace(st *stack.Stack, cmd *IPTablesCmd, chains []stack.ChainStat) error {
	var old *stack.Rule
	for _, cs := range chains {
		if cs.Name == cmd.Chain {
			if cmd.Num > len(cs.Rules) {
				return iptKernelErr("iptables: Index of replacement too big.")
			}
			r := cs.Rules[cmd.Num-1].Rule
			old = &r
		}
	}
	if old == nil {
		return stack.ErrNoChain
	}
	if err := st.IPTablesDeleteNum(cmd.Table, cmd.Chain, cmd.Num); err != nil {
		return err
	}
	if err := st.IPTablesInsert(cmd.Table, cmd.Chain, cmd.Num, cmd.Rule); err != nil {
		_ = st.IPTablesInsert(cmd.Table, cmd.Chain, cmd.Num, *old)
		return err
	}
	return nil
}

func iptZero(c *Cmd, st *stack.Stack, cmd *IPTablesCmd, chains []stack.ChainStat) error {
	if cmd.Num > 0 {
		return st.IPTablesZeroRule(cmd.Table, cmd.Chain, cmd.Num)
	}
	if err := st.IPTablesZero(cmd.Table, cmd.Chain); err != nil {
		return err
	}
	if cmd.Verbose {
		for _, cs := range iptOrder(chains) {
			if cmd.Chain == "" || cs.Name == cmd.Chain {
				c.Printf("Zeroing chain `%s'\n", cs.Name)
			}
		}
	}
	return nil
}

func iptPolicy(st *stack.Stack, cmd *IPTablesCmd, chains []stack.ChainStat) error {
	builtin := false
	for _, cs := range chains {
		if cs.Name == cmd.Chain && cs.Policy != "" {
			builtin = true
		}
	}
	if !builtin {
		return stack.ErrBadBuiltin
	}
	if cmd.Arg != "ACCEPT" && cmd.Arg != "DROP" {
		return iptKernelErr("iptables: Bad policy name. Run `dmesg' for more information.")
	}
	return st.IPTablesPolicy(cmd.Table, cmd.Chain, cmd.Arg)
}

// iptOrder returns the chains as libiptc lists them: built-in chains in
// hook order, then user chains by name.
func iptOrder(chains []stack.ChainStat) []stack.ChainStat {
	var b, u []stack.ChainStat
	for _, cs := range chains {
		if cs.Policy != "" {
			b = append(b, cs)
		} else {
			u = append(u, cs)
		}
	}
	sort.SliceStable(u, func(i, j int) bool { return u[i].Name < u[j].Name })
	return append(b, u...)
}

// iptNum is xtables_print_num: exact ("%8llu ") or with K/M/G/T suffixes.
func iptNum(n uint64, exact, notable bool) string {
	if exact {
		if notable {
			return fmt.Sprintf("%d ", n)
		}
		return fmt.Sprintf("%8d ", n)
	}
	w := func(width int, v uint64, suffix string) string {
		if notable {
			return fmt.Sprintf("%d%s ", v, suffix)
		}
		return fmt.Sprintf("%*d%s ", width, v, suffix)
	}
	if n <= 99999 {
		return w(5, n, "")
	}
	for _, suffix := range []string{"K", "M", "G"} {
		n = (n + 500) / 1000
		if n <= 9999 {
			return w(4, n, suffix)
		}
	}
	n = (n + 500) / 1000
	return w(4, n, "T")
}

// iptAddrString renders an address and mask as -L does.
func iptAddrString(p netip.Prefix, numeric bool) string {
	if !p.IsValid() || p.Bits() == 0 {
		if numeric {
			return "0.0.0.0/0"
		}
		return "anywhere"
	}
	if p.Bits() == 32 {
		if !numeric && p.Addr() == netip.AddrFrom4([4]byte{127, 0, 0, 1}) {
			return "localhost" // from /etc/hosts
		}
		return p.Addr().String()
	}
	return fmt.Sprintf("%s/%d", p.Addr(), p.Bits())
}

func iptPortString(port uint16, proto string, numeric bool) string {
	if !numeric {
		if n, ok := iptServiceName(proto, port); ok {
			return n
		}
	}
	return fmt.Sprint(port)
}

func iptPortsL(name string, pm *stack.PortMatch, proto string, numeric bool) string {
	if pm == nil || (pm.Lo == 0 && pm.Hi == 65535 && !pm.Not) {
		return ""
	}
	inv := ""
	if pm.Not {
		inv = "!"
	}
	if pm.Lo == pm.Hi {
		return fmt.Sprintf(" %s:%s%s", name, inv, iptPortString(pm.Lo, proto, numeric))
	}
	return fmt.Sprintf(" %ss:%s%s:%s", name, inv, iptPortString(pm.Lo, proto, numeric), iptPortString(pm.Hi, proto, numeric))
}

// iptMatchProto is the name of the rule's port match.
func iptMatchProto(r stack.Rule) string {
	if r.SPort == nil && r.DPort == nil {
		return ""
	}
	if r.Proto == "udp" {
		return "udp"
	}
	return "tcp"
}

// iptRuleLine renders a rule as a row of iptables -L.
func iptRuleLine(rs stack.RuleStat, num int, cmd *IPTablesCmd) string {
	r := rs.Rule
	var b strings.Builder
	if cmd.LineNumbers {
		fmt.Fprintf(&b, "%-4d ", num)
	}
	if cmd.Verbose {
		b.WriteString(iptNum(rs.Packets, cmd.Exact, false))
		b.WriteString(iptNum(rs.Bytes, cmd.Exact, false))
	}
	fmt.Fprintf(&b, "%-9s ", r.Target)
	b.WriteString(iptBang(r.NotProto && r.Proto != ""))
	proto := r.Proto
	if proto == "" {
		proto = "all"
	}
	fmt.Fprintf(&b, "%-5s", proto)
	b.WriteString("-- ")
	if cmd.Verbose {
		iface := func(name string, not bool) string {
			s := ""
			if not {
				s = "!"
			}
			switch {
			case name != "":
				return s + name
			case cmd.Numeric:
				return s + "*"
			}
			return s + "any"
		}
		fmt.Fprintf(&b, " %-6s ", iface(r.In, r.NotIn))
		fmt.Fprintf(&b, "%-6s ", iface(r.Out, r.NotOut))
	}
	b.WriteString(iptBang(r.NotSrc && r.Src.IsValid()))
	fmt.Fprintf(&b, "%-19s ", iptAddrString(r.Src, cmd.Numeric))
	b.WriteString(iptBang(r.NotDst && r.Dst.IsValid()))
	fmt.Fprintf(&b, "%-19s ", iptAddrString(r.Dst, cmd.Numeric))
	if mp := iptMatchProto(r); mp != "" {
		b.WriteString(" " + mp)
		b.WriteString(iptPortsL("spt", r.SPort, mp, cmd.Numeric))
		b.WriteString(iptPortsL("dpt", r.DPort, mp, cmd.Numeric))
	}
	b.WriteString(iptExtL(r))
	switch r.Target {
	case "LOG":
		if cmd.Numeric {
			b.WriteString(" LOG flags 0 level 4")
		} else {
			b.WriteString(" LOG level warn")
		}
		if r.LogPrefix != "" {
			fmt.Fprintf(&b, " prefix \"%s\"", r.LogPrefix)
		}
	case "REJECT":
		with := r.RejectWith
		if with == "" {
			with = "icmp-port-unreachable"
		}
		b.WriteString(" reject-with " + with)
	case "SNAT", "DNAT":
		b.WriteString(" to:" + iptNATTo(r))
	}
	b.WriteString("\n")
	return b.String()
}

func iptBang(not bool) string {
	if not {
		return "!"
	}
	return " "
}

func iptNATTo(r stack.Rule) string {
	s := r.ToAddr.String()
	if !r.ToAddr.IsValid() {
		s = ""
	}
	if r.ToPort != 0 {
		s += fmt.Sprintf(":%d", r.ToPort)
	}
	return s
}

func iptListHeader(b *strings.Builder, cs stack.ChainStat, cmd *IPTablesCmd) {
	if cs.Policy != "" {
		fmt.Fprintf(b, "Chain %s (policy %s", cs.Name, cs.Policy)
		if cmd.Verbose {
			fmt.Fprintf(b, " %spackets, %sbytes", iptNum(cs.Packets, cmd.Exact, true), iptNum(cs.Bytes, cmd.Exact, true))
		}
		b.WriteString(")\n")
	} else {
		fmt.Fprintf(b, "Chain %s (%d references)\n", cs.Name, cs.References)
	}
	if cmd.LineNumbers {
		fmt.Fprintf(b, "%-4s ", "num")
	}
	if cmd.Verbose {
		if cmd.Exact {
			fmt.Fprintf(b, "%8s %10s ", "pkts", "bytes")
		} else {
			fmt.Fprintf(b, "%5s %5s ", "pkts", "bytes")
		}
	}
	fmt.Fprintf(b, "%-9s  prot opt", "target")
	if cmd.Verbose {
		fmt.Fprintf(b, " %-6s %-6s ", "in", "out")
	}
	fmt.Fprintf(b, " %-19s  %-19s \n", "source", "destination")
}

// iptList is iptables -L.
func iptList(b *strings.Builder, chains []stack.ChainStat, cmd *IPTablesCmd) error {
	found := false
	for _, cs := range iptOrder(chains) {
		if cmd.Chain != "" && cs.Name != cmd.Chain {
			continue
		}
		if cmd.Num == 0 {
			if found {
				b.WriteString("\n")
			}
			iptListHeader(b, cs, cmd)
		}
		found = true
		for i, rs := range cs.Rules {
			if cmd.Num == 0 || cmd.Num == i+1 {
				b.WriteString(iptRuleLine(rs, i+1, cmd))
			}
		}
	}
	if !found && cmd.Chain != "" {
		return stack.ErrNoChain
	}
	return nil
}

// iptSaveString is xtables_save_string: quoted (with \ before " \ ') unless
// made only of letters, digits, _ and -.
func iptSaveString(s string) string {
	plain := s != ""
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			plain = false
			break
		}
	}
	if plain {
		return s
	}
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' || s[i] == '\\' || s[i] == '\'' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('"')
	return b.String()
}

// IPTablesRuleArgs renders a rule's specification as iptables -S prints it
// (after "-A CHAIN"), one argument per element; the LOG prefix is the
// string itself, unquoted. counters, when non-nil, are printed as "-c P B"
// before the target.
func IPTablesRuleArgs(r stack.Rule, counters *[2]uint64) []string {
	var a []string
	addr := func(flag string, p netip.Prefix, not bool) {
		if !p.IsValid() || (p.Bits() == 0 && !not) {
			return
		}
		if not {
			a = append(a, "!")
		}
		a = append(a, flag, fmt.Sprintf("%s/%d", p.Addr(), p.Bits()))
	}
	addr("-s", r.Src, r.NotSrc)
	addr("-d", r.Dst, r.NotDst)
	iface := func(flag, name string, not bool) {
		if name == "" || (name == "+" && !not) {
			return
		}
		if not {
			a = append(a, "!")
		}
		a = append(a, flag, name)
	}
	iface("-i", r.In, r.NotIn)
	iface("-o", r.Out, r.NotOut)
	if r.Proto != "" && r.Proto != "all" {
		if r.NotProto {
			a = append(a, "!")
		}
		a = append(a, "-p", r.Proto)
	}
	if mp := iptMatchProto(r); mp != "" {
		a = append(a, "-m", mp)
		ports := func(flag string, pm *stack.PortMatch) {
			if pm == nil || (pm.Lo == 0 && pm.Hi == 65535 && !pm.Not) {
				return
			}
			if pm.Not {
				a = append(a, "!")
			}
			if pm.Lo == pm.Hi {
				a = append(a, flag, fmt.Sprint(pm.Lo))
			} else {
				a = append(a, flag, fmt.Sprintf("%d:%d", pm.Lo, pm.Hi))
			}
		}
		ports("--sport", r.SPort)
		ports("--dport", r.DPort)
	}
	a = append(a, iptExtArgs(r)...)
	if counters != nil {
		a = append(a, "-c", fmt.Sprint(counters[0]), fmt.Sprint(counters[1]))
	}
	if r.Target != "" {
		a = append(a, "-j", r.Target)
	}
	switch r.Target {
	case "LOG":
		if r.LogPrefix != "" {
			a = append(a, "--log-prefix", r.LogPrefix)
		}
	case "REJECT":
		with := r.RejectWith
		if with == "" {
			with = "icmp-port-unreachable"
		}
		a = append(a, "--reject-with", with)
	case "SNAT":
		a = append(a, "--to-source", iptNATTo(r))
	case "DNAT":
		a = append(a, "--to-destination", iptNATTo(r))
	}
	return a
}

// iptRuleSpec is IPTablesRuleArgs as one line, the LOG prefix quoted.
func iptRuleSpec(r stack.Rule, counters *[2]uint64) string {
	a := IPTablesRuleArgs(r, counters)
	for i := range a {
		if i > 0 && a[i-1] == "--log-prefix" {
			a[i] = iptSaveString(a[i])
		}
	}
	if len(a) == 0 {
		return ""
	}
	return " " + strings.Join(a, " ")
}

// iptListRules is iptables -S.
func iptListRules(b *strings.Builder, chains []stack.ChainStat, cmd *IPTablesCmd) error {
	ordered := iptOrder(chains)
	found := false
	for _, cs := range ordered {
		if cmd.Chain != "" && cs.Name != cmd.Chain {
			continue
		}
		found = true
		if cmd.Num != 0 {
			continue
		}
		if cs.Policy != "" {
			fmt.Fprintf(b, "-P %s %s", cs.Name, cs.Policy)
			if cmd.Verbose {
				fmt.Fprintf(b, " -c %d %d", cs.Packets, cs.Bytes)
			}
			b.WriteString("\n")
		} else {
			fmt.Fprintf(b, "-N %s\n", cs.Name)
		}
	}
	if !found && cmd.Chain != "" {
		return stack.ErrNoChain
	}
	for _, cs := range ordered {
		if cmd.Chain != "" && cs.Name != cmd.Chain {
			continue
		}
		for i, rs := range cs.Rules {
			if cmd.Num != 0 && cmd.Num != i+1 {
				continue
			}
			var cnt *[2]uint64
			if cmd.Verbose {
				cnt = &[2]uint64{rs.Packets, rs.Bytes}
			}
			fmt.Fprintf(b, "-A %s%s\n", cs.Name, iptRuleSpec(rs.Rule, cnt))
		}
	}
	return nil
}

func runIPTablesSave(c *Cmd) int {
	counters := false
	table := ""
	args := c.Args[1:]
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-c" || a == "--counters":
			counters = true
		case a == "-t" || a == "--table":
			if i+1 >= len(args) {
				return c.Fail(1, "iptables-save: option requires an argument -- 't'\nLook at manual page `iptables-save.8' for more information.")
			}
			i++
			table = args[i]
		case strings.HasPrefix(a, "--table="):
			table = strings.TrimPrefix(a, "--table=")
		case strings.HasPrefix(a, "-t") && len(a) > 2:
			table = a[2:]
		case a == "-M" || a == "--modprobe":
			i++
		default:
			opt := strings.TrimLeft(a, "-")
			if strings.HasPrefix(a, "--") {
				return c.Fail(1, "iptables-save: unrecognized option '%s'\nLook at manual page `iptables-save.8' for more information.", a)
			}
			if !strings.HasPrefix(a, "-") || opt == "" {
				continue
			}
			return c.Fail(1, "iptables-save: invalid option -- '%c'\nLook at manual page `iptables-save.8' for more information.", opt[0])
		}
	}
	st := c.NS.Stack()
	tables := st.IPTablesTables()
	if table != "" {
		tables = []string{table}
	}
	now := c.World().Clock().Now().Format("Mon Jan _2 15:04:05 2006")
	var b strings.Builder
	for _, t := range tables {
		chains, err := st.IPTablesList(t)
		if err != nil {
			return c.Fail(1, "iptables-save v1.8.9 (legacy): Cannot initialize: Table does not exist (do you need to insmod?)")
		}
		fmt.Fprintf(&b, "# Generated by iptables-save v1.8.9 on %s\n*%s\n", now, t)
		ordered := iptOrder(chains)
		for _, cs := range ordered {
			if cs.Policy != "" {
				fmt.Fprintf(&b, ":%s %s [%d:%d]\n", cs.Name, cs.Policy, cs.Packets, cs.Bytes)
			} else {
				fmt.Fprintf(&b, ":%s - [0:0]\n", cs.Name)
			}
		}
		for _, cs := range ordered {
			for _, rs := range cs.Rules {
				if counters {
					fmt.Fprintf(&b, "[%d:%d] ", rs.Packets, rs.Bytes)
				}
				fmt.Fprintf(&b, "-A %s%s\n", cs.Name, iptRuleSpec(rs.Rule, nil))
			}
		}
		fmt.Fprintf(&b, "COMMIT\n# Completed on %s\n", now)
	}
	io.WriteString(c.Stdout, b.String())
	return 0
}

const iptHelp = `iptables v1.8.9 (legacy)

Usage: iptables -[ACD] chain rule-specification [options]
       iptables -I chain [rulenum] rule-specification [options]
       iptables -R chain rulenum rule-specification [options]
       iptables -D chain rulenum [options]
       iptables -[LS] [chain [rulenum]] [options]
       iptables -[FZ] [chain] [options]
       iptables -[NX] chain
       iptables -E old-chain-name new-chain-name
       iptables -P chain target [options]
       iptables -h (print this help information)

Commands:
Either long or short options are allowed.
  --append  -A chain		Append to chain
  --check   -C chain		Check for the existence of a rule
  --delete  -D chain		Delete matching rule from chain
  --delete  -D chain rulenum
				Delete rule rulenum (1 = first) from chain
  --insert  -I chain [rulenum]
				Insert in chain as rulenum (default 1=first)
  --replace -R chain rulenum
				Replace rule rulenum (1 = first) in chain
  --list    -L [chain [rulenum]]
				List the rules in a chain or all chains
  --list-rules -S [chain [rulenum]]
				Print the rules in a chain or all chains
  --flush   -F [chain]		Delete all rules in  chain or all chains
  --zero    -Z [chain [rulenum]]
				Zero counters in chain or all chains
  --new     -N chain		Create a new user-defined chain
  --delete-chain
            -X [chain]		Delete a user-defined chain
  --policy  -P chain target
				Change policy on chain to target
  --rename-chain
            -E old-chain new-chain
				Change chain name, (moving any references)

Options:
    --ipv4	-4		Nothing (line is ignored by ip6tables-restore)
    --ipv6	-6		Error (line is ignored by iptables-restore)
[!] --protocol	-p proto	protocol: by number or name, eg. ` + "`tcp'" + `
[!] --source	-s address[/mask][...]
				source specification
[!] --destination -d address[/mask][...]
				destination specification
[!] --in-interface -i input name[+]
				network interface name ([+] for wildcard)
 --jump	-j target
				target for rule (may load target extension)
  --goto      -g chain
			       jump to chain with no return
  --match	-m match
				extended match (may load extension)
  --numeric	-n		numeric output of addresses and ports
[!] --out-interface -o output name[+]
				network interface name ([+] for wildcard)
  --table	-t table	table to manipulate (default: ` + "`filter')" + `
  --verbose	-v		verbose mode
  --wait	-w [seconds]	maximum wait to acquire xtables lock before give up
  --line-numbers		print line numbers when listing
  --exact	-x		expand numbers (display exact values)
[!] --fragment	-f		match second or further fragments only
  --modprobe=<command>		try to insert modules using this command
  --set-counters -c PKTS BYTES	set the counter during insert/append
[!] --version	-V		print package version.
`
