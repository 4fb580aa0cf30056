package shell

import (
	"strings"

	"github.com/nsemu/nsemu/stack"
)

// The conntrack and addrtype matches (Docker's rules use them): parsed
// into stack.Rule's CtState and DstType, printed as iptables does.
//
//	-m conntrack --ctstate RELATED,ESTABLISHED     -L: ctstate RELATED,ESTABLISHED
//	-m addrtype --dst-type LOCAL                   -L: ADDRTYPE match dst-type LOCAL

// iptExtMatches records which of these matches a command line loaded.
type iptExtMatches struct {
	conntrack, addrtype bool
	ctSet, dstSet       bool
}

// load loads a match named by -m; false when it is not one of these.
func (x *iptExtMatches) load(name string) bool {
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
func (x *iptExtMatches) opts() []iptOpt {
	var o []iptOpt
	if x.conntrack {
		o = append(o, iptOpt{"ctstate", "ctstate", 1})
	}
	if x.addrtype {
		o = append(o, iptOpt{"dst-type", "dst-type", 1}, iptOpt{"src-type", "src-type", 1})
	}
	return o
}

// option handles --ctstate and --dst-type; ok is false for other options.
func (x *iptExtMatches) option(r *stack.Rule, code, arg string, invert bool) (ok bool, err *IPTablesError) {
	switch code {
	case "ctstate":
		if x.ctSet {
			return true, iptParamErr("conntrack: option \"--ctstate\" can only be used once.\n")
		}
		x.ctSet = true
		s, e := stack.CanonicalCtState(arg)
		if e != nil {
			return true, iptParamErr("Bad ctstate \"%s\"", arg)
		}
		r.CtState, r.NotCtState = s, invert
		return true, nil
	case "dst-type":
		if x.dstSet {
			return true, iptParamErr("addrtype: option \"--dst-type\" can only be used once.\n")
		}
		x.dstSet = true
		t := strings.ToUpper(arg)
		if t != "LOCAL" {
			return true, iptNotEmulated("--dst-type " + arg)
		}
		r.DstType, r.NotDstType = t, invert
		return true, nil
	case "src-type":
		return true, iptNotEmulated("--src-type")
	}
	return false, nil
}

// iptExtArgs renders the matches as iptables -S does.
func iptExtArgs(r stack.Rule) []string {
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

// iptExtL renders the matches as iptables -L does.
func iptExtL(r stack.Rule) string {
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
