package shell_test

import (
	"bytes"
	"context"
	"errors"
	"net/netip"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/shell"
	"github.com/nsemu/nsemu/stack"
)

func pm(lo, hi uint16, not bool) *stack.PortMatch { return &stack.PortMatch{Lo: lo, Hi: hi, Not: not} }

func TestIPTablesParse(t *testing.T) {
	cases := []struct {
		args    string
		cmd     byte
		table   string
		chain   string
		num     int
		rule    *stack.Rule // nil: not checked
		reject  bool
		err     string // substring of the error; "" means success
		status  int
		numeric bool
	}{
		{args: "-t nat -A POSTROUTING -s 192.168.28.0/24 -j MASQUERADE", cmd: 'A', table: "nat", chain: "POSTROUTING",
			rule: &stack.Rule{Src: netip.MustParsePrefix("192.168.28.0/24"), Target: "MASQUERADE"}},
		{args: "-t nat -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE", cmd: 'A', table: "nat", chain: "POSTROUTING",
			rule: &stack.Rule{Src: netip.MustParsePrefix("172.17.0.0/16"), Out: "docker0", NotOut: true, Target: "MASQUERADE"}},
		{args: "-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80", cmd: 'A', chain: "DOCKER", table: "filter",
			rule: &stack.Rule{In: "docker0", NotIn: true, Proto: "tcp", DPort: pm(8080, 8080, false), Target: "DNAT", ToAddr: netip.MustParseAddr("172.17.0.2"), ToPort: 80}},
		{args: "-I INPUT 3 -p udp ! --sport 53 --dport 1000:2000 -j ACCEPT", cmd: 'I', chain: "INPUT", num: 3, table: "filter",
			rule: &stack.Rule{Proto: "udp", SPort: pm(53, 53, true), DPort: pm(1000, 2000, false), Target: "ACCEPT"}},
		{args: "-I INPUT -j ACCEPT", cmd: 'I', chain: "INPUT", num: 1, table: "filter", rule: &stack.Rule{Target: "ACCEPT"}},
		{args: "-A INPUT -p tcp -m tcp -j ACCEPT", cmd: 'A', chain: "INPUT", table: "filter",
			rule: &stack.Rule{Proto: "tcp", SPort: pm(0, 65535, false), Target: "ACCEPT"}},
		{args: "-A INPUT -p tcp --dport : -j ACCEPT", cmd: 'A', chain: "INPUT", table: "filter",
			rule: &stack.Rule{Proto: "tcp", SPort: pm(0, 65535, false), Target: "ACCEPT"}},
		{args: "-A INPUT -p TCP --dport http -s 10.1.2.3/8 -d 0/0 -j REJECT", cmd: 'A', chain: "INPUT", table: "filter",
			rule: &stack.Rule{Proto: "tcp", DPort: pm(80, 80, false), Src: netip.MustParsePrefix("10.0.0.0/8"), Target: "REJECT", RejectWith: "icmp-port-unreachable"}},
		{args: "-A INPUT -j REJECT --reject-with ICMP-HOST", cmd: 'A', chain: "INPUT", table: "filter",
			rule: &stack.Rule{Target: "REJECT", RejectWith: "icmp-host-unreachable"}},
		{args: "-A INPUT -j LOG --log-prefix abcdefghijabcdefghijabcdefghijXYZ", cmd: 'A', chain: "INPUT", table: "filter",
			rule: &stack.Rule{Target: "LOG", LogPrefix: "abcdefghijabcdefghijabcdefghi"}},
		{args: "-A INPUT -s 10.1 -i + -j ACCEPT", cmd: 'A', chain: "INPUT", table: "filter",
			rule: &stack.Rule{Src: netip.MustParsePrefix("10.1.0.0/32"), Target: "ACCEPT"}},
		{args: "-A INPUT -s 10.0.0.0/255.255.0.0 -j ACCEPT", cmd: 'A', chain: "INPUT", table: "filter",
			rule: &stack.Rule{Src: netip.MustParsePrefix("10.0.0.0/16"), Target: "ACCEPT"}},
		{args: "--append INPUT --source 1.1.1.1 --dst 2.2.2.2 --proto udp --in-interface lo --jump ACCEPT", cmd: 'A', chain: "INPUT", table: "filter",
			rule: &stack.Rule{Src: netip.MustParsePrefix("1.1.1.1/32"), Dst: netip.MustParsePrefix("2.2.2.2/32"), Proto: "udp", In: "lo", Target: "ACCEPT"}},
		{args: "-t raw -A OUTPUT -p icmp -j TRACE", cmd: 'A', chain: "OUTPUT", table: "raw",
			rule: &stack.Rule{Proto: "icmp", Target: "TRACE"}},
		{args: "-nvL INPUT", cmd: 'L', chain: "INPUT", table: "filter", numeric: true},
		{args: "-L INPUT 2 -Z", cmd: 'L', chain: "INPUT", num: 2, table: "filter"},
		{args: "-tnat -S POSTROUTING", cmd: 'S', chain: "POSTROUTING", table: "nat"},
		{args: "-D INPUT 4", cmd: 'D', chain: "INPUT", num: 4, table: "filter"},
		{args: "-D INPUT -j DROP", cmd: 'D', chain: "INPUT", table: "filter", rule: &stack.Rule{Target: "DROP"}},
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
	for _, c := range cases {
		t.Run(c.args, func(t *testing.T) {
			cmd, err := shell.ParseIPTables(strings.Fields(c.args))
			if c.err != "" {
				var ie *shell.IPTablesError
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
				t.Fatalf("rule %s, want %s", shell.IptRuleSpec(cmd.Rule, nil), shell.IptRuleSpec(*c.rule, nil))
			}
		})
	}
}

func TestIPTablesNum(t *testing.T) {
	for _, c := range []struct {
		n            uint64
		exact, notab bool
		want         string
	}{
		{0, false, false, "    0 "}, {99999, false, false, "99999 "}, {100000, false, false, " 100K "},
		{388368, false, false, " 388K "}, {9999499, false, false, "9999K "}, {9999500, false, false, "  10M "},
		{12345678901, false, false, "  12G "}, {12345678901234, false, false, "  12T "},
		{388368, true, false, "  388368 "}, {1640, false, true, "1640 "}, {388368, false, true, "388K "},
	} {
		if got := shell.IptNum(c.n, c.exact, c.notab); got != c.want {
			t.Errorf("iptNum(%d, %v, %v) = %q, want %q", c.n, c.exact, c.notab, got, c.want)
		}
	}
}

// ntScriptResult is what a script printed and how it ended.
type ntScriptResult struct {
	out, err string
	status   int
}

// ntRunScript runs a script through RunScript in namespace ns of w. err is
// the whole standard error, the failing command's last line included.
func ntRunScript(t *testing.T, w *emu.World, ns *emu.Namespace, src string) ntScriptResult {
	t.Helper()
	var out, errb bytes.Buffer
	sh := shell.New(w, nil, &out, &errb)
	sh.NS = ns
	err := sh.RunScript(context.Background(), "t.sh", strings.NewReader(src), nil)
	r := ntScriptResult{out: out.String(), err: errb.String()}
	var se *shell.ScriptError
	switch {
	case errors.As(err, &se):
		r.status = se.Status
		r.err += se.Msg + "\n"
	case err != nil:
		t.Fatal(err)
	}
	return r
}

// ntSaveDateRe matches iptables-save's dated comment lines.
var ntSaveDateRe = regexp.MustCompile(`(?m)^# (Generated by iptables-save v1\.8\.9|Completed) on .*$`)

// iptState is every table of a namespace, as iptables-save -c prints it.
func iptState(t *testing.T, w *emu.World, ns *emu.Namespace) string {
	t.Helper()
	r := ntRunScript(t, w, ns, "iptables-save -c\n")
	if r.status != 0 {
		t.Fatalf("iptables-save: %+v", r)
	}
	return ntSaveDateRe.ReplaceAllString(r.out, "")
}

func TestIPTablesScripts(t *testing.T) {
	const docker = `iptables -t nat -N DOCKER
iptables -t nat -A PREROUTING -j DOCKER
iptables -t nat -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE
iptables -t nat -A DOCKER -i docker0 -j RETURN
iptables -t nat -A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80
`
	cases := []struct {
		name, setup, src string
		out, err         string // exact; "*" means not checked
		status           int
	}{
		{name: "append and list", setup: docker, src: "iptables -t nat -S\n", out: `-P PREROUTING ACCEPT
-P INPUT ACCEPT
-P OUTPUT ACCEPT
-P POSTROUTING ACCEPT
-N DOCKER
-A PREROUTING -j DOCKER
-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE
-A DOCKER -i docker0 -j RETURN
-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80
`},
		{name: "list numeric verbose", setup: docker, src: "iptables -t nat -L DOCKER -n -v --line-numbers\n", out: `Chain DOCKER (1 references)
num   pkts bytes target     prot opt in     out     source               destination         
1        0     0 RETURN     all  --  docker0 *       0.0.0.0/0            0.0.0.0/0           
2        0     0 DNAT       tcp  --  !docker0 *       0.0.0.0/0            0.0.0.0/0            tcp dpt:8080 to:172.17.0.2:80
`},
		{name: "list names", setup: docker, src: "iptables -t nat -L POSTROUTING\n", out: `Chain POSTROUTING (policy ACCEPT)
target     prot opt source               destination         
MASQUERADE  all  --  172.17.0.0/16        anywhere            
`},
		{name: "delete by spec", setup: docker, src: "iptables -t nat -D DOCKER ! -i docker0 -p tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80\niptables -t nat -S DOCKER\n",
			out: "-N DOCKER\n-A DOCKER -i docker0 -j RETURN\n"},
		{name: "check", setup: docker, src: "iptables -t nat -C DOCKER -i docker0 -j RETURN && echo found\n", out: "found\n"},
		{name: "unknown option", src: "iptables -A INPUT --foo\n",
			err: "iptables v1.8.9 (legacy): unknown option \"--foo\"\nTry `iptables -h' or 'iptables --help' for more information.\n", status: 2},
		{name: "bad address", src: "iptables -A INPUT -s 300.1.1.1 -j ACCEPT\n",
			err: "iptables v1.8.9 (legacy): host/network `300.1.1.1' not found\nTry `iptables -h' or 'iptables --help' for more information.\n", status: 2},
		{name: "no chain", src: "iptables -A NOSUCH -j ACCEPT\n", err: "iptables: No chain/target/match by that name.\n", status: 1},
		{name: "bad rule", src: "iptables -D INPUT -s 9.9.9.9 -j ACCEPT\n",
			err: "iptables: Bad rule (does a matching rule exist in that chain?).\n", status: 1},
		{name: "no target", src: "iptables -A INPUT -j NOSUCH\n",
			err: "iptables v1.8.9 (legacy): Couldn't load target `NOSUCH':No such file or directory\n\nTry `iptables -h' or 'iptables --help' for more information.\n", status: 2},
		{name: "unknown table", src: "iptables -t foo -L\n",
			err: "iptables v1.8.9 (legacy): can't initialize iptables table `foo': Table does not exist (do you need to insmod?)\nPerhaps iptables or your kernel needs to be upgraded.\n", status: 3},
		{name: "kernel refuses", src: "iptables -A INPUT -j MASQUERADE\n",
			err: "iptables: Invalid argument. Run `dmesg' for more information.\n", status: 1},
		{name: "tcp match on udp", src: "iptables -A INPUT -p udp -m tcp --dport 80 -j ACCEPT\n",
			err: "iptables: Invalid argument. Run `dmesg' for more information.\n", status: 1},
		{name: "chain in use", setup: docker, src: "iptables -t nat -X DOCKER\n", err: "iptables: Too many links.\n", status: 1},
		{name: "index too big", src: "iptables -I INPUT 2 -j ACCEPT\n", err: "iptables: Index of insertion too big.\n", status: 1},
		{name: "policy", src: "iptables -P FORWARD DROP\niptables -L FORWARD\n", out: "Chain FORWARD (policy DROP)\ntarget     prot opt source               destination         \n"},
		{name: "bad policy", src: "iptables -P INPUT REJECT\n", err: "iptables: Bad policy name. Run `dmesg' for more information.\n", status: 1},
		{name: "rename", setup: "iptables -N A\niptables -A INPUT -j A\n", src: "iptables -E A B\niptables -S\n",
			out: "-P INPUT ACCEPT\n-P FORWARD ACCEPT\n-P OUTPUT ACCEPT\n-N B\n-A INPUT -j B\n"},
		{name: "replace", setup: "iptables -A INPUT -j ACCEPT\niptables -A INPUT -j DROP\n", src: "iptables -R INPUT 1 -p icmp -j LOG\niptables -S INPUT\n",
			out: "-P INPUT ACCEPT\n-A INPUT -p icmp -j LOG\n-A INPUT -j DROP\n"},
		{name: "warning", src: "iptables -A INPUT -i 'a b'\n", err: "Warning: weird character in interface `a b' ('/' and ' ' are not allowed by the kernel).\n"},
		{name: "flush verbose", setup: docker, src: "iptables -t nat -F -v\n",
			out: "Flushing chain `PREROUTING'\nFlushing chain `INPUT'\nFlushing chain `OUTPUT'\nFlushing chain `POSTROUTING'\nFlushing chain `DOCKER'\n"},
		{name: "version", src: "iptables -V\n", out: "iptables v1.8.9 (legacy)\n"},
		{name: "help", src: "iptables -h | head -1\n", out: "iptables v1.8.9 (legacy)\n"},
		{name: "save one table", setup: docker, src: "iptables-save -t nat | grep -v '^#'\n", out: `*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:DOCKER - [0:0]
-A PREROUTING -j DOCKER
-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE
-A DOCKER -i docker0 -j RETURN
-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80
COMMIT
`},
		{name: "save all tables", src: "iptables-save | grep '^\\*'\n", out: "*filter\n*nat\n*mangle\n*raw\n"},
		{name: "save unknown table", src: "iptables-save -t foo\n",
			err: "iptables-save v1.8.9 (legacy): Cannot initialize: Table does not exist (do you need to insmod?)\n", status: 1},
		{name: "save bad option", src: "iptables-save -x\n",
			err: "iptables-save: invalid option -- 'x'\nLook at manual page `iptables-save.8' for more information.\n", status: 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := emu.New(emu.Options{})
			defer w.Close()
			ns, err := w.AddNamespace("ns1")
			if err != nil {
				t.Fatal(err)
			}
			if c.setup != "" {
				if r := ntRunScript(t, w, ns, c.setup); r.status != 0 {
					t.Fatalf("setup: %+v", r)
				}
			}
			before := iptState(t, w, ns)
			r := ntRunScript(t, w, ns, c.src)
			if c.out != "*" && r.out != c.out {
				t.Errorf("stdout:\n%s\nwant:\n%s", r.out, c.out)
			}
			if c.err != "*" && r.err != c.err {
				t.Errorf("stderr:\n%q\nwant:\n%q", r.err, c.err)
			}
			if r.status != c.status {
				t.Errorf("status %d, want %d", r.status, c.status)
			}
			if r.status != 0 {
				if after := iptState(t, w, ns); after != before {
					t.Errorf("a failed command changed the tables:\n%s\nwas:\n%s", after, before)
				}
			}
			// The host's tables are the host's.
			if hs := iptState(t, w, w.Host()); strings.Contains(hs, "-A ") {
				t.Errorf("rules in the host namespace:\n%s", hs)
			}
		})
	}
}

// TestIPTablesRefusedChangesNothing runs every failing line of the golden
// script against a world with rules and checks that the tables stay as
// they were.
func TestIPTablesRefusedChangesNothing(t *testing.T) {
	src, err := os.ReadFile("../builtin/nettools/testdata/iptables.sh")
	if err != nil {
		t.Fatal(err)
	}
	w := emu.New(emu.Options{})
	defer w.Close()
	ns := w.Host()
	setup := "iptables -N MYCHAIN\niptables -A INPUT -j MYCHAIN\niptables -A MYCHAIN -p tcp --dport 22 -j ACCEPT\niptables -t nat -A POSTROUTING -s 10.0.0.0/8 -j MASQUERADE\n"
	if r := ntRunScript(t, w, ns, setup); r.status != 0 {
		t.Fatalf("setup: %+v", r)
	}
	var out bytes.Buffer
	sh := shell.New(w, nil, &out, &out)
	for _, line := range strings.Split(string(src), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		args, err := shell.ParseIPTables(strings.Fields(line)[1:])
		if strings.HasPrefix(line, "iptables ") && err == nil && args.Reject == nil {
			continue // a command that may well succeed
		}
		before := iptState(t, w, ns)
		if st := sh.RunLine(context.Background(), line); st == 0 {
			continue
		}
		if after := iptState(t, w, ns); after != before {
			t.Errorf("%s: failed, but changed the tables:\n%s\nwas:\n%s", line, after, before)
		}
	}
}

var iptPktsRe = regexp.MustCompile(`(?m)^ *(\d+) +(\d+) MASQUERADE +all +-- +\* +\* +192\.168\.28\.0/24 +0\.0\.0\.0/0 *$`)

// TestIPTablesMasqueradeCounters is seed 002's last step: ns1, behind the
// host's vbridge, reaches the "internet" (203.0.113.8, behind ens33) once
// the host forwards and masquerades, and the MASQUERADE rule counts it.
func TestIPTablesMasqueradeCounters(t *testing.T) {
	w, ns1, up := ntSeedWorld(t)
	defer w.Close()
	defer w.Warp()()
	host := w.Host()
	ctx := context.Background()
	dst := netip.MustParseAddr("203.0.113.8")

	// Without forwarding and NAT, no reply.
	if _, err := ns1.Ping(ctx, dst, 500*time.Millisecond); err == nil {
		t.Fatal("ping went through before ip_forward and MASQUERADE")
	}
	r := ntRunScript(t, w, host, `sysctl -w net.ipv4.ip_forward=1
iptables -t nat -A POSTROUTING -s 192.168.28.0/24 -j MASQUERADE
`)
	if r.status != 0 || r.out != "net.ipv4.ip_forward = 1\n" {
		t.Fatalf("setup: %+v", r)
	}
	for i := 0; i < 3; i++ {
		reply, err := ns1.Ping(ctx, dst, 2*time.Second)
		if err != nil {
			t.Fatalf("ping %d through the NAT: %v", i, err)
		}
		if reply.From != dst {
			t.Fatalf("reply from %s", reply.From)
		}
	}
	// The upstream router saw the host's address, not ns1's.
	if nb := up.Stack().Neighbors(); len(nb) == 0 || nb[0].Addr != netip.MustParseAddr("192.168.17.10") {
		t.Errorf("upstream's neighbours %+v, want the host's ens33 only", nb)
	}
	r = ntRunScript(t, w, host, "iptables -t nat -L -n -v\n")
	m := iptPktsRe.FindStringSubmatch(r.out)
	if m == nil {
		t.Fatalf("no MASQUERADE line in\n%s", r.out)
	}
	if pkts, _ := strconv.Atoi(m[1]); pkts == 0 {
		t.Errorf("MASQUERADE counted no packet:\n%s", r.out)
	}
	if !strings.HasPrefix(r.out, "Chain PREROUTING (policy ACCEPT ") {
		t.Errorf("listing starts %q", r.out[:40])
	}
	// -x shows the exact counts; -Z zeroes them.
	r = ntRunScript(t, w, host, "iptables -t nat -L POSTROUTING -n -v -x -Z\niptables -t nat -L POSTROUTING -n -v\n")
	if r.status != 0 || !strings.Contains(r.out, "    pkts      bytes target") {
		t.Fatalf("-x: %+v", r)
	}
	if m := iptPktsRe.FindAllStringSubmatch(r.out, -1); len(m) != 2 || m[1][1] != "0" {
		t.Errorf("after -Z: %q", r.out)
	}
	// The kernel counts the first packet of a connection in nat; filter
	// counts them all: FORWARD's policy saw the pings both ways.
	r = ntRunScript(t, w, host, "iptables -L FORWARD -v -x\n")
	if !regexp.MustCompile(`policy ACCEPT [1-9]\d* packets`).MatchString(r.out) {
		t.Errorf("FORWARD policy counters: %q", r.out)
	}
}

// ntSeedWorld builds seed 002 with the Go API: ns1 (192.168.28.1) on the
// host's vbridge (192.168.28.5), default route through it; the host's ens33
// (192.168.17.10, default via 192.168.17.2) goes to "upstream", which also
// owns 203.0.113.8.
func ntSeedWorld(t *testing.T) (w *emu.World, ns1, up *emu.Namespace) {
	t.Helper()
	w = emu.New(emu.Options{})
	must := func(err error) {
		t.Helper()
		if err != nil {
			w.Close()
			t.Fatal(err)
		}
	}
	host := w.Host()
	ns1, err := w.AddNamespace("ns1")
	must(err)
	_, err = host.AddBridge("vbridge")
	must(err)
	must(host.SetLinkUp("vbridge", true))
	_, _, err = host.AddVeth("veth-1", "veth-1-br", nil)
	must(err)
	must(host.MoveLink("veth-1", ns1))
	must(host.SetMaster("veth-1-br", "vbridge"))
	must(ns1.AddAddr("veth-1", netip.MustParsePrefix("192.168.28.1/24")))
	must(ns1.SetLinkUp("veth-1", true))
	must(host.SetLinkUp("veth-1-br", true))
	must(host.AddAddr("vbridge", netip.MustParsePrefix("192.168.28.5/24")))
	must(ns1.Stack().AddRoute(stack.Route{Dst: netip.MustParsePrefix("0.0.0.0/0"), Gateway: netip.MustParseAddr("192.168.28.5")}))
	up, err = w.AddNamespace("upstream")
	must(err)
	_, _, err = host.AddVeth("ens33", "eth0", up)
	must(err)
	must(host.AddAddr("ens33", netip.MustParsePrefix("192.168.17.10/24")))
	must(host.SetLinkUp("ens33", true))
	must(host.Stack().AddRoute(stack.Route{Dst: netip.MustParsePrefix("0.0.0.0/0"), Gateway: netip.MustParseAddr("192.168.17.2"), Metric: 100}))
	must(up.AddAddr("eth0", netip.MustParsePrefix("192.168.17.2/24")))
	must(up.AddAddr("eth0", netip.MustParsePrefix("203.0.113.8/24")))
	must(up.SetLinkUp("eth0", true))
	must(up.SetLinkUp("lo", true))
	return w, ns1, up
}

// iptSplitSpec splits iptables -S text into arguments: white space
// separates them, "..." quotes with \ escaping the next character.
func iptSplitSpec(s string) []string {
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

// FuzzIPTablesParse: no command line panics the parser; a rule it accepts,
// printed back as iptables -S prints it, parses to the same rule, and the
// printed line splits back into the same arguments.
func FuzzIPTablesParse(f *testing.F) {
	if src, err := os.ReadFile("../builtin/nettools/testdata/iptables.sh"); err == nil {
		for _, line := range strings.Split(string(src), "\n") {
			if strings.HasPrefix(line, "iptables ") {
				f.Add(strings.TrimPrefix(line, "iptables "))
			}
		}
	}
	for _, s := range []string{
		"-A INPUT -j LOG --log-prefix \x00say\x00\"hi\"\\\x00-p\x00tcp",
		"-A X ! -s 0/0 ! -i + -p udp -m udp ! --dport : --sport 7:",
		"-A X -p tcp --dport 0x50 --sport 010",
		"-t nat -I POSTROUTING 1 -o eth0 -j SNAT --to-source 10.0.0.1:1024",
		"-A INPUT --src=1.2.3.4 --jump=ACCEPT --reject-with x",
		"-nvxL --line INPUT 1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		var args []string
		if strings.Contains(line, "\x00") {
			args = strings.Split(line, "\x00")
		} else {
			args = strings.Fields(line)
		}
		cmd, err := shell.ParseIPTables(args)
		if err != nil {
			var ie *shell.IPTablesError
			if !errors.As(err, &ie) || ie.Status < 1 || ie.Status > 3 || ie.Msg == "" {
				t.Fatalf("%q: error %#v", args, err)
			}
			return
		}
		if !cmd.HasRule || cmd.Reject != nil {
			return
		}
		spec := shell.IPTablesRuleArgs(cmd.Rule, nil)
		again, err := shell.ParseIPTables(append([]string{"-A", "X"}, spec...))
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
			if got := iptSplitSpec(shell.IptRuleSpec(cmd.Rule, nil)); strings.Join(got, "\x00") != strings.Join(spec, "\x00") {
				t.Fatalf("%q prints as %q, which splits into %q", args, shell.IptRuleSpec(cmd.Rule, nil), got)
			}
		}
	})
}
