package netfilter

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"
)

// Printing, as iptables v1.8.9 prints: -L (with -v, -n, -x,
// --line-numbers), -S, and iptables-save.

// ordered returns the chains as libiptc lists them: built-in chains in
// hook order, then user chains by name.
func ordered(chains []ChainStat) []ChainStat {
	var b, u []ChainStat
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

// printNum is xtables_print_num: exact ("%8llu ") or with K/M/G/T suffixes.
func printNum(n uint64, exact, notable bool) string {
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

// addrString renders an address and mask as -L does.
func addrString(p netip.Prefix, numeric bool) string {
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

func portString(port uint16, proto string, numeric bool) string {
	if !numeric {
		if n, ok := serviceName(proto, port); ok {
			return n
		}
	}
	return fmt.Sprint(port)
}

func portsL(name string, pm *PortMatch, proto string, numeric bool) string {
	if pm == nil || (pm.Lo == 0 && pm.Hi == 65535 && !pm.Not) {
		return ""
	}
	inv := ""
	if pm.Not {
		inv = "!"
	}
	if pm.Lo == pm.Hi {
		return fmt.Sprintf(" %s:%s%s", name, inv, portString(pm.Lo, proto, numeric))
	}
	return fmt.Sprintf(" %ss:%s%s:%s", name, inv, portString(pm.Lo, proto, numeric), portString(pm.Hi, proto, numeric))
}

// matchProto is the name of the rule's port match.
func matchProto(r Rule) string {
	if r.SPort == nil && r.DPort == nil {
		return ""
	}
	if r.Proto == "udp" {
		return "udp"
	}
	return "tcp"
}

// ruleLine renders a rule as a row of iptables -L.
func ruleLine(rs RuleStat, num int, cmd *Command) string {
	r := rs.Rule
	var b strings.Builder
	if cmd.LineNumbers {
		fmt.Fprintf(&b, "%-4d ", num)
	}
	if cmd.Verbose {
		b.WriteString(printNum(rs.Packets, cmd.Exact, false))
		b.WriteString(printNum(rs.Bytes, cmd.Exact, false))
	}
	fmt.Fprintf(&b, "%-9s ", r.Target)
	b.WriteString(bang(r.NotProto && r.Proto != ""))
	proto := r.Proto
	if proto == "" {
		proto = "all"
	}
	fmt.Fprintf(&b, "%-5s", proto)
	b.WriteString("-- ")
	if cmd.Verbose {
		fmt.Fprintf(&b, " %-6s ", ifaceL(r.In, r.NotIn, cmd.Numeric))
		fmt.Fprintf(&b, "%-6s ", ifaceL(r.Out, r.NotOut, cmd.Numeric))
	}
	b.WriteString(bang(r.NotSrc && r.Src.IsValid()))
	fmt.Fprintf(&b, "%-19s ", addrString(r.Src, cmd.Numeric))
	b.WriteString(bang(r.NotDst && r.Dst.IsValid()))
	fmt.Fprintf(&b, "%-19s ", addrString(r.Dst, cmd.Numeric))
	if mp := matchProto(r); mp != "" {
		b.WriteString(" " + mp)
		b.WriteString(portsL("spt", r.SPort, mp, cmd.Numeric))
		b.WriteString(portsL("dpt", r.DPort, mp, cmd.Numeric))
	}
	b.WriteString(extL(r))
	b.WriteString(targetL(r, cmd.Numeric))
	b.WriteString("\n")
	return b.String()
}

// ifaceL renders -i or -o as -L -v does.
func ifaceL(name string, not, numeric bool) string {
	s := ""
	if not {
		s = "!"
	}
	switch {
	case name != "":
		return s + name
	case numeric:
		return s + "*"
	}
	return s + "any"
}

// targetL renders a target's options as -L does.
func targetL(r Rule, numeric bool) string {
	switch r.Target {
	case "LOG":
		s := " LOG level warn"
		if numeric {
			s = " LOG flags 0 level 4"
		}
		if r.LogPrefix != "" {
			s += fmt.Sprintf(" prefix \"%s\"", r.LogPrefix)
		}
		return s
	case "REJECT":
		return " reject-with " + rejectWithName(r)
	case "SNAT", "DNAT":
		return " to:" + natTo(r)
	}
	return ""
}

// rejectWithName is REJECT's ICMP type (or tcp-reset).
func rejectWithName(r Rule) string {
	if r.RejectWith == "" {
		return "icmp-port-unreachable"
	}
	return r.RejectWith
}

func bang(not bool) string {
	if not {
		return "!"
	}
	return " "
}

func natTo(r Rule) string {
	s := r.ToAddr.String()
	if !r.ToAddr.IsValid() {
		s = ""
	}
	if r.ToPort != 0 {
		s += fmt.Sprintf(":%d", r.ToPort)
	}
	return s
}

func listHeader(b *strings.Builder, cs ChainStat, cmd *Command) {
	if cs.Policy != "" {
		fmt.Fprintf(b, "Chain %s (policy %s", cs.Name, cs.Policy)
		if cmd.Verbose {
			fmt.Fprintf(b, " %spackets, %sbytes", printNum(cs.Packets, cmd.Exact, true), printNum(cs.Bytes, cmd.Exact, true))
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

// listChains is iptables -L.
func listChains(b *strings.Builder, chains []ChainStat, cmd *Command) error {
	found := false
	for _, cs := range ordered(chains) {
		if cmd.Chain != "" && cs.Name != cmd.Chain {
			continue
		}
		if cmd.Num == 0 {
			if found {
				b.WriteString("\n")
			}
			listHeader(b, cs, cmd)
		}
		found = true
		for i, rs := range cs.Rules {
			if cmd.Num == 0 || cmd.Num == i+1 {
				b.WriteString(ruleLine(rs, i+1, cmd))
			}
		}
	}
	if !found && cmd.Chain != "" {
		return ErrNoChain
	}
	return nil
}

// saveString is xtables_save_string: quoted (with \ before " \ ') unless
// made only of letters, digits, _ and -.
func saveString(s string) string {
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

// RuleArgs renders a rule's specification as iptables -S prints it
// (after "-A CHAIN"), one argument per element; the LOG prefix is the
// string itself, unquoted. counters, when non-nil, are printed as "-c P B"
// before the target.
func RuleArgs(r Rule, counters *[2]uint64) []string {
	var a argList
	if p := r.Src; p.IsValid() && (p.Bits() != 0 || r.NotSrc) {
		a.opt(r.NotSrc, "-s", fmt.Sprintf("%s/%d", p.Addr(), p.Bits()))
	}
	if p := r.Dst; p.IsValid() && (p.Bits() != 0 || r.NotDst) {
		a.opt(r.NotDst, "-d", fmt.Sprintf("%s/%d", p.Addr(), p.Bits()))
	}
	if r.In != "" && (r.In != "+" || r.NotIn) {
		a.opt(r.NotIn, "-i", r.In)
	}
	if r.Out != "" && (r.Out != "+" || r.NotOut) {
		a.opt(r.NotOut, "-o", r.Out)
	}
	if r.Proto != "" && r.Proto != "all" {
		a.opt(r.NotProto, "-p", r.Proto)
	}
	if mp := matchProto(r); mp != "" {
		a = append(a, "-m", mp)
		a.ports("--sport", r.SPort)
		a.ports("--dport", r.DPort)
	}
	a = append(a, extArgs(r)...)
	if counters != nil {
		a = append(a, "-c", fmt.Sprint(counters[0]), fmt.Sprint(counters[1]))
	}
	return append(a, targetArgs(r)...)
}

// argList is a rule's arguments as -S prints them.
type argList []string

// opt adds an option and its value, after "!" when not.
func (a *argList) opt(not bool, flag, val string) {
	if not {
		*a = append(*a, "!")
	}
	*a = append(*a, flag, val)
}

// ports adds --sport or --dport unless pm is no condition.
func (a *argList) ports(flag string, pm *PortMatch) {
	if pm.full() {
		return
	}
	if pm.Lo == pm.Hi {
		a.opt(pm.Not, flag, fmt.Sprint(pm.Lo))
	} else {
		a.opt(pm.Not, flag, fmt.Sprintf("%d:%d", pm.Lo, pm.Hi))
	}
}

// targetArgs are -j and the target's options.
func targetArgs(r Rule) []string {
	if r.Target == "" {
		return nil
	}
	a := []string{"-j", r.Target}
	switch r.Target {
	case "LOG":
		if r.LogPrefix != "" {
			a = append(a, "--log-prefix", r.LogPrefix)
		}
	case "REJECT":
		a = append(a, "--reject-with", rejectWithName(r))
	case "SNAT":
		a = append(a, "--to-source", natTo(r))
	case "DNAT":
		a = append(a, "--to-destination", natTo(r))
	}
	return a
}

// ruleSpec is RuleArgs as one line, the LOG prefix quoted.
func ruleSpec(r Rule, counters *[2]uint64) string {
	a := RuleArgs(r, counters)
	for i := range a {
		if i > 0 && a[i-1] == "--log-prefix" {
			a[i] = saveString(a[i])
		}
	}
	if len(a) == 0 {
		return ""
	}
	return " " + strings.Join(a, " ")
}

// listRules is iptables -S.
func listRules(b *strings.Builder, chains []ChainStat, cmd *Command) error {
	ordered := ordered(chains)
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
		return ErrNoChain
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
			fmt.Fprintf(b, "-A %s%s\n", cs.Name, ruleSpec(rs.Rule, cnt))
		}
	}
	return nil
}

// extArgs renders the matches as iptables -S does.
func extArgs(r Rule) []string {
	var a []string
	if r.DstType != "" {
		a = append(a, "-m", "addrtype")
		if r.NotDstType {
			a = append(a, "!")
		}
		a = append(a, "--dst-type", r.DstType)
	}
	if r.CtState != "" {
		a = append(a, "-m", "conntrack")
		if r.NotCtState {
			a = append(a, "!")
		}
		a = append(a, "--ctstate", r.CtState)
	}
	return a
}

// extL renders the matches as iptables -L does.
func extL(r Rule) string {
	var b strings.Builder
	if r.DstType != "" {
		b.WriteString(" ADDRTYPE match dst-type ")
		if r.NotDstType {
			b.WriteString("!")
		}
		b.WriteString(r.DstType)
	}
	if r.CtState != "" {
		if r.NotCtState {
			b.WriteString(" !")
		}
		b.WriteString(" ctstate " + r.CtState)
	}
	return b.String()
}
