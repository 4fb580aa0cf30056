package netfilter

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	gstack "gvisor.dev/gvisor/pkg/tcpip/stack"
)

// Tables are one namespace's iptables: the filter, nat, mangle and raw
// tables with their chains, rules and counters, compiled into the
// namespace's gVisor stack on every change.
//
// Lock order: the owning stack's lock (stack.Stack.mu) is ordered above
// Tables.mu, which is ordered above Tables.pkt.mu. Tables.mu is held while
// a table is edited and compiled, never on the packet path, which takes
// only Tables.pkt.mu (and calls the Host and the Hooks without it).
type Tables struct {
	s     *gstack.Stack
	host  Host
	hooks Hooks

	mu     sync.Mutex
	tables map[string]*table

	// pkt is the packet path's state, under its own lock: TRACE's marked
	// packets (trace.go) and the bridge ports of frames in br_netfilter
	// (bridge.go).
	pkt packetState
}

type chain struct {
	name    string
	builtin bool
	hook    gstack.Hook
	policy  string
	pol     *Counter
	rules   []*Rule
}

type table struct {
	name   string
	id     gstack.TableID
	chains []*chain
}

func (t *table) chain(name string) *chain {
	for _, c := range t.chains {
		if c.name == name {
			return c
		}
	}
	return nil
}

// builtinTargets are the targets nsemu emulates (a chain may not take
// their names).
var builtinTargets = map[string]bool{
	"ACCEPT": true, "DROP": true, "REJECT": true, "RETURN": true,
	"MASQUERADE": true, "SNAT": true, "DNAT": true, "LOG": true,
	"TRACE": true, "NOTRACK": true,
}

// New makes the tables of gVisor stack s, empty with ACCEPT policies. host
// is the namespace's kernel log and trace bus; hooks are the stack's own
// concerns, compiled in front of the user's chains (see Hooks). Nothing is
// installed in s until the first change or Install call: gVisor's default
// tables accept everything.
func New(s *gstack.Stack, host Host, hooks Hooks) *Tables {
	mk := func(name string, id gstack.TableID, hooks ...gstack.Hook) *table {
		t := &table{name: name, id: id}
		for _, h := range hooks {
			t.chains = append(t.chains, newBuiltinChain(h))
		}
		return t
	}
	return &Tables{s: s, host: host, hooks: hooks, tables: map[string]*table{
		"filter": mk("filter", gstack.FilterID, gstack.Input, gstack.Forward, gstack.Output),
		"nat":    mk("nat", gstack.NATID, gstack.Prerouting, gstack.Input, gstack.Output, gstack.Postrouting),
		"mangle": mk("mangle", gstack.MangleID, gstack.Prerouting, gstack.Output),
		// gVisor has no raw table: raw's chains are compiled in front of
		// mangle's (which gVisor runs first at both hooks).
		"raw": mk("raw", gstack.MangleID, gstack.Prerouting, gstack.Output),
	}}
}

func newBuiltinChain(h gstack.Hook) *chain {
	return &chain{name: hookName(h), builtin: true, hook: h, policy: "ACCEPT", pol: &Counter{}}
}

func hookName(h gstack.Hook) string {
	switch h {
	case gstack.Prerouting:
		return "PREROUTING"
	case gstack.Input:
		return "INPUT"
	case gstack.Forward:
		return "FORWARD"
	case gstack.Output:
		return "OUTPUT"
	case gstack.Postrouting:
		return "POSTROUTING"
	}
	return h.String()
}

// Names lists the tables, in iptables-save's order.
func (ts *Tables) Names() []string { return []string{"filter", "nat", "mangle", "raw"} }

// InstallForward installs the filter table, and with it the stack's
// Forward and Hold hooks, even if the user never touched it.
func (ts *Tables) InstallForward() error { return ts.install("filter") }

// InstallPrerouting installs the mangle table, and with it the stack's
// Prerouting hook, even if the user never touched it.
func (ts *Tables) InstallPrerouting() error { return ts.install("mangle") }

func (ts *Tables) install(name string) error {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return ts.commit(ts.tables[name])
}

func (ts *Tables) lookup(tbl, ch string) (*table, *chain, error) {
	t := ts.tables[tbl]
	if t == nil {
		return nil, nil, &TableError{Table: tbl}
	}
	if ch == "" {
		return t, nil, nil
	}
	c := t.chain(ch)
	if c == nil {
		return t, nil, ErrNoChain
	}
	return t, c, nil
}

// withChain runs f under ts.mu on table tbl and its chain ch (ch "" for
// the table alone), or returns the lookup's error.
func (ts *Tables) withChain(tbl, ch string, f func(t *table, c *chain) error) error {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	t, c, err := ts.lookup(tbl, ch)
	if err != nil {
		return err
	}
	return f(t, c)
}

// change applies edit to table t and recompiles it; when the table does
// not compile, undo restores it and the error is returned.
func (ts *Tables) change(t *table, edit, undo func()) error {
	edit()
	if err := ts.commit(t); err != nil {
		undo()
		return err
	}
	return nil
}

// Append appends a rule to a chain (`iptables -t T -A CHAIN ...`).
func (ts *Tables) Append(tbl, ch string, r Rule) error {
	return ts.Insert(tbl, ch, -1, r)
}

// Insert inserts a rule at 1-based position pos; pos < 0 appends.
func (ts *Tables) Insert(tbl, ch string, pos int, r Rule) error {
	return ts.withChain(tbl, ch, func(t *table, c *chain) error {
		if err := checkTarget(t, r); err != nil {
			return err
		}
		if err := checkExtMatches(r); err != nil {
			return err
		}
		r.counters = &Counter{}
		old := c.rules
		var rules []*Rule
		switch {
		case pos < 0:
			rules = append(append(rules, old...), &r)
		case pos == 0 || pos > len(old)+1:
			return ErrIndex
		default:
			rules = append(append(append(rules, old[:pos-1]...), &r), old[pos-1:]...)
		}
		return ts.change(t, func() { c.rules = rules }, func() { c.rules = old })
	})
}

// checkTarget checks that r's target exists and fits table t.
func checkTarget(t *table, r Rule) error {
	if r.Target == "TRACE" || r.Target == "NOTRACK" {
		if t.name != "raw" {
			return ErrInvalid
		}
		return nil
	}
	if t.name == "raw" && r.Target != "" && !builtinTargets[r.Target] {
		return fmt.Errorf("nsemu: iptables: user chains in the raw table: not supported yet")
	}
	if builtinTargets[r.Target] {
		return checkBuiltinTarget(t, r)
	}
	if r.Target == "" {
		return nil
	}
	c := t.chain(r.Target)
	if c == nil || c.builtin {
		return fmt.Errorf("iptables v1.8.9 (legacy): Couldn't load target `%s':No such file or directory", r.Target)
	}
	return nil
}

func checkBuiltinTarget(t *table, r Rule) error {
	switch r.Target {
	case "MASQUERADE", "SNAT", "DNAT":
		if t.name != "nat" {
			return ErrInvalid
		}
	}
	if r.Target == "REJECT" && r.RejectWith == "tcp-reset" && (r.Proto != "tcp" || r.NotProto) {
		return ErrInvalid // the kernel: "TCP_RESET invalid for non-tcp"
	}
	if (r.Target == "SNAT" || r.Target == "DNAT") && !r.ToAddr.IsValid() {
		opt := map[string]string{"SNAT": "source", "DNAT": "destination"}[r.Target]
		return fmt.Errorf("iptables v1.8.9 (legacy): %s: option \"--to-%s\" is required", r.Target, opt)
	}
	return nil
}

// Delete deletes the first rule equal to r.
func (ts *Tables) Delete(tbl, ch string, r Rule) error {
	return ts.withChain(tbl, ch, func(t *table, c *chain) error {
		for i, x := range c.rules {
			if x.Equal(r) {
				return ts.deleteAt(t, c, i)
			}
		}
		return ErrBadRule
	})
}

// DeleteNum deletes the rule at 1-based position n.
func (ts *Tables) DeleteNum(tbl, ch string, n int) error {
	return ts.withChain(tbl, ch, func(t *table, c *chain) error {
		if n < 1 || n > len(c.rules) {
			return errors.New("iptables: Index of deletion too big.")
		}
		return ts.deleteAt(t, c, n-1)
	})
}

func (ts *Tables) deleteAt(t *table, c *chain, i int) error {
	old := c.rules
	rules := append(append([]*Rule(nil), old[:i]...), old[i+1:]...)
	return ts.change(t, func() { c.rules = rules }, func() { c.rules = old })
}

// Flush empties a chain, or every chain of the table when ch is "".
func (ts *Tables) Flush(tbl, ch string) error {
	return ts.withChain(tbl, ch, func(t *table, c *chain) error {
		for _, x := range t.chains {
			if c == nil || x == c {
				x.rules = nil
			}
		}
		return ts.commit(t)
	})
}

// Zero zeroes the counters of a chain (all chains when ch is "").
func (ts *Tables) Zero(tbl, ch string) error {
	return ts.withChain(tbl, ch, func(t *table, c *chain) error {
		for _, x := range t.chains {
			if c != nil && x != c {
				continue
			}
			if x.pol != nil {
				x.pol.zero()
			}
			for _, r := range x.rules {
				r.counters.zero()
			}
		}
		return nil
	})
}

// ZeroRule zeroes the counters of the rule at 1-based position n
// (`iptables -Z CHAIN N`).
func (ts *Tables) ZeroRule(tbl, ch string, n int) error {
	return ts.withChain(tbl, ch, func(_ *table, c *chain) error {
		if n < 1 || n > len(c.rules) {
			return errors.New("iptables: Index of counter too big.")
		}
		c.rules[n-1].counters.zero()
		return nil
	})
}

// NewChain creates a user chain.
func (ts *Tables) NewChain(tbl, ch string) error {
	return ts.withChain(tbl, "", func(t *table, _ *chain) error {
		if t.chain(ch) != nil || builtinTargets[ch] {
			return ErrChainExists
		}
		if ch == "" || len(ch) > 28 || strings.ContainsAny(ch, " \t!") || strings.HasPrefix(ch, "-") {
			return fmt.Errorf("iptables v1.8.9 (legacy): Invalid chain name `%s'", ch)
		}
		t.chains = append(t.chains, &chain{name: ch})
		return nil
	})
}

// DeleteChain deletes an empty, unreferenced user chain; with ch "" it
// deletes every user chain of the table.
func (ts *Tables) DeleteChain(tbl, ch string) error {
	return ts.withChain(tbl, ch, func(t *table, c *chain) error {
		victims := []*chain{c}
		if c == nil {
			victims = userChains(t)
		}
		for _, v := range victims {
			if err := checkDeletable(t, v); err != nil {
				return err
			}
		}
		var kept []*chain
		for _, x := range t.chains {
			if !containsChain(victims, x) {
				kept = append(kept, x)
			}
		}
		t.chains = kept
		return ts.commit(t)
	})
}

func userChains(t *table) []*chain {
	var out []*chain
	for _, x := range t.chains {
		if !x.builtin {
			out = append(out, x)
		}
	}
	return out
}

func checkDeletable(t *table, c *chain) error {
	switch {
	case c.builtin:
		return ErrInvalid
	case len(c.rules) > 0:
		return ErrChainNotEmpty
	case references(t, c.name) > 0:
		return ErrChainInUse
	}
	return nil
}

func containsChain(cs []*chain, c *chain) bool {
	for _, x := range cs {
		if x == c {
			return true
		}
	}
	return false
}

func references(t *table, name string) int {
	n := 0
	for _, c := range t.chains {
		for _, r := range c.rules {
			if r.Target == name {
				n++
			}
		}
	}
	return n
}

// RenameChain renames a user chain and every jump to it
// (`iptables -E OLD NEW`).
func (ts *Tables) RenameChain(tbl, old, name string) error {
	return ts.withChain(tbl, "", func(t *table, _ *chain) error {
		// libiptc looks for the new name first.
		if t.chain(name) != nil || builtinTargets[name] {
			return ErrChainFileExists
		}
		c := t.chain(old)
		if c == nil || c.builtin {
			return ErrNoChain
		}
		if name == "" || len(name) > 28 {
			return ErrInvalid
		}
		// Rules reach gVisor's compiled table only through commit, so
		// they can be changed in place and recompiled.
		var jumps []*Rule
		for _, x := range t.chains {
			for _, r := range x.rules {
				if r.Target == old {
					jumps = append(jumps, r)
				}
			}
		}
		rename := func(from, to string) func() {
			return func() {
				c.name = to
				for _, r := range jumps {
					r.Target = to
				}
			}
		}
		return ts.change(t, rename(old, name), rename(name, old))
	})
}

// SetPolicy sets a built-in chain's policy (ACCEPT or DROP).
func (ts *Tables) SetPolicy(tbl, ch, target string) error {
	return ts.withChain(tbl, ch, func(t *table, c *chain) error {
		if !c.builtin || (target != "ACCEPT" && target != "DROP") {
			return ErrBadBuiltin
		}
		old := c.policy
		return ts.change(t, func() { c.policy = target }, func() { c.policy = old })
	})
}

// List returns a table's chains with rules and counters, built-in chains
// first.
func (ts *Tables) List(tbl string) ([]ChainStat, error) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	t, _, err := ts.lookup(tbl, "")
	if err != nil {
		return nil, err
	}
	var out []ChainStat
	for _, c := range t.chains {
		cs := ChainStat{Name: c.name}
		if c.builtin {
			cs.Policy = c.policy
			cs.Packets, cs.Bytes = c.pol.Packets(), c.pol.Bytes()
		} else {
			cs.References = references(t, c.name)
		}
		for _, r := range c.rules {
			cs.Rules = append(cs.Rules, RuleStat{Rule: *r, Packets: r.counters.Packets(), Bytes: r.counters.Bytes()})
		}
		out = append(out, cs)
	}
	return out, nil
}
