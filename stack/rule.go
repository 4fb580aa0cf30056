package stack

import (
	"errors"
	"net/netip"
	"slices"
	"sort"
)

// Policy routing: `ip rule`. The rules pick the table a route lookup
// searches, by the packet's source and destination, the devices it came in
// by or must leave by, and its mark; the first rule whose table has a route
// decides. A new namespace has the kernel's three rules (local, main,
// default), so a lookup searches main.

// RuleAction is what a rule does when it matches.
type RuleAction int

// The rule actions (iproute2's words).
const (
	// RuleLookup searches the rule's table.
	RuleLookup RuleAction = iota
	// RuleGoto jumps to the rule of the rule's Goto priority (a later
	// one), or is skipped when there is none ("unresolved").
	RuleGoto
	// RuleNop does nothing.
	RuleNop
	// RuleBlackhole drops the packet silently.
	RuleBlackhole
	// RuleUnreachable refuses it: Network is unreachable.
	RuleUnreachable
	// RuleProhibit refuses it: Permission denied.
	RuleProhibit
)

// Errors of a route lookup a rule or a route's type decides, in the
// words of the kernel's answers.
var (
	ErrHostUnreachable = errors.New("No route to host")
	ErrPermission      = errors.New("Permission denied")
	ErrInvalid         = errors.New("Invalid argument")
	ErrNoRule          = errors.New("No such file or directory")
	// ErrBackwardGoto refuses a goto to a priority not after the rule's.
	ErrBackwardGoto = errors.New("Backward goto not supported, yet")
)

// Rule is a policy routing rule.
type Rule struct {
	// Priority orders the rules (lower first).
	Priority uint32
	// Not inverts the selector.
	Not bool
	// From and To select the source and destination; invalid matches all.
	From, To netip.Prefix
	// IIF and OIF select the input and output devices ("lo" is the input
	// device of packets the namespace sends).
	IIF, OIF string
	// Mark and Mask select the packet's mark (fwmark MARK/MASK); HasMark
	// says a mark is selected.
	Mark, Mask uint32
	HasMark    bool
	// Action is what the rule does; Table is RuleLookup's table, Goto
	// RuleGoto's target priority.
	Action RuleAction
	Table  uint32
	Goto   uint32
	// SuppressPrefixLength, when 0 or more, refuses a route of this prefix
	// length or shorter that Table gave (-1: unset).
	SuppressPrefixLength int
}

// defaultRules are a new namespace's rules.
func defaultRules() []Rule {
	return []Rule{
		{Priority: 0, Table: TableLocal, SuppressPrefixLength: -1},
		{Priority: 32766, Table: TableMain, SuppressPrefixLength: -1},
		{Priority: 32767, Table: TableDefault, SuppressPrefixLength: -1},
	}
}

// matches reports whether r selects flow f (iif is f's input device, "lo"
// for a packet the namespace sends).
func (r *Rule) matches(f Flow, iif string) bool {
	src := f.Src
	if !src.IsValid() {
		src = netip.IPv4Unspecified()
	}
	m := (r.IIF == "" || r.IIF == iif) &&
		(r.OIF == "" || r.OIF == f.OIF) &&
		(!r.HasMark || (r.Mark^f.Mark)&r.mask() == 0) &&
		(!r.From.IsValid() || r.From.Contains(src)) &&
		(!r.To.IsValid() || r.To.Contains(f.Dst))
	return m != r.Not
}

func (r *Rule) mask() uint32 {
	if r.Mask == 0 {
		return 0xffffffff
	}
	return r.Mask
}

// same reports whether r matches the selector of a rule to delete: each
// attribute sel sets must be equal.
func (r *Rule) same(sel Rule, hasPriority bool) bool {
	switch {
	case hasPriority && r.Priority != sel.Priority,
		sel.Not && !r.Not,
		sel.From.IsValid() && r.From != sel.From,
		sel.To.IsValid() && r.To != sel.To,
		sel.IIF != "" && r.IIF != sel.IIF,
		sel.OIF != "" && r.OIF != sel.OIF,
		sel.HasMark && (r.Mark != sel.Mark || r.mask() != sel.mask()),
		sel.Table != 0 && r.Table != sel.Table,
		sel.Action != RuleLookup && r.Action != sel.Action,
		sel.SuppressPrefixLength >= 0 && r.SuppressPrefixLength != sel.SuppressPrefixLength:
		return false
	}
	return true
}

// Unresolved reports whether a goto rule has no rule to jump to among
// rules.
func (r *Rule) Unresolved(rules []Rule) bool {
	return r.Action == RuleGoto && !slices.ContainsFunc(rules, func(x Rule) bool { return x.Priority == r.Goto })
}

// Rules returns the policy rules, in the order they apply.
func (st *Stack) Rules() []Rule {
	st.mu.Lock()
	defer st.mu.Unlock()
	return slices.Clone(st.rules)
}

// AddRule adds a rule. Without a priority (hasPriority false) it goes just
// before the second rule, as the kernel places it; a rule of a priority
// already taken goes after those. A lookup in table 0 gets the first empty
// table, as the kernel gives it.
func (st *Stack) AddRule(r Rule, hasPriority bool) error {
	defer st.changed()
	st.mu.Lock()
	defer st.mu.Unlock()
	if !hasPriority {
		r.Priority = 0
		if len(st.rules) > 1 && st.rules[1].Priority > 0 {
			r.Priority = st.rules[1].Priority - 1
		}
	}
	if r.Action == RuleGoto && r.Goto <= r.Priority {
		return ErrBackwardGoto
	}
	if r.Action == RuleLookup && r.Table == 0 {
		r.Table = st.emptyTableLocked()
	}
	i := sort.Search(len(st.rules), func(i int) bool { return st.rules[i].Priority > r.Priority })
	st.rules = slices.Insert(st.rules, i, r)
	st.syncRoutesLocked()
	return nil
}

// emptyTableLocked is the first table number, from 1, that holds no route
// and no rule looks up.
func (st *Stack) emptyTableLocked() uint32 {
	used := map[uint32]bool{TableDefault: true, TableMain: true, TableLocal: true}
	for _, r := range st.routes {
		used[tableOf(r)] = true
	}
	for _, r := range st.rules {
		used[r.Table] = true
	}
	t := uint32(1)
	for used[t] {
		t++
	}
	return t
}

// DelRule deletes the first rule that matches sel (see Rule.same); it
// returns ErrNoRule when none does.
func (st *Stack) DelRule(sel Rule, hasPriority bool) error {
	defer st.changed()
	st.mu.Lock()
	defer st.mu.Unlock()
	for i := range st.rules {
		if st.rules[i].same(sel, hasPriority) {
			st.rules = slices.Delete(st.rules, i, i+1)
			st.syncRoutesLocked()
			return nil
		}
	}
	return ErrNoRule
}

// FlushRules deletes every rule but those of priority 0, as `ip rule
// flush` does.
func (st *Stack) FlushRules() {
	defer st.changed()
	st.mu.Lock()
	defer st.mu.Unlock()
	st.rules = slices.DeleteFunc(st.rules, func(r Rule) bool { return r.Priority != 0 })
	st.syncRoutesLocked()
}

// customRulesLocked reports whether the rules differ from a new
// namespace's: only then may a lookup search another table than main.
func (st *Stack) customRulesLocked() bool {
	return !slices.EqualFunc(st.rules, defaultRules(), func(a, b Rule) bool { return a == b })
}

// policyLocked reports whether a lookup may search another table than
// main: rules other than a new namespace's, or routes in the default
// table (the last rule searches it).
func (st *Stack) policyLocked() bool {
	if st.customRulesLocked() {
		return true
	}
	for _, r := range st.routes {
		if tableOf(r) == TableDefault {
			return true
		}
	}
	return false
}
