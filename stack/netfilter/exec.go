package netfilter

import (
	"fmt"
	"io"
	"strings"
)

// Exec applies a parsed iptables command to the tables, as iptables and
// libiptc do: the checks made once the table is open, then the change or
// the listing. It writes what iptables prints on standard output to w (the
// listings of -L and -S, the messages of -F, -X and -Z with -v). -h and -V
// are the caller's: they need no tables.
func (ts *Tables) Exec(cmd *Command, w io.Writer) error {
	chains, err := ts.List(cmd.Table)
	if err != nil {
		return err
	}
	if cmd.HasRule {
		if err := checkRule(cmd, chains); err != nil {
			return err
		}
	}
	tbl, ch := cmd.Table, cmd.Chain
	switch cmd.Cmd {
	case 'A':
		return ts.Append(tbl, ch, cmd.Rule)
	case 'I':
		return ts.Insert(tbl, ch, cmd.Num, cmd.Rule)
	case 'R':
		return ts.replace(cmd, chains)
	case 'D':
		return ts.delete(cmd, chains)
	case 'C':
		_, err := find(chains, ch, cmd.Rule)
		return err
	case 'L', 'S':
		return ts.list(cmd, chains, w)
	case 'F':
		return ts.flush(cmd, chains, w)
	case 'Z':
		return ts.zero(cmd, chains, w)
	case 'N':
		return ts.NewChain(tbl, ch)
	case 'X':
		return ts.deleteChain(cmd, chains, w)
	case 'E':
		return ts.RenameChain(tbl, ch, cmd.Arg)
	case 'P':
		return ts.policy(cmd, chains)
	}
	return paramErr("no command specified")
}

// list is -L or -S, then -Z's zeroing if it came too.
func (ts *Tables) list(cmd *Command, chains []ChainStat, w io.Writer) error {
	var b strings.Builder
	var err error
	if cmd.Cmd == 'L' {
		err = listChains(&b, chains, cmd)
	} else {
		err = listRules(&b, chains, cmd)
	}
	io.WriteString(w, b.String())
	if err == nil && cmd.Zero {
		err = ts.zero(cmd, chains, w)
	}
	return err
}

// delete is -D, by number or by specification.
func (ts *Tables) delete(cmd *Command, chains []ChainStat) error {
	n := cmd.Num
	if cmd.HasRule {
		var err error
		if n, err = find(chains, cmd.Chain, cmd.Rule); err != nil {
			return err
		}
	}
	return ts.DeleteNum(cmd.Table, cmd.Chain, n)
}

func (ts *Tables) flush(cmd *Command, chains []ChainStat, w io.Writer) error {
	if err := ts.Flush(cmd.Table, cmd.Chain); err != nil {
		return err
	}
	sayChains(w, cmd, chains, "Flushing")
	return nil
}

// sayChains writes, for -v, "VERB chain `NAME'" for each chain the command
// is about, in libiptc's order.
func sayChains(w io.Writer, cmd *Command, chains []ChainStat, verb string) {
	if !cmd.Verbose {
		return
	}
	for _, cs := range ordered(chains) {
		if cmd.Chain == "" || cs.Name == cmd.Chain {
			fmt.Fprintf(w, "%s chain `%s'\n", verb, cs.Name)
		}
	}
}

func (ts *Tables) deleteChain(cmd *Command, chains []ChainStat, w io.Writer) error {
	victim := func(cs ChainStat) bool { return cs.Policy == "" && (cmd.Chain == "" || cs.Name == cmd.Chain) }
	if cmd.Verbose {
		// iptables prints these as it goes, before it commits.
		for _, cs := range ordered(chains) {
			if victim(cs) {
				fmt.Fprintf(w, "Deleting chain `%s'\n", cs.Name)
			}
		}
	}
	for _, cs := range chains {
		if victim(cs) && cs.References > 0 {
			// libiptc looks at references before contents.
			return ErrChainInUse
		}
	}
	return ts.DeleteChain(cmd.Table, cmd.Chain)
}

// checkRule does what iptables and the kernel check once the table is
// open: the target exists, and the kernel accepts target and matches in
// that table and chain. (The stack checks targets reached through jumps.)
func checkRule(cmd *Command, chains []ChainStat) error {
	r := cmd.Rule
	if t := r.Target; t != "" && !builtinTargets[t] {
		found := false
		for _, cs := range chains {
			if cs.Name == t {
				found = true
				if cs.Policy != "" {
					// A jump to a built-in chain.
					if cmd.Cmd == 'D' || cmd.Cmd == 'C' {
						return kernelErr(ErrBadRule.Error())
					}
					return kernelErr(ErrInvalid.Error())
				}
			}
		}
		if !found {
			return paramErr("Couldn't load target `%s':No such file or directory\n", t)
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
		bad = cmd.Table != "nat" || builtinChainName(cmd.Chain) && cmd.Chain != "POSTROUTING"
	case "SNAT":
		bad = cmd.Table != "nat" || builtinChainName(cmd.Chain) && cmd.Chain != "POSTROUTING" && cmd.Chain != "INPUT"
	case "DNAT":
		bad = cmd.Table != "nat" || builtinChainName(cmd.Chain) && cmd.Chain != "PREROUTING" && cmd.Chain != "OUTPUT"
	}
	if bad {
		return kernelErr(ErrInvalid.Error())
	}
	return nil
}

func builtinChainName(ch string) bool {
	switch ch {
	case "PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING":
		return true
	}
	return false
}

// find returns the 1-based position of the first rule of chain ch equal
// to r, as iptables -D and -C compare them.
func find(chains []ChainStat, ch string, r Rule) (int, error) {
	for _, cs := range chains {
		if cs.Name != ch {
			continue
		}
		want := r.Canon()
		for i, x := range cs.Rules {
			if x.Rule.Canon().Equal(want) {
				return i + 1, nil
			}
		}
		return 0, kernelErr(ErrBadRule.Error())
	}
	return 0, ErrNoChain
}

// replace is -R.
func (ts *Tables) replace(cmd *Command, chains []ChainStat) error {
	var old *Rule
	for _, cs := range chains {
		if cs.Name == cmd.Chain {
			if cmd.Num > len(cs.Rules) {
				return kernelErr("iptables: Index of replacement too big.")
			}
			r := cs.Rules[cmd.Num-1].Rule
			old = &r
		}
	}
	if old == nil {
		return ErrNoChain
	}
	if err := ts.DeleteNum(cmd.Table, cmd.Chain, cmd.Num); err != nil {
		return err
	}
	if err := ts.Insert(cmd.Table, cmd.Chain, cmd.Num, cmd.Rule); err != nil {
		_ = ts.Insert(cmd.Table, cmd.Chain, cmd.Num, *old)
		return err
	}
	return nil
}

// zero is -Z (alone or after -L or -S).
func (ts *Tables) zero(cmd *Command, chains []ChainStat, w io.Writer) error {
	if cmd.Num > 0 {
		return ts.ZeroRule(cmd.Table, cmd.Chain, cmd.Num)
	}
	if err := ts.Zero(cmd.Table, cmd.Chain); err != nil {
		return err
	}
	sayChains(w, cmd, chains, "Zeroing")
	return nil
}

// policy is -P.
func (ts *Tables) policy(cmd *Command, chains []ChainStat) error {
	builtin := false
	for _, cs := range chains {
		if cs.Name == cmd.Chain && cs.Policy != "" {
			builtin = true
		}
	}
	if !builtin {
		return ErrBadBuiltin
	}
	if cmd.Arg != "ACCEPT" && cmd.Arg != "DROP" {
		return kernelErr("iptables: Bad policy name. Run `dmesg' for more information.")
	}
	return ts.SetPolicy(cmd.Table, cmd.Chain, cmd.Arg)
}
