package netfilter

import (
	"errors"

	"gvisor.dev/gvisor/pkg/tcpip/header"
	gstack "gvisor.dev/gvisor/pkg/tcpip/stack"
)

// The compilation of a table into gVisor's form: one flat list of rules,
// each built-in chain starting at its hook's index, user chains reached by
// jumps to their first rule and left by gVisor's RETURN. The layout of a
// built-in chain:
//
//	the stack's hook rules (hooks.go)
//	raw's chain of the same hook, in mangle only (gVisor has no raw table)
//	the user's rules
//	the policy
//
// Counters live in the rules, so they survive recompiles.

// proto4 is IPv4: the only protocol nsemu's iptables filters.
const proto4 = header.IPv4ProtocolNumber

// commit compiles table t and installs it in gVisor. ts.mu is held.
func (ts *Tables) commit(t *table) error {
	if t.name == "raw" {
		return ts.commitRaw(t)
	}
	if err := checkHooks(t); err != nil {
		return err
	}
	c := &compiler{ts: ts, t: t, start: ts.layout(t)}
	if err := c.compile(); err != nil {
		return err
	}
	ts.s.IPTables().ForceReplaceTable(t.id, c.g, false)
	return nil
}

// commitRaw checks raw's targets and recompiles mangle, where raw's chains
// live. While a TRACE rule exists, every table is installed: each needs its
// trace sites (gVisor keeps its own default tables until they are
// replaced).
func (ts *Tables) commitRaw(t *table) error {
	for _, c := range t.chains {
		for _, r := range c.rules {
			switch r.Target {
			case "", "TRACE", "NOTRACK", "ACCEPT", "DROP", "RETURN", "LOG":
			default:
				return ErrInvalid
			}
		}
	}
	on := hasTrace(t)
	ts.pkt.traceOn.Store(on)
	if on {
		for _, name := range []string{"nat", "filter"} {
			if err := ts.commit(ts.tables[name]); err != nil {
				return err
			}
		}
	}
	return ts.commit(ts.tables["mangle"])
}

// checkHooks checks, following jumps from each built-in chain, that every
// target is reached only from hooks where the kernel allows it.
func checkHooks(t *table) error {
	for _, c := range t.chains {
		if c.builtin {
			if err := checkChainHook(t, c, c.hook, 0); err != nil {
				return err
			}
		}
	}
	return nil
}

func checkChainHook(t *table, c *chain, h gstack.Hook, depth int) error {
	if depth > 16 {
		return errors.New("iptables: Too many levels of symbolic links.")
	}
	for _, r := range c.rules {
		if !targetAllowed(r.Target, h) {
			return ErrInvalid
		}
		if !builtinTargets[r.Target] && r.Target != "" {
			if err := checkChainHook(t, t.chain(r.Target), h, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

// targetAllowed reports whether the kernel accepts target at hook h.
func targetAllowed(target string, h gstack.Hook) bool {
	switch target {
	case "DNAT":
		return h == gstack.Prerouting || h == gstack.Output
	case "SNAT", "MASQUERADE":
		return h == gstack.Postrouting || h == gstack.Input
	case "REJECT":
		return h == gstack.Input || h == gstack.Forward || h == gstack.Output
	}
	return true
}

// layout returns the index of each chain's first user rule.
func (ts *Tables) layout(t *table) map[string]int {
	start := map[string]int{}
	n := 0
	for _, c := range t.chains {
		if c.builtin {
			n += len(ts.hookRules(t, c))
			if t.name == "mangle" {
				n += len(ts.rawChain(c.hook).rules) + 1 // raw's rules and policy
			}
		}
		start[c.name] = n
		n += len(c.rules) + 1 // + policy or RETURN
	}
	return start
}

// compiler builds one table's gVisor form.
type compiler struct {
	ts    *Tables
	t     *table
	start map[string]int
	g     gstack.Table
}

func (c *compiler) compile() error {
	for i := range c.g.BuiltinChains {
		c.g.BuiltinChains[i] = gstack.HookUnset
		c.g.Underflows[i] = gstack.HookUnset
	}
	for _, ch := range c.t.chains {
		if err := c.chain(ch); err != nil {
			return err
		}
	}
	c.acceptUnsetHooks()
	c.add(gstack.Rule{Filter: gstack.EmptyFilter4(), Target: &gstack.ErrorTarget{NetworkProtocol: proto4}})
	return nil
}

func (c *compiler) add(rs ...gstack.Rule) { c.g.Rules = append(c.g.Rules, rs...) }

// next is the index of the next rule added.
func (c *compiler) next() int { return len(c.g.Rules) }

func (c *compiler) chain(ch *chain) error {
	if ch.builtin {
		c.g.BuiltinChains[ch.hook] = c.next()
		c.add(c.ts.hookRules(c.t, ch)...)
		if c.t.name == "mangle" {
			if err := c.raw(ch.hook); err != nil {
				return err
			}
		}
	}
	for i, r := range ch.rules {
		gr, err := c.ts.compileRule(r, c.next(), c.start)
		if err != nil {
			return err
		}
		setSite(gr, c.ts.site(c.t.name, ch.name, "rule", i+1))
		c.add(c.ts.explainRule(gr, c.t.name, ch.name, r))
	}
	if ch.builtin {
		c.g.Underflows[ch.hook] = c.next()
		policy := c.ts.explainDrop(policyTarget(ch.policy, nil), c.t.name, "-P "+ch.name+" "+ch.policy)
		c.add(c.ts.policyRule(c.t.name, ch, policy))
		return nil
	}
	site := c.ts.site(c.t.name, ch.name, "return", len(ch.rules)+1)
	c.add(gstack.Rule{Filter: gstack.EmptyFilter4(), Matchers: []gstack.Matcher{&countMatcher{c: &Counter{}, tr: site}},
		Target: &gstack.ReturnTarget{NetworkProtocol: proto4}})
	return nil
}

// raw compiles raw's chain for hook h in front of a mangle chain: raw's
// ACCEPT and its ACCEPT policy go on with mangle's rules.
func (c *compiler) raw(h gstack.Hook) error {
	raw := c.ts.rawChain(h)
	next := c.next() + len(raw.rules) + 1
	for i, r := range raw.rules {
		gr, err := c.ts.compileRaw(raw, r, i, c.next(), next)
		if err != nil {
			return err
		}
		c.add(gr)
	}
	c.add(c.ts.policyRule("raw", raw, policyTarget(raw.policy, &jumpTarget{to: next})))
	return nil
}

// policyTarget is a policy's target: DROP, or ACCEPT (accept: nil for
// gVisor's ACCEPT).
func policyTarget(policy string, accept gstack.Target) gstack.Target {
	if policy == "DROP" {
		return &gstack.DropTarget{NetworkProtocol: proto4}
	}
	if accept == nil {
		return &gstack.AcceptTarget{NetworkProtocol: proto4}
	}
	return accept
}

// policyRule is the rule that ends built-in chain ch of table tbl.
func (ts *Tables) policyRule(tbl string, ch *chain, target gstack.Target) gstack.Rule {
	site := ts.site(tbl, ch.name, "policy", len(ch.rules)+1)
	return gstack.Rule{Filter: gstack.EmptyFilter4(), Matchers: []gstack.Matcher{&policyMatcher{site}},
		Target: &policyCounter{c: ch.pol, inner: target, tr: site}}
}

// acceptUnsetHooks points the hooks without a chain at one ACCEPT rule:
// gVisor runs a table at every hook it has the table for (mangle at
// POSTROUTING too) and indexes BuiltinChains unchecked.
func (c *compiler) acceptUnsetHooks() {
	accept := -1
	for h := range c.g.BuiltinChains {
		if c.g.BuiltinChains[h] != gstack.HookUnset {
			continue
		}
		if accept < 0 {
			accept = c.next()
			c.add(gstack.Rule{Filter: gstack.EmptyFilter4(), Target: &gstack.AcceptTarget{NetworkProtocol: proto4}})
		}
		c.g.BuiltinChains[h], c.g.Underflows[h] = accept, accept
	}
}

// rawChain returns raw's chain for a hook (raw has PREROUTING and OUTPUT).
func (ts *Tables) rawChain(h gstack.Hook) *chain {
	for _, c := range ts.tables["raw"].chains {
		if c.builtin && c.hook == h {
			return c
		}
	}
	return newBuiltinChain(h)
}

func hasTrace(t *table) bool {
	for _, c := range t.chains {
		for _, r := range c.rules {
			if r.Target == "TRACE" {
				return true
			}
		}
	}
	return false
}
