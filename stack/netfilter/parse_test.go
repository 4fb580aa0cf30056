package netfilter

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
)

func pm(lo, hi uint16, not bool) *PortMatch { return &PortMatch{Lo: lo, Hi: hi, Not: not} }

// parseCases are command lines and what Parse makes of them.
var parseCases = []struct {
	args    string
	cmd     byte
	table   string
	chain   string
	num     int
	rule    *Rule // nil: not checked
	reject  bool
	err     string // substring of the error; "" means success
	status  int
	numeric bool
}{
	{args: "-t nat -A POSTROUTING -s 192.168.28.0/24 -j MASQUERADE", cmd: 'A', table: "nat", chain: "POSTROUTING",
		rule: &Rule{Src: netip.MustParsePrefix("192.168.28.0/24"), Target: "MASQUERADE"}},
	{args: "-t nat -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE", cmd: 'A', table: "nat", chain: "POSTROUTING",
		rule: &Rule{Src: netip.MustParsePrefix("172.17.0.0/16"), Out: "docker0", NotOut: true, Target: "MASQUERADE"}},
	{args: "-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80", cmd: 'A', chain: "DOCKER", table: "filter",
		rule: &Rule{In: "docker0", NotIn: true, Proto: "tcp", DPort: pm(8080, 8080, false), Target: "DNAT", ToAddr: netip.MustParseAddr("172.17.0.2"), ToPort: 80}},
	{args: "-I INPUT 3 -p udp ! --sport 53 --dport 1000:2000 -j ACCEPT", cmd: 'I', chain: "INPUT", num: 3, table: "filter",
		rule: &Rule{Proto: "udp", SPort: pm(53, 53, true), DPort: pm(1000, 2000, false), Target: "ACCEPT"}},
	{args: "-I INPUT -j ACCEPT", cmd: 'I', chain: "INPUT", num: 1, table: "filter", rule: &Rule{Target: "ACCEPT"}},
	{args: "-A INPUT -p tcp -m tcp -j ACCEPT", cmd: 'A', chain: "INPUT", table: "filter",
		rule: &Rule{Proto: "tcp", SPort: pm(0, 65535, false), Target: "ACCEPT"}},
	{args: "-A INPUT -p tcp --dport : -j ACCEPT", cmd: 'A', chain: "INPUT", table: "filter",
		rule: &Rule{Proto: "tcp", SPort: pm(0, 65535, false), Target: "ACCEPT"}},
	{args: "-A INPUT -p TCP --dport http -s 10.1.2.3/8 -d 0/0 -j REJECT", cmd: 'A', chain: "INPUT", table: "filter",
		rule: &Rule{Proto: "tcp", DPort: pm(80, 80, false), Src: netip.MustParsePrefix("10.0.0.0/8"), Target: "REJECT", RejectWith: "icmp-port-unreachable"}},
	{args: "-A INPUT -j REJECT --reject-with ICMP-HOST", cmd: 'A', chain: "INPUT", table: "filter",
		rule: &Rule{Target: "REJECT", RejectWith: "icmp-host-unreachable"}},
	{args: "-A INPUT -j LOG --log-prefix abcdefghijabcdefghijabcdefghijXYZ", cmd: 'A', chain: "INPUT", table: "filter",
		rule: &Rule{Target: "LOG", LogPrefix: "abcdefghijabcdefghijabcdefghi"}},
	{args: "-A INPUT -s 10.1 -i + -j ACCEPT", cmd: 'A', chain: "INPUT", table: "filter",
		rule: &Rule{Src: netip.MustParsePrefix("10.1.0.0/32"), Target: "ACCEPT"}},
	{args: "-A INPUT -s 10.0.0.0/255.255.0.0 -j ACCEPT", cmd: 'A', chain: "INPUT", table: "filter",
		rule: &Rule{Src: netip.MustParsePrefix("10.0.0.0/16"), Target: "ACCEPT"}},
	{args: "--append INPUT --source 1.1.1.1 --dst 2.2.2.2 --proto udp --in-interface lo --jump ACCEPT", cmd: 'A', chain: "INPUT", table: "filter",
		rule: &Rule{Src: netip.MustParsePrefix("1.1.1.1/32"), Dst: netip.MustParsePrefix("2.2.2.2/32"), Proto: "udp", In: "lo", Target: "ACCEPT"}},
	{args: "-t raw -A OUTPUT -p icmp -j TRACE", cmd: 'A', chain: "OUTPUT", table: "raw",
		rule: &Rule{Proto: "icmp", Target: "TRACE"}},
	{args: "-nvL INPUT", cmd: 'L', chain: "INPUT", table: "filter", numeric: true},
	{args: "-L INPUT 2 -Z", cmd: 'L', chain: "INPUT", num: 2, table: "filter"},
	{args: "-tnat -S POSTROUTING", cmd: 'S', chain: "POSTROUTING", table: "nat"},
	{args: "-D INPUT 4", cmd: 'D', chain: "INPUT", num: 4, table: "filter"},
	{args: "-D INPUT -j DROP", cmd: 'D', chain: "INPUT", table: "filter", rule: &Rule{Target: "DROP"}},
	{args: "-P FORWARD DROP", cmd: 'P', chain: "FORWARD", table: "filter"},
	{args: "-F", cmd: 'F', table: "filter"},
	{args: "-X", cmd: 'X', table: "filter"},
	{args: "-E OLD NEW", cmd: 'E', chain: "OLD", table: "filter"},
	// The kernel's refusals wait until the table is known.
	{args: "-A INPUT -m tcp --dport 80 -j ACCEPT", cmd: 'A', chain: "INPUT", table: "filter", reject: true},
	{args: "-A INPUT -j REJECT --reject-with tcp-reset", cmd: 'A', chain: "INPUT", table: "filter", reject: true},
	// Errors, in iptables' words.
	{args: "", err: "no command specified", status: 2},
	{args: "-A INPUT --foo", err: `iptables v1.8.9 (legacy): unknown option "--foo"`, status: 2},
	{args: "-A INPUT -s 300.1.1.1 -j ACCEPT", err: "host/network `300.1.1.1' not found", status: 2},
	{args: "-A INPUT -s 1.2.3.4 2.3.4.5", err: "Bad argument `2.3.4.5'", status: 2},
	{args: "-A INPUT -p tcp --dport 99999", err: "invalid port/service `99999' specified", status: 2},
	{args: "-A INPUT --dport 80", err: `unknown option "--dport"`, status: 2},
	{args: "-A INPUT -A INPUT", err: "Cannot use -A with -A", status: 2},
	{args: "-A INPUT ! -j ACCEPT", err: "cannot have ! before -j", status: 2},
	{args: "-A INPUT -s 1.2.3.4 !", err: "nothing appropriate following !", status: 2},
	{args: "-A INPUT -o eth0", err: "Can't use -o with INPUT\n\n", status: 2},
	{args: "-t nat -A PREROUTING -j DNAT", err: `DNAT: option "--to-destination" must be specified`, status: 2},
	{args: "-t nat -P POSTROUTING DROP", err: `The "nat" table is not intended for filtering`, status: 2},
	{args: "-L -s 1.2.3.4", err: "Illegal option `-s' with this command", status: 2},
	{args: "-D INPUT 0", err: "Invalid rule number `0'", status: 2},
	{args: "-N ACCEPT", err: "chain name may not clash with target name", status: 2},
	{args: "-m state --state NEW -A INPUT", err: "the state match is not emulated by nsemu", status: 2},
	{args: "-A INPUT -j REDIRECT", err: "the REDIRECT target is not emulated by nsemu", status: 2},
	{args: "-A INPUT -p gre", err: "protocol gre is not emulated by nsemu", status: 2},
	{args: "-A INPUT -s 1.2.3.4,5.6.7.8", err: "address list", status: 2},
	{args: "-6 -L", err: "Try `iptables -h'", status: 2},
}

// TestParse checks Parse on parseCases: the command, its table, chain and
// rule, or the error in iptables' words and exit status.
func TestParse(t *testing.T) {
	for _, c := range parseCases {
		t.Run(c.args, func(t *testing.T) {
			cmd, err := Parse(strings.Fields(c.args))
			if c.err != "" {
				var ie *Error
				if !errors.As(err, &ie) {
					t.Fatalf("err %v (%T), want an IPTablesError with %q", err, err, c.err)
				}
				if !strings.Contains(ie.Msg, c.err) || ie.Status != c.status {
					t.Fatalf("error %q (status %d), want %q (status %d)", ie.Msg, ie.Status, c.err, c.status)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cmd.Cmd != c.cmd || cmd.Table != c.table || cmd.Chain != c.chain || cmd.Num != c.num || cmd.Numeric != c.numeric {
				t.Fatalf("got cmd %c table %q chain %q num %d numeric %v", cmd.Cmd, cmd.Table, cmd.Chain, cmd.Num, cmd.Numeric)
			}
			if (cmd.Reject != nil) != c.reject {
				t.Fatalf("reject %v, want %v", cmd.Reject, c.reject)
			}
			if c.rule != nil && !cmd.Rule.Equal(*c.rule) {
				t.Fatalf("rule %s, want %s", ruleSpec(cmd.Rule, nil), ruleSpec(*c.rule, nil))
			}
		})
	}
}

// splitSpec splits iptables -S text into arguments: white space
// separates them, "..." quotes with \ escaping the next character.
func splitSpec(s string) []string {
	var out []string
	var cur strings.Builder
	in, quoted := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quoted && c == '\\' && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
		case c == '"':
			quoted = !quoted
			in = true
		case !quoted && (c == ' ' || c == '\t' || c == '\n'):
			if in {
				out = append(out, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteByte(c)
			in = true
		}
	}
	if in {
		out = append(out, cur.String())
	}
	return out
}

// scriptRules are rules of every kind nsemu emulates, as the iptables
// golden script (emu/builtin/nettools/testdata/iptables.sh) adds them.
var scriptRules = []string{
	"-t nat -A POSTROUTING -s 192.168.28.0/24 -j MASQUERADE",
	"-t nat -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE",
	"-t nat -A DOCKER -i docker0 -j RETURN",
	"-t nat -A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80",
	"-t nat -A DOCKER -p udp --dport 53 -j DNAT --to-destination 172.17.0.3",
	"-t nat -A POSTROUTING -o ens33 -j SNAT --to-source 192.168.17.10",
	"-t nat -A POSTROUTING -o ens33 -p tcp --sport 1000:2000 -j SNAT --to-source 192.168.17.10:5000",
	"-A FORWARD -i br0 -o ens33 -j ACCEPT",
	"-A FORWARD -d 10.0.0.1/32 -j DROP",
	"-A FORWARD -s 10.0.0.0/8 -d 192.168.0.0/16 -p icmp -j REJECT",
	"-A FORWARD -i eth0 ! -o eth1 -s 1.2.3.4 ! -d 5.6.7.0/24 -p udp ! --sport 10:20 --dport 53",
	"-A INPUT -p tcp --dport 22 -j REJECT --reject-with tcp-reset",
	"-A INPUT -p tcp --dport 23 -j REJECT --reject-with icmp-host-prohibited",
	"-A\x00INPUT\x00-j\x00LOG\x00--log-prefix\x00IN: ",
	"-A INPUT -p udp ! --sport 53 -j LOG",
	"-A INPUT ! -s 10.1.2.3 ! -d 10.0.0.0/8 ! -p tcp -j ACCEPT",
	"-A INPUT -i lo",
	"-A INPUT -i veth+ -j ACCEPT",
	"-I INPUT 2 -p tcp --sport 80 -j ACCEPT",
	"-A FORWARD -o docker0 -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
	"-t nat -A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER",
	"-A INPUT -m conntrack ! --ctstate NEW -j ACCEPT",
}

// FuzzParse: no command line panics the parser; a rule it accepts,
// printed back as iptables -S prints it, parses to the same rule, and the
// printed line splits back into the same arguments.
func FuzzParse(f *testing.F) {
	for _, c := range parseCases {
		f.Add(c.args)
	}
	for _, s := range append(scriptRules, []string{
		"-A INPUT -j LOG --log-prefix \x00say\x00\"hi\"\\\x00-p\x00tcp",
		"-A X ! -s 0/0 ! -i + -p udp -m udp ! --dport : --sport 7:",
		"-A X -p tcp --dport 0x50 --sport 010",
		"-t nat -I POSTROUTING 1 -o eth0 -j SNAT --to-source 10.0.0.1:1024",
		"-A INPUT --src=1.2.3.4 --jump=ACCEPT --reject-with x",
		"-nvxL --line INPUT 1",
	}...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		var args []string
		if strings.Contains(line, "\x00") {
			args = strings.Split(line, "\x00")
		} else {
			args = strings.Fields(line)
		}
		cmd, err := Parse(args)
		if err != nil {
			var ie *Error
			if !errors.As(err, &ie) || ie.Status < 1 || ie.Status > 3 || ie.Msg == "" {
				t.Fatalf("%q: error %#v", args, err)
			}
			return
		}
		if !cmd.HasRule || cmd.Reject != nil {
			return
		}
		spec := RuleArgs(cmd.Rule, nil)
		again, err := Parse(append([]string{"-A", "X"}, spec...))
		if err != nil {
			t.Fatalf("%q parsed to %q, which does not parse: %v", args, spec, err)
		}
		if !again.Rule.Equal(cmd.Rule) {
			t.Fatalf("%q: rule %+v printed as %q parses to %+v", args, cmd.Rule, spec, again.Rule)
		}
		// The printed line splits into the same arguments, unless a
		// field iptables prints bare holds white space or quotes.
		bare := true
		for i, a := range spec {
			if (i == 0 || spec[i-1] != "--log-prefix") && strings.ContainsAny(a, " \t\n\"\\") {
				bare = false
			}
		}
		if bare {
			if got := splitSpec(ruleSpec(cmd.Rule, nil)); strings.Join(got, "\x00") != strings.Join(spec, "\x00") {
				t.Fatalf("%q prints as %q, which splits into %q", args, ruleSpec(cmd.Rule, nil), got)
			}
		}
	})
}
