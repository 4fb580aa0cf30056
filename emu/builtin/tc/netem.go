package tc

import (
	"fmt"
	"math"
	"strings"

	"github.com/nsemu/nsemu/vethsim/qdisc"
)

// netem's options, as iproute2 6.1's q_netem.c parses them.

const netemUsage = `Usage: ... netem [ limit PACKETS ]
                 [ delay TIME [ JITTER [CORRELATION]]]
                 [ distribution {uniform|normal|pareto|paretonormal} ]
                 [ corrupt PERCENT [CORRELATION]]
                 [ duplicate PERCENT [CORRELATION]]
                 [ loss random PERCENT [CORRELATION]]
                 [ loss state P13 [P31 [P32 [P23 P14]]]
                 [ loss gemodel PERCENT [R [1-H [1-K]]]
                 [ ecn ]
                 [ reorder PERCENT [CORRELATION] [ gap DISTANCE ]]
                 [ rate RATE [PACKETOVERHEAD] [CELLSIZE] [CELLOVERHEAD]]
                 [ slot MIN_DELAY [MAX_DELAY] [packets MAX_PACKETS] [bytes MAX_BYTES]]
                 [ slot distribution {uniform|normal|pareto|paretonormal|custom}
                   DELAY JITTER [packets MAX_PACKETS] [bytes MAX_BYTES]]`

// illegal is netem's explain1: `Illegal "what"`.
func illegal(what string) error { return failArg(`Illegal "%s"`, what) }

// netemExplain is an error followed by netem's usage; the error is the
// cause a failing script step is summed up with.
func netemExplain(msg string) error {
	if msg == "" {
		return failArg("%s", netemUsage)
	}
	return withUsage(msg, netemUsage)
}

// netemParse is the state of one netem command line.
type netemParse struct {
	p       qdisc.NetemParams
	cor     qdisc.NetemCorr
	corr    bool // some correlation was given (present[TCA_NETEM_CORR])
	reorder *qdisc.NetemProb
	ecn     bool
	dist    bool
}

// netemOptions is netem's keyword table, in q_netem.c's order (the first
// prefix match wins: "d" is delay, "l" is limit, "r" is reorder).
var netemOptions = []struct {
	names []string
	parse func(n *netemParse, a *argv) error
}{
	{[]string{"limit"}, func(n *netemParse, a *argv) error {
		v, err := a.next()
		if err != nil {
			return err
		}
		var ok bool
		if n.p.Limit, ok = getSize(v); !ok {
			return illegal("limit")
		}
		return nil
	}},
	{[]string{"latency", "delay"}, (*netemParse).delay},
	{[]string{"loss", "drop"}, (*netemParse).loss},
	{[]string{"ecn"}, func(n *netemParse, _ *argv) error { n.ecn = true; return nil }},
	{[]string{"reorder"}, func(n *netemParse, a *argv) error {
		pr, err := n.probability(a, "reorder")
		n.reorder = pr
		return err
	}},
	{[]string{"corrupt"}, func(n *netemParse, a *argv) error {
		pr, err := n.probability(a, "corrupt")
		n.p.Corrupt = pr
		return err
	}},
	{[]string{"gap"}, func(n *netemParse, a *argv) error {
		v, err := a.next()
		if err != nil {
			return err
		}
		var ok bool
		if n.p.Gap, ok = getU32(v, 0); !ok {
			return illegal("gap")
		}
		return nil
	}},
	{[]string{"duplicate"}, (*netemParse).duplicate},
	{[]string{"distribution"}, (*netemParse).distribution},
	{[]string{"rate"}, (*netemParse).rate},
	{[]string{"slot"}, func(*netemParse, *argv) error { return notEmulated("netem slot") }},
}

// parseNetem is netem_parse_opt: the options after "netem" to the request
// tc would send.
func parseNetem(a *argv) (*qdisc.NetemParams, error) {
	n := &netemParse{p: qdisc.NetemParams{Limit: 1000}}
	for ; a.more(); a.advance() {
		w := a.cur()
		found := false
		for _, o := range netemOptions {
			if anyMatches(w, o.names) {
				found = true
				if err := o.parse(n, a); err != nil {
					return nil, err
				}
				break
			}
		}
		if !found {
			if w == "help" {
				return nil, netemExplain("")
			}
			return nil, netemExplain(fmt.Sprintf("What is \"%s\"?", w))
		}
	}
	return n.finish()
}

// ticks is get_ticks: a time to psched ticks, refusing what does not fit.
func ticks(s, what string) (uint32, error) {
	t, ok := getTime(s)
	if !ok {
		return 0, illegal(what)
	}
	if time2big(t) {
		return 0, failArg("Illegal %d time (too large)\nIllegal \"%s\"", t, what)
	}
	return time2tick(t), nil
}

// delay is `delay TIME [JITTER [CORRELATION]]`.
func (n *netemParse) delay(a *argv) error {
	v, err := a.next()
	if err != nil {
		return err
	}
	if n.p.Latency, err = ticks(v, "latency"); err != nil {
		return err
	}
	if !a.nextIsNumber() {
		return nil
	}
	v, _ = a.next()
	if n.p.Jitter, err = ticks(v, "latency"); err != nil {
		return err
	}
	if !a.nextIsNumber() {
		return nil
	}
	v, _ = a.next()
	n.corr = true
	var ok bool
	if n.cor.Delay, ok = getPercent(v); !ok {
		return illegal("latency")
	}
	return nil
}

// correlation takes an optional correlation after a percentage.
func (n *netemParse) correlation(a *argv, dst *uint32, what string) error {
	if !a.nextIsNumber() {
		return nil
	}
	v, _ := a.next()
	var ok bool
	if *dst, ok = getPercent(v); !ok {
		return illegal(what)
	}
	return nil
}

// probability is `reorder|corrupt PERCENT [CORRELATION]`.
func (n *netemParse) probability(a *argv, what string) (*qdisc.NetemProb, error) {
	v, err := a.next()
	if err != nil {
		return nil, err
	}
	pr := &qdisc.NetemProb{}
	var ok bool
	if pr.Probability, ok = getPercent(v); !ok {
		return nil, illegal(what)
	}
	if a.nextIsNumber() {
		n.corr = true
	}
	return pr, n.correlation(a, &pr.Correlation, what)
}

// duplicate is `duplicate PERCENT [CORRELATION]`. (tc 6.1 does not count
// its correlation as one given: it is sent only with another's.)
func (n *netemParse) duplicate(a *argv) error {
	v, err := a.next()
	if err != nil {
		return err
	}
	var ok bool
	if n.p.Duplicate, ok = getPercent(v); !ok {
		return illegal("duplicate")
	}
	return n.correlation(a, &n.cor.Dup, "duplicate")
}

// loss is `loss [random] PERCENT [CORRELATION]`, `loss state ...`, `loss
// gemodel ...`.
func (n *netemParse) loss(a *argv) error {
	if n.p.Loss > 0 || n.p.LossGI != nil || n.p.LossGE != nil {
		return illegal("duplicate loss argument\n")
	}
	v, err := a.next()
	if err != nil {
		return err
	}
	switch {
	case v != "" && isDigit(v[0]):
	case v == "random":
		if v, err = a.next(); err != nil {
			return err
		}
	case v == "state":
		return n.lossState(a)
	case v == "gemodel":
		return n.lossGE(a)
	default:
		return failArg("Unknown loss parameter: %s", v)
	}
	var ok bool
	if n.p.Loss, ok = getPercent(v); !ok {
		return illegal("loss percent")
	}
	if a.nextIsNumber() {
		n.corr = true
	}
	return n.correlation(a, &n.cor.Loss, "loss correlation")
}

// markovFirst reads a loss model's first probability (parse_percent).
func markovFirst(a *argv, what string) (float64, error) {
	v, err := a.next()
	if err != nil {
		return 0, err
	}
	p, code := parsePercent(v)
	if code != 0 {
		return 0, illegal(what)
	}
	return p, nil
}

// markovRest reads a model's optional probabilities, in order, each only
// if the next word is a number.
func markovRest(a *argv, names []string, dst []*uint32) error {
	for i, what := range names {
		if !a.nextIsNumber() {
			return nil
		}
		v, _ := a.next()
		var ok bool
		if *dst[i], ok = getPercent(v); !ok {
			return illegal(what)
		}
	}
	return nil
}

// lossState is the 4-state model: `loss state P13 [P31 [P32 [P23 P14]]]`.
func (n *netemParse) lossState(a *argv) error {
	p13, err := markovFirst(a, "loss p13")
	if err != nil {
		return err
	}
	g := &qdisc.NetemLossGI{P13: setPercent(p13), P31: setPercent(1 - p13), P32: setPercent(0), P23: setPercent(1), P14: setPercent(0)}
	n.p.LossGI = g
	return markovRest(a, []string{"loss p31", "loss p32", "loss p23", "loss p14"}, []*uint32{&g.P31, &g.P32, &g.P23, &g.P14})
}

// lossGE is Gilbert-Elliot: `loss gemodel P [R [1-H [1-K]]]` (the kernel
// takes h, tc reads 1-h).
func (n *netemParse) lossGE(a *argv) error {
	p, err := markovFirst(a, "loss gemodel p")
	if err != nil {
		return err
	}
	g := &qdisc.NetemLossGE{P: setPercent(p), R: setPercent(1 - p), H: setPercent(0), K1: setPercent(0)}
	n.p.LossGE = g
	if err := markovRest(a, []string{"loss gemodel r"}, []*uint32{&g.R}); err != nil || !a.nextIsNumber() {
		return err
	}
	if err := markovRest(a, []string{"loss gemodel h"}, []*uint32{&g.H}); err != nil {
		return err
	}
	g.H = math.MaxUint32 - g.H
	return markovRest(a, []string{"loss gemodel k"}, []*uint32{&g.K1})
}

// distribution is `distribution NAME`: a table from iproute2's formulas.
func (n *netemParse) distribution(a *argv) error {
	v, err := a.next()
	if err != nil {
		return err
	}
	t, ok := distTable(v)
	if !ok {
		if v == "experimental" {
			return notEmulated("netem distribution experimental")
		}
		return failArg("No distribution data for %s (/usr/lib/x86_64-linux-gnu/tc//%s.dist: No such file or directory)", v, v)
	}
	n.p.Dist, n.dist = t, true
	return nil
}

// distTable is the table a distribution name loads. iproute2 ships no
// table for uniform, which its usage lists: nsemu's is the kernel's own
// uniform draw, [delay-jitter, delay+jitter), as a table.
func distTable(name string) ([]int16, bool) {
	if name != "uniform" {
		return qdisc.DistTable(name)
	}
	t := make([]int16, 4096)
	for i := range t {
		t[i] = int16(-qdisc.DistScale + i*4)
	}
	return t, true
}

// rate is `rate RATE [PACKETOVERHEAD [CELLSIZE [CELLOVERHEAD]]]`.
func (n *netemParse) rate(a *argv) error {
	v, err := a.next()
	if err != nil {
		return err
	}
	r := &qdisc.NetemRate{}
	n.p.Rate = r
	if strings.Contains(v, "%") {
		return notEmulated("netem rate in percent of the device's speed")
	}
	var ok bool
	if r.Rate, ok = getRate64(v); !ok {
		return illegal("rate")
	}
	if a.nextIsSignedNumber() {
		v, _ = a.next()
		if r.PacketOverhead, ok = getS32(v, 0); !ok {
			return illegal("rate")
		}
	}
	if a.nextIsNumber() {
		v, _ = a.next()
		if r.CellSize, ok = getU32(v, 0); !ok {
			return illegal("rate")
		}
	}
	if a.nextIsSignedNumber() {
		v, _ = a.next()
		if r.CellOverhead, ok = getS32(v, 0); !ok {
			return illegal("rate")
		}
	}
	return nil
}

// finish is the checks after the options, and the attributes tc sends.
func (n *netemParse) finish() (*qdisc.NetemParams, error) {
	p := &n.p
	if n.reorder != nil && n.reorder.Probability != 0 {
		if p.Latency == 0 {
			return nil, netemExplain("reordering not possible without specifying some delay")
		}
		if p.Gap == 0 {
			p.Gap = 1
		}
	} else if p.Gap > 0 {
		return nil, netemExplain("gap specified without reorder probability")
	}
	if n.ecn && p.Loss == 0 && p.LossGI == nil && p.LossGE == nil {
		return nil, netemExplain("ecn requested without loss model")
	}
	if n.dist && (p.Latency == 0 || p.Jitter == 0) {
		return nil, netemExplain("distribution specified but no latency and jitter values")
	}
	if n.ecn {
		return nil, notEmulated("netem ecn")
	}
	if n.corr {
		c := n.cor
		p.Corr = &c
	}
	p.Reorder = n.reorder
	if p.Rate != nil && p.Rate.Rate == 0 {
		// A zero rate is sent, and means no rate limit.
		p.Rate = &qdisc.NetemRate{}
	}
	return p, nil
}
