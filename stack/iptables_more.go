package stack

import "errors"

// ErrChainFileExists is what iptables -E says when the new name is taken.
var ErrChainFileExists = errors.New("iptables: File exists.")

// IPTablesZeroRule zeroes the counters of the rule at 1-based position n
// (`iptables -Z CHAIN N`).
func (st *Stack) IPTablesZeroRule(tbl, ch string, n int) error {
	return st.withChain(tbl, ch, func(ipt *iptables, _ *table, c *chain) error {
		if n < 1 || n > len(c.rules) {
			return errors.New("iptables: Index of counter too big.")
		}
		c.rules[n-1].counters.zero()
		return nil
	})
}

// IPTablesRenameChain renames a user chain and every jump to it
// (`iptables -E OLD NEW`).
func (st *Stack) IPTablesRenameChain(tbl, old, name string) error {
	return st.withChain(tbl, "", func(ipt *iptables, t *table, _ *chain) error {
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
		// Rules are shared with gVisor's compiled table only through commit, so
		// they can be changed in place and recompiled.
		var renamed []*Rule
		for _, x := range t.chains {
			for _, r := range x.rules {
				if r.Target == old {
					r.Target = name
					renamed = append(renamed, r)
				}
			}
		}
		c.name = name
		if err := ipt.commit(t); err != nil {
			c.name = old
			for _, r := range renamed {
				r.Target = old
			}
			return err
		}
		return nil
	})
}
