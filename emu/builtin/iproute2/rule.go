package iproute2

// ip rule: list, add, delete and flush the policy routing rules.

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/nsemu/nsemu/emu/shell"
	"github.com/nsemu/nsemu/stack"
)

const ruleUsage = `Usage: ip rule { add | del } SELECTOR ACTION
       ip rule { flush | save | restore }
       ip rule [ list [ SELECTOR ]]
SELECTOR := [ not ] [ from PREFIX ] [ to PREFIX ] [ tos TOS ]
            [ fwmark FWMARK[/MASK] ]
            [ iif STRING ] [ oif STRING ] [ pref NUMBER ] [ l3mdev ]
            [ uidrange NUMBER-NUMBER ]
            [ ipproto PROTOCOL ]
            [ sport [ NUMBER | NUMBER-NUMBER ]
            [ dport [ NUMBER | NUMBER-NUMBER ] ]
ACTION := [ table TABLE_ID ]
          [ protocol PROTO ]
          [ nat ADDRESS ]
          [ realms [SRCREALM/]DSTREALM ]
          [ goto NUMBER ]
          SUPPRESSOR
SUPPRESSOR := [ suppress_prefixlength NUMBER ]
              [ suppress_ifgroup DEVGROUP ]
TABLE_ID := [ local | main | default | NUMBER ]`

func runIPRule(ip *ipCmd, a *args) error {
	cmd, ok := a.word()
	if !ok {
		return ip.ruleList(a)
	}
	switch {
	case matches(cmd, "add"):
		return ip.ruleModify(a, true)
	case matches(cmd, "delete"):
		return ip.ruleModify(a, false)
	case matches(cmd, "list"), matches(cmd, "show"), matches(cmd, "lst"):
		return ip.ruleList(a)
	case matches(cmd, "flush"):
		ip.ns.Stack().FlushRules()
		return nil
	case matches(cmd, "save"), matches(cmd, "restore"):
		return shell.Failf(1, "nsemu: \"ip rule %s\" is not emulated", cmd)
	case matches(cmd, "help"):
		return usage(ruleUsage)
	}
	return shell.Failf(255, "Command %q is unknown, try \"ip rule help\".", cmd)
}

// ruleReq is a parsed ip rule command line: the rule (or the selector of
// rules to list or delete) and which parts were given.
type ruleReq struct {
	rule        stack.Rule
	hasPriority bool
	hasTable    bool
	hasAction   bool
	// tables names tables while the line is parsed.
	tables rtTables
}

// ruleKeywords is iprule_modify's table, in its order.
var ruleKeywords = []keyword[*ruleReq]{
	{name: "not", apply: func(r *ruleReq, _ []string) error { r.rule.Not = true; return nil }},
	{name: "from", args: 1, apply: func(r *ruleReq, v []string) error { return setRulePrefix(&r.rule.From, v[0]) }},
	{name: "to", args: 1, apply: func(r *ruleReq, v []string) error { return setRulePrefix(&r.rule.To, v[0]) }},
	{name: "preference", abbrev: true, args: 1, apply: (*ruleReq).setPriority},
	{name: "order", abbrev: true, args: 1, apply: (*ruleReq).setPriority},
	{name: "priority", abbrev: true, args: 1, apply: (*ruleReq).setPriority},
	{name: "tos", args: 1, apply: notEmulatedRule("tos")},
	{name: "dsfield", abbrev: true, args: 1, apply: notEmulatedRule("dsfield")},
	{name: "fwmark", args: 1, apply: (*ruleReq).setMark},
	{name: "realms", abbrev: true, args: 1, apply: notEmulatedRule("realms")},
	{name: "protocol", abbrev: true, args: 1},
	{name: "table", abbrev: true, args: 1, apply: (*ruleReq).setTable},
	{name: "lookup", args: 1, apply: (*ruleReq).setTable},
	{name: "suppress_prefixlength", abbrev: true, args: 1, apply: (*ruleReq).setSuppress},
	{name: "sup_pl", args: 1, apply: (*ruleReq).setSuppress},
	{name: "suppress_ifgroup", abbrev: true, args: 1, apply: notEmulatedRule("suppress_ifgroup")},
	{name: "sup_group", args: 1, apply: notEmulatedRule("sup_group")},
	{name: "dev", args: 1, apply: (*ruleReq).setIIF},
	{name: "iif", args: 1, apply: (*ruleReq).setIIF},
	{name: "oif", args: 1, apply: func(r *ruleReq, v []string) error {
		if !validIfname(v[0]) {
			return invarg(`"oif" not a valid ifname`, v[0])
		}
		r.rule.OIF = v[0]
		return nil
	}},
	{name: "l3mdev", apply: notEmulatedRule("l3mdev")},
	{name: "uidrange", args: 1, apply: notEmulatedRule("uidrange")},
	{name: "sport", args: 1, apply: notEmulatedRule("sport")},
	{name: "dport", args: 1, apply: notEmulatedRule("dport")},
	{name: "ipproto", args: 1, apply: notEmulatedRule("ipproto")},
	{name: "nat", args: 1, apply: notEmulatedRule("nat")},
	{name: "map-to", abbrev: true, args: 1, apply: notEmulatedRule("map-to")},
}

func notEmulatedRule(word string) func(*ruleReq, []string) error {
	return func(*ruleReq, []string) error {
		return shell.Failf(2, "nsemu: the rule selector or action %q is not emulated", word)
	}
}

// setRulePrefix reads from's or to's PREFIX (get_prefix of any family).
func setRulePrefix(dst *netip.Prefix, s string) error {
	p, _, ok := parsePrefix(s, true)
	if !ok {
		return shell.Failf(1, "Error: any valid prefix is expected rather than %q.", s)
	}
	*dst = p.Masked()
	return nil
}

func (r *ruleReq) setPriority(v []string) error {
	n, ok := parseUint32(v[0])
	if !ok {
		return invarg("preference value is invalid\n", v[0])
	}
	r.rule.Priority, r.hasPriority = uint32(n), true
	return nil
}

func (r *ruleReq) setMark(v []string) error {
	mark, mask, slash := strings.Cut(v[0], "/")
	n, ok := parseUint32(mark)
	if !ok {
		return invarg("fwmark value is invalid\n", mark)
	}
	r.rule.Mark, r.rule.HasMark = uint32(n), true
	if slash {
		m, ok := parseUint32(mask)
		if !ok {
			return invarg("fwmask value is invalid\n", mask)
		}
		r.rule.Mask = uint32(m)
	}
	return nil
}

func (r *ruleReq) setTable(v []string) error {
	id, ok := r.tables.id(v[0])
	if !ok {
		return invarg("invalid table ID\n", v[0])
	}
	r.rule.Table, r.hasTable = id, true
	return nil
}

func (r *ruleReq) setSuppress(v []string) error {
	n, ok := parseInt(v[0])
	if !ok || n < 0 {
		return invarg("suppress_prefixlength value is invalid\n", v[0])
	}
	r.rule.SuppressPrefixLength = int(n)
	return nil
}

func (r *ruleReq) setIIF(v []string) error {
	if !validIfname(v[0]) {
		return invarg(`"iif"/"dev" not a valid ifname`, v[0])
	}
	r.rule.IIF = v[0]
	return nil
}

// validIfname is iproute2's check_ifname: 1 to 15 bytes, no '/', ':' or
// white space.
func validIfname(s string) bool {
	return s != "" && len(s) < 16 && !strings.ContainsAny(s, "/: \t\n")
}

// positional takes [type] ACTION: goto N, nop, or a route type.
func (r *ruleReq) positional(a *args) error {
	v := a.cur()
	if v == "type" {
		var err error
		if v, err = a.next(); err != nil {
			return err
		}
	}
	r.hasAction = true
	switch {
	case matches(v, "help"):
		return usage(ruleUsage)
	case matches(v, "goto"):
		t, err := a.next()
		if err != nil {
			return err
		}
		n, ok := parseUint32(t)
		if !ok {
			return invarg("invalid target\n", t)
		}
		r.rule.Action, r.rule.Goto = stack.RuleGoto, uint32(n)
		return nil
	case matches(v, "nop"):
		r.rule.Action = stack.RuleNop
		return nil
	}
	typ, ok := routeTypeName(v)
	if !ok {
		return invarg("Failed to parse rule type", v)
	}
	act, ok := map[string]stack.RuleAction{"unicast": stack.RuleLookup, "blackhole": stack.RuleBlackhole,
		"unreachable": stack.RuleUnreachable, "prohibit": stack.RuleProhibit}[typ]
	if !ok {
		return shell.Failf(2, "nsemu: rule type %q is not emulated", typ)
	}
	r.rule.Action = act
	return nil
}

// parseRuleReq parses ip rule add, del and list's words, tables named by
// env.
func parseRuleReq(a *args, env names) (*ruleReq, error) {
	r := &ruleReq{tables: env.tables(), rule: stack.Rule{SuppressPrefixLength: -1}}
	err := walk(a, r, ruleKeywords, (*ruleReq).positional)
	r.tables = rtTables{}
	if err != nil {
		return nil, err
	}
	return r, nil
}

// ruleModify adds (add true) or deletes a rule.
func (ip *ipCmd) ruleModify(a *args, add bool) error {
	if !add && !a.more() {
		return shell.Failf(1, "\"ip rule del\" requires arguments.")
	}
	r, err := parseRuleReq(a, ip.names())
	if err != nil {
		return err
	}
	st := ip.ns.Stack()
	if !add {
		if err := st.DelRule(r.rule, r.hasPriority); err != nil {
			return rtnl("RTNETLINK answers: %s", err)
		}
		return nil
	}
	if !r.hasTable && r.rule.Action == stack.RuleLookup {
		r.rule.Table = stack.TableMain
	}
	if err := st.AddRule(r.rule, r.hasPriority); err != nil {
		if errors.Is(err, stack.ErrBackwardGoto) {
			return rtnl("Error: %s.", err)
		}
		return rtnl("RTNETLINK answers: %s", err)
	}
	return nil
}

// ruleList prints the rules the selector picks.
func (ip *ipCmd) ruleList(a *args) error {
	sel, err := parseRuleReq(a, ip.names())
	if err != nil {
		return err
	}
	if ip.opts.family == 6 {
		return nil
	}
	rules := ip.ns.Stack().Rules()
	var shown []stack.Rule
	for _, r := range rules {
		if sel.picks(r) {
			shown = append(shown, r)
		}
	}
	if ip.opts.json {
		return ip.printJSON(ruleJSON(ip, shown, rules))
	}
	for _, r := range shown {
		ip.printf("%s\n", ip.ruleLine(r, rules))
	}
	return nil
}

// picks reports whether a listing's selector picks rule r.
func (s *ruleReq) picks(r stack.Rule) bool {
	sel := &s.rule
	switch {
	case s.hasPriority && r.Priority != sel.Priority,
		s.hasTable && r.Table != sel.Table,
		sel.Not && !r.Not,
		sel.From.IsValid() && (!r.From.IsValid() || !sel.From.Contains(r.From.Addr())),
		sel.To.IsValid() && (!r.To.IsValid() || !sel.To.Contains(r.To.Addr())),
		sel.IIF != "" && r.IIF != sel.IIF,
		sel.OIF != "" && r.OIF != sel.OIF,
		sel.HasMark && (r.Mark != sel.Mark || ruleMask(r) != ruleMask(*sel)):
		return false
	}
	return true
}

func ruleMask(r stack.Rule) uint32 {
	if r.Mask == 0 {
		return 0xffffffff
	}
	return r.Mask
}

// ruleLine prints a rule as ip rule does.
func (ip *ipCmd) ruleLine(r stack.Rule, rules []stack.Rule) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d:\t", r.Priority)
	if r.Not {
		b.WriteString("not ")
	}
	b.WriteString("from " + rulePrefix(r.From))
	if r.To.IsValid() {
		b.WriteString(" to " + rulePrefix(r.To))
	}
	if r.HasMark {
		fmt.Fprintf(&b, " fwmark %#x", r.Mark)
		if m := ruleMask(r); m != 0xffffffff {
			fmt.Fprintf(&b, "/%#x", m)
		}
	}
	for _, d := range []struct{ kw, dev string }{{"iif", r.IIF}, {"oif", r.OIF}} {
		if d.dev != "" {
			b.WriteString(" " + d.kw + " " + d.dev)
			if _, err := ip.ns.Link(d.dev); err != nil {
				b.WriteString(" [detached]")
			}
		}
	}
	b.WriteString(ip.ruleAction(r, rules))
	return b.String()
}

// ruleAction is the end of a rule's line: its table or action.
func (ip *ipCmd) ruleAction(r stack.Rule, rules []stack.Rule) string {
	switch r.Action {
	case stack.RuleGoto:
		s := fmt.Sprintf(" goto %d", r.Goto)
		if r.Unresolved(rules) {
			s += " [unresolved]"
		}
		return s
	case stack.RuleNop:
		return " nop"
	case stack.RuleBlackhole:
		return " blackhole"
	case stack.RuleUnreachable:
		return " unreachable"
	case stack.RuleProhibit:
		return " prohibit"
	}
	s := " lookup " + ip.tables().name(r.Table)
	if r.SuppressPrefixLength >= 0 {
		s += fmt.Sprintf(" suppress_prefixlength %d", r.SuppressPrefixLength)
	}
	return s
}

// rulePrefix is a rule's from or to: "all", an address, or a prefix.
func rulePrefix(p netip.Prefix) string {
	switch {
	case !p.IsValid() || p.Bits() == 0:
		return "all"
	case p.Bits() == 32:
		return p.Addr().String()
	}
	return p.String()
}

// ruleJSON is ip -j rule's array.
func ruleJSON(ip *ipCmd, shown, rules []stack.Rule) []jsonObject {
	out := make([]jsonObject, 0, len(shown))
	for _, r := range shown {
		o := jsonObject{{"priority", r.Priority}}
		if r.Not {
			o = append(o, jsonField{"not", nil})
		}
		o = append(o, prefixJSON("src", r.From)...)
		if r.To.IsValid() && r.To.Bits() > 0 {
			o = append(o, prefixJSON("dst", r.To)...)
		}
		if r.HasMark {
			o = append(o, jsonField{"fwmark", fmt.Sprintf("%#x", r.Mark)})
			if m := ruleMask(r); m != 0xffffffff {
				o = append(o, jsonField{"fwmask", fmt.Sprintf("%#x", m)})
			}
		}
		o = append(o, ip.ruleDevJSON("iif", r.IIF)...)
		o = append(o, ip.ruleDevJSON("oif", r.OIF)...)
		out = append(out, append(o, ruleActionJSON(ip, r, rules)...))
	}
	return out
}

// prefixJSON is a rule's src or dst: the address, and its length unless
// it is a host.
func prefixJSON(key string, p netip.Prefix) jsonObject {
	if !p.IsValid() || p.Bits() == 0 {
		return jsonObject{{key, "all"}}
	}
	o := jsonObject{{key, p.Addr().String()}}
	if p.Bits() != 32 {
		o = append(o, jsonField{key + "len", p.Bits()})
	}
	return o
}

func (ip *ipCmd) ruleDevJSON(key, dev string) jsonObject {
	if dev == "" {
		return nil
	}
	o := jsonObject{{key, dev}}
	if _, err := ip.ns.Link(dev); err != nil {
		o = append(o, jsonField{key + "_detached", nil})
	}
	return o
}

func ruleActionJSON(ip *ipCmd, r stack.Rule, rules []stack.Rule) jsonObject {
	switch r.Action {
	case stack.RuleGoto:
		o := jsonObject{{"goto", r.Goto}}
		if r.Unresolved(rules) {
			o = append(o, jsonField{"unresolved", nil})
		}
		return o
	case stack.RuleNop:
		return jsonObject{{"nop", nil}}
	case stack.RuleLookup:
		o := jsonObject{{"table", ip.tables().name(r.Table)}}
		if r.SuppressPrefixLength >= 0 {
			o = append(o, jsonField{"suppress_prefixlen", r.SuppressPrefixLength})
		}
		return o
	}
	return jsonObject{{"action", strings.TrimSpace(ip.ruleAction(r, rules))}}
}
