package tc

import (
	"math"
	"strings"
	"testing"

	"github.com/nsemu/nsemu/emu/builtin/internal/parsetest"
	"github.com/nsemu/nsemu/vethsim/qdisc"
)

// parseValue adapts Parse to parsetest's value requests.
func parseValue(args []string) (Request, error) {
	r, err := Parse(args)
	if r == nil {
		return Request{}, err
	}
	return *r, err
}

// netemReq is `tc qdisc add dev va root netem ...` with parameters p.
func netemReq(p qdisc.NetemParams) Request {
	if p.Limit == 0 {
		p.Limit = 1000
	}
	return Request{Cmd: CmdAdd, Dev: "va", Root: true, Kind: "netem", Netem: &p}
}

// ms is tc's ticks for n ms (tc reads µs, then 15.625 ticks per µs).
func ms(n uint32) uint32 { return time2tick(n * 1000) }

var mbit1 = qdisc.RateSpec{Rate: 125000, CellLog: 3, CellAlign: -1, LinkLayer: qdisc.LinkLayerEthernet}

var parseCases = []parsetest.Case[Request]{
	{Args: "", Want: Request{Note: tcUsage}},
	{Args: "qdisc", Want: Request{Cmd: CmdShow}},
	{Args: "-s qdisc show dev va", Want: Request{Stats: true, Cmd: CmdShow, Dev: "va"}},
	{Args: "-stat -d -r -iec q ls", Want: Request{Stats: true, Details: true, Raw: true, IEC: true, Cmd: CmdShow}},
	{Args: "-n ns1 qdisc", Want: Request{Netns: "ns1", Cmd: CmdShow}},
	{Args: "-V", Want: Request{Out: tcVersion}},
	{Args: "qdisc show dev va root", Want: Request{Cmd: CmdShow, Dev: "va", Root: true}},
	{Args: "qdisc show handle 1:", Want: Request{Cmd: CmdShow, Handle: 0x10000}},
	{Args: "qdisc show dev averyveryverylongname", Want: Request{Cmd: CmdShow, Dev: "averyveryverylo"}},
	{Args: "qdisc add dev va root netem delay 100ms", Want: netemReq(qdisc.NetemParams{Latency: 1562500})},
	{Args: "qdisc a dev va root netem d 100ms 10ms 25%", Want: netemReq(qdisc.NetemParams{
		Latency: ms(100), Jitter: ms(10), Corr: &qdisc.NetemCorr{Delay: setPercent(0.25)}})},
	{Args: "qdisc add dev va root netem loss 10%", Want: netemReq(qdisc.NetemParams{Loss: 429496730})},
	{Args: "qdisc add dev va root netem lo random 0.1 25", Want: netemReq(qdisc.NetemParams{
		Loss: setPercent(0.001), Corr: &qdisc.NetemCorr{Loss: setPercent(0.25)}})},
	{Args: "qdisc add dev va root netem loss 100%", Want: netemReq(qdisc.NetemParams{Loss: math.MaxUint32})},
	{Args: "qdisc add dev va root netem l 5 dup 1% 5%", Want: netemReq(qdisc.NetemParams{Limit: 5, Duplicate: setPercent(0.01)})},
	{Args: "qdisc add dev va root netem delay 10ms reorder 25% 50%", Want: netemReq(qdisc.NetemParams{
		Latency: ms(10), Gap: 1, Corr: &qdisc.NetemCorr{},
		Reorder: &qdisc.NetemProb{Probability: setPercent(0.25), Correlation: setPercent(0.5)}})},
	{Args: "qdisc replace dev va root netem corrupt 0.1%", Want: Request{Cmd: CmdReplace, Dev: "va", Root: true, Kind: "netem",
		Netem: &qdisc.NetemParams{Limit: 1000, Corrupt: &qdisc.NetemProb{Probability: setPercent(0.001)}}}},
	{Args: "qdisc change dev va root handle 1: netem rate 1mbit 20 100 -5", Want: Request{Cmd: CmdChange, Dev: "va", Root: true,
		Handle: 0x10000, Kind: "netem", Netem: &qdisc.NetemParams{Limit: 1000,
			Rate: &qdisc.NetemRate{Rate: 125000, PacketOverhead: 20, CellSize: 100, CellOverhead: -5}}}},
	{Args: "qdisc add dev va root netem loss state 1%", Want: netemReq(qdisc.NetemParams{LossGI: &qdisc.NetemLossGI{
		P13: setPercent(0.01), P31: setPercent(0.99), P23: math.MaxUint32}})},
	{Args: "qdisc add dev va root netem loss gemodel 1% 10% 70%", Want: netemReq(qdisc.NetemParams{LossGE: &qdisc.NetemLossGE{
		P: setPercent(0.01), R: setPercent(0.1), H: math.MaxUint32 - setPercent(0.7)}})},
	{Args: "qdisc del dev va root", Want: Request{Cmd: CmdDelete, Dev: "va", Root: true}},
	{Args: "qdisc del dev va parent root", Want: Request{Cmd: CmdDelete, Dev: "va", Root: true}},
	{Args: "qdisc add dev va root tbf rate 1mbit burst 32kbit latency 400ms", Want: Request{Cmd: CmdAdd, Dev: "va", Root: true, Kind: "tbf",
		TBF: &qdisc.TBFParams{Rate: mbit1, Limit: 54096, Burst: 4096, Buffer: 512000}}},
	{Args: "qdisc add dev va root tbf rate 1mbit bu 32kbit li 54096", Want: Request{Cmd: CmdAdd, Dev: "va", Root: true, Kind: "tbf",
		TBF: &qdisc.TBFParams{Rate: mbit1, Limit: 54096, Burst: 4096, Buffer: 512000}}},
	{Args: "qdisc add dev va root foo", Want: Request{Cmd: CmdAdd, Dev: "va", Root: true, Kind: "foo"}},

	{Args: "foo", Err: `Object "foo" is unknown, try "tc help".`},
	{Args: "-x qdisc", Err: `Option "-x" is unknown, try "tc -help".`},
	{Args: "-j qdisc", Err: `nsemu: tc -json: not emulated`},
	{Args: "class show", Err: `nsemu: tc class (only tc qdisc is): not emulated`},
	{Args: "qdisc foo", Err: `Command "foo" is unknown, try "tc qdisc help".`},
	{Args: "qdisc show bogus", Err: `What is "bogus"? Try "tc qdisc help".`},
	{Args: "qdisc show dev", Err: `Command line is not complete. Try option "help"`},
	{Args: "qdisc show root root", Err: `Error: argument "root" is wrong: parent is already specified`},
	{Args: "qdisc add dev va dev vb", Err: `Error: duplicate "dev": "vb" is the second value.`},
	{Args: "qdisc add dev va root root netem", Err: `Error: "root" is duplicate parent ID`},
	{Args: "qdisc add dev va root handle x: netem", Err: `Error: argument "x:" is wrong: invalid qdisc ID`},
	{Args: "qdisc add dev va parent 1:2 netem", Err: `nsemu: tc qdisc parent 1:2 (only root qdiscs are): not emulated`},
	{Args: "qdisc add dev va root htb", Err: `nsemu: tc qdisc htb (netem and tbf are): not emulated`},
	{Args: "qdisc add dev va root foo bar", Err: `Unknown qdisc "foo", hence option "bar" is unparsable`},
	{Args: "qdisc add dev va root netem delay -5ms", Err: "Illegal 4294962296 time (too large)\nIllegal \"latency\""},
	{Args: "qdisc add dev va root netem delay 5000s", Err: "Illegal 705032704 time (too large)\nIllegal \"latency\""},
	{Args: "qdisc add dev va root netem delay 10xs", Err: `Illegal "latency"`},
	{Args: "qdisc add dev va root netem loss 120%", Err: `Illegal "loss percent"`},
	{Args: "qdisc add dev va root netem loss -1%", Err: `Unknown loss parameter: -1%`},
	{Args: "qdisc add dev va root netem loss 1% loss 2%", Err: "Illegal \"duplicate loss argument\n\""},
	{Args: "qdisc add dev va root netem duplicate 200%", Err: `Illegal "duplicate"`},
	{Args: "qdisc add dev va root netem limit -1", Err: `Illegal "limit"`},
	{Args: "qdisc add dev va root netem slot 10ms", Err: `nsemu: tc netem slot: not emulated`},
	{Args: "qdisc add dev va root netem loss 1% ecn", Err: `nsemu: tc netem ecn: not emulated`},
	{Args: "qdisc add dev va root netem distribution experimental", Err: `nsemu: tc netem distribution experimental: not emulated`},
	{Args: "qdisc add dev va root netem delay 1ms 1ms distribution x", Err: `No distribution data for x (/usr/lib/x86_64-linux-gnu/tc//x.dist: No such file or directory)`},
	{Args: "qdisc add dev va root netem reorder 25%", Err: "reordering not possible without specifying some delay\n" + netemUsage},
	{Args: "qdisc add dev va root netem bogus", Err: "What is \"bogus\"?\n" + netemUsage},
	{Args: "qdisc add dev va root tbf rate 1mbit", Err: "tbf: the \"burst\" parameter is mandatory.\ntbf: either \"limit\" or \"latency\" is required.\n" + tbfUsage},
	{Args: "qdisc add dev va root tbf rate 1xbit", Err: `tbf: illegal value for "rate": "1xbit"`},
	{Args: "qdisc add dev va root tbf latency 1ms limit 1", Err: `tbf: specifying both "latency" and "limit" is not allowed`},
	{Args: "qdisc add dev va root tbf limit 1 latency 1ms", Err: `tbf: specifying both "limit" and "/latency" is not allowed`},
	{Args: "qdisc add dev va root tbf rate 1mbit rate 1mbit", Err: `tbf: duplicate "rate" specification`},
	{Args: "qdisc add dev va root tbf rate 10%", Err: `nsemu: tc tbf rate in percent of the device's speed: not emulated`},
}

func TestParse(t *testing.T) { parsetest.Run(t, parseValue, parseCases, nil) }

func TestNetemDistributionsLoadTables(t *testing.T) {
	for _, d := range []string{"normal", "pareto", "paretonormal", "uniform"} {
		r, err := Parse(strings.Fields("qdisc add dev va root netem delay 10ms 2ms distribution " + d))
		if err != nil || len(r.Netem.Dist) != 4096 {
			t.Errorf("distribution %s: %v, %d values", d, err, len(r.Netem.Dist))
		}
	}
}

func TestUnits(t *testing.T) {
	for _, c := range []struct {
		got, want string
	}{
		{sprintTime(100000), "100ms"}, {sprintTime(1500000), "1.5s"}, {sprintTime(249), "249us"},
		{sprintTime(14625), "14.6ms"}, {sprintTicks(ms(100)), "100ms"},
		{sprintSize(4096), "4Kb"}, {sprintSize(1047500), "1047500b"}, {sprintSize(1 << 20), "1Mb"}, {sprintSize(1540), "1540b"},
		{sprintRate(125000, false), "1Mbit"}, {sprintRate(187500, false), "1500Kbit"}, {sprintRate(1250000000, false), "10Gbit"},
		{sprintRate(12800, true), "100Kibit"}, {sprintRate(12, false), "96bit"},
		{percent(setPercent(0.001)), "0.1%"}, {percent(setPercent(0.33333)), "33.333%"}, {percent(math.MaxUint32), "100%"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	for _, c := range []struct {
		s    string
		v    float64
		rest string
		ok   bool
	}{
		{"10ms", 10, "ms", true}, {" -1.5e3x", -1500, "x", true}, {"0x10", 16, "", true}, {"0x", 0, "x", true},
		{"1e", 1, "e", true}, {".5", .5, "", true}, {"inf%", math.Inf(1), "%", true}, {"x", 0, "x", false}, {"-", 0, "-", false},
	} {
		v, rest, ok := strtod(c.s)
		if v != c.v || rest != c.rest || ok != c.ok {
			t.Errorf("strtod(%q) = %v %q %v, want %v %q %v", c.s, v, rest, ok, c.v, c.rest, c.ok)
		}
	}
	if v, ok := getRate64("1.5MBps"); !ok || v != 1500000 {
		t.Errorf("getRate64(1.5MBps) = %d %v", v, ok)
	}
	if v, ok := getSize("10k"); !ok || v != 10240 {
		t.Errorf("getSize(10k) = %d %v", v, ok)
	}
	if _, ok := getSize("1.5"); !ok {
		t.Errorf("getSize(1.5) refused (tc takes 1)")
	}
}
