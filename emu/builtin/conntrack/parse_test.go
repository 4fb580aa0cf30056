package conntrack

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/nsemu/nsemu/emu/builtin/internal/parsetest"
)

// base is the request of a bare command: every filter unset.
func base(c Command) Request {
	return Request{Cmd: c, Family: 4, Filter: Filter{Proto: Any, Ports: [4]int{Any, Any, Any, Any}, ICMP: [3]int{Any, Any, Any}}}
}

func with(c Command, f func(r *Request)) Request {
	r := base(c)
	f(&r)
	return r
}

func host(s string) netip.Prefix { return netip.MustParsePrefix(s + "/32") }

const try = "\nTry `conntrack -h' or 'conntrack --help' for more information."

var parseCases = []parsetest.Case[Request]{
	{Args: "", Want: base(CmdHelp)},
	{Args: "-h", Want: base(CmdHelp)},
	{Args: "-V", Want: base(CmdVersion)},
	{Args: "-L", Want: base(CmdList)},
	{Args: "--dump conntrack", Want: base(CmdList)},
	{Args: "--du", Want: base(CmdList)},
	{Args: "-C", Want: base(CmdCount)},
	{Args: "-F", Want: base(CmdFlush)},
	{Args: "-E", Want: base(CmdEvents)},
	{Args: "-D", Want: base(CmdDelete)},
	{Args: "-L -p tcp -s 10.0.0.2 -d 203.0.113.2 --sport 1234 --dport 80", Want: with(CmdList, func(r *Request) {
		r.Filter.Proto, r.Filter.OrigSrc, r.Filter.OrigDst = 6, host("10.0.0.2"), host("203.0.113.2")
		r.Filter.Ports = [4]int{1234, 80, Any, Any}
	})},
	{Args: "-L --orig-src 10.0.0.0/24 -r 203.0.113.2 --reply-dst 203.0.113.1", Want: with(CmdList, func(r *Request) {
		r.Filter.OrigSrc, r.Filter.ReplySrc, r.Filter.ReplyDst = netip.MustParsePrefix("10.0.0.0/24"), host("203.0.113.2"), host("203.0.113.1")
	})},
	{Args: "-L -p udp --reply-port-src 53 --reply-port-dst=70000", Want: with(CmdList, func(r *Request) {
		r.Filter.Proto, r.Filter.Ports = 17, [4]int{Any, Any, 53, 70000 & 0xffff}
	})},
	{Args: "-L -p 6 --state established", Want: with(CmdList, func(r *Request) { r.Filter.Proto, r.Filter.State = 6, "ESTABLISHED" })},
	{Args: "-L -p icmp --icmp-type 8 --icmp-code 0 --icmp-id 42", Want: with(CmdList, func(r *Request) {
		r.Filter.Proto, r.Filter.ICMP = 1, [3]int{8, 0, 42}
	})},
	{Args: "-L -n -g 203.0.113.1", Want: with(CmdList, func(r *Request) {
		r.Filter.NAT[0] = NATSel{On: true}
		r.Filter.NAT[1] = NATSel{On: true, Addr: netip.MustParseAddr("203.0.113.1")}
	})},
	{Args: "-L -o extended,id,timestamp", Want: with(CmdList, func(r *Request) { r.Extended, r.ID = true, true })},
	{Args: "-E -e NEW,destroy -p tcp", Want: with(CmdEvents, func(r *Request) { r.Events, r.Filter.Proto = EvNew|EvDestroy, 6 })},
	{Args: "-L -f ipv6", Want: with(CmdList, func(r *Request) { r.Family = 6 })},
	{Args: "-L -s 2001:db8::1", Want: with(CmdList, func(r *Request) { r.Family, r.Filter.OrigSrc = 6, netip.MustParsePrefix("2001:db8::1/128") })},
	{Args: "-G -p tcp -s 10.0.0.2 -d 203.0.113.2 --sport 1 --dport 2", Want: with(CmdGet, func(r *Request) {
		r.Filter.Proto, r.Filter.OrigSrc, r.Filter.OrigDst, r.Filter.Ports = 6, host("10.0.0.2"), host("203.0.113.2"), [4]int{1, 2, Any, Any}
	})},
	{Args: "-L -p foo", Err: prefix + "`foo' unsupported protocol" + try},
	{Args: "-L -s foo", Err: prefix + "Invalid IP address `foo'" + try},
	{Args: "-X", Err: prefix + "unknown option `-X'" + try},
	{Args: "-L -L", Err: prefix + "Invalid commands combination" + try},
	{Args: "-C -p icmp", Err: prefix + "Illegal option `--protonum' with this command" + try},
	{Args: "-F -s 10.0.0.2", Err: prefix + "Illegal option `--src' with this command" + try},
	{Args: "-L extra", Err: prefix + "unknown type `extra'" + try},
	{Args: "-L -o foo", Err: prefix + "Bad parameter `foo'" + try},
	{Args: "-L -s", Err: prefix + "option `-s' requires an argument" + try},
	{Args: "-L --dport 80", Err: prefix + "unknown option `--dport'" + try},
	{Args: "-L --dport 80 -p tcp", Err: prefix + "unknown option `--dport'" + try},
	{Args: "-L -p tcp --state FOO", Err: prefix + "unknown TCP state `FOO'" + try},
	{Args: "-G -p icmp -s 10.0.0.2 -d 203.0.113.2", Err: prefix + "You need to supply the `--icmp-type' option for this command" + try},
	{Args: "-G -p tcp -s 10.0.0.2", Err: prefix + "you have to specify `--src' and `--dst'" + try},
	{Args: "-L expect", Err: "nsemu: conntrack -L expect: not emulated"},
	{Args: "-S", Err: "nsemu: conntrack --stats: not emulated"},
	{Args: "-L -o xml", Err: "nsemu: conntrack -o xml: not emulated"},
	{Args: "-L -m 1", Err: "nsemu: conntrack --mark: not emulated"},
}

func TestParse(t *testing.T) {
	parsetest.Run(t, Parse, parseCases, nil)
}

// FuzzParse: no command line panics the parser; what it accepts is a
// known command with filters in range, and -G has a whole tuple.
func FuzzParse(f *testing.F) {
	parsetest.Seed(f, parseCases)
	f.Fuzz(func(t *testing.T, line string) {
		r, err := Parse(strings.Fields(line))
		if err != nil {
			if err.Error() == "" {
				t.Fatalf("Parse(%q): empty error", line)
			}
			return
		}
		if r.Cmd < CmdHelp || r.Cmd > CmdVersion || (r.Family != 4 && r.Family != 6) {
			t.Fatalf("Parse(%q) = %+v", line, r)
		}
		for _, p := range r.Filter.Ports {
			if p < Any || p > 0xffff {
				t.Fatalf("Parse(%q): port %d", line, p)
			}
		}
		if r.Cmd == CmdGet && checkTuple(&r.Filter) != nil {
			t.Fatalf("Parse(%q): -G without a tuple", line)
		}
	})
}
