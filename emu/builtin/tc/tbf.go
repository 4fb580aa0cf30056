package tc

import (
	"fmt"
	"strings"

	"github.com/nsemu/nsemu/vethsim/qdisc"
)

// tbf's options, as iproute2 6.1's q_tbf.c parses them.

const tbfUsage = `Usage: ... tbf limit BYTES burst BYTES[/BYTES] rate KBPS [ mtu BYTES[/BYTES] ]
	[ peakrate KBPS ] [ latency TIME ] [ overhead BYTES ] [ linklayer TYPE ]`

// tbfParse is the state of one tbf command line.
type tbfParse struct {
	limit, latency, buffer, mtu, mpu uint32
	rcellLog, pcellLog               int
	overhead                         uint16
	linkLayer                        uint8
	rate64, prate64                  uint64
}

func tbfIllegal(name, v string) error {
	return failArg(`tbf: illegal value for "%s": "%s"`, name, v)
}

func tbfDuplicate(name string) error {
	return failArg(`tbf: duplicate "%s" specification`, name)
}

// tbfOptions is tbf's keyword table, in q_tbf.c's order; abbrev marks
// the words it accepts any prefix of.
var tbfOptions = []struct {
	names  []string
	abbrev bool
	parse  func(t *tbfParse, word, v string) error
}{
	{[]string{"limit"}, true, func(t *tbfParse, _, v string) error {
		switch {
		case t.limit != 0:
			return tbfDuplicate("limit")
		case t.latency != 0:
			return failArg(`tbf: specifying both "latency" and "limit" is not allowed`)
		}
		var ok bool
		if t.limit, ok = getSize(v); !ok {
			return tbfIllegal("limit", v)
		}
		return nil
	}},
	{[]string{"latency"}, true, func(t *tbfParse, _, v string) error {
		switch {
		case t.latency != 0:
			return tbfDuplicate("latency")
		case t.limit != 0:
			return failArg(`tbf: specifying both "limit" and "/latency" is not allowed`)
		}
		var ok bool
		if t.latency, ok = getTime(v); !ok {
			return tbfIllegal("latency", v)
		}
		return nil
	}},
	{[]string{"burst"}, true, (*tbfParse).burst},
	{[]string{"buffer", "maxburst"}, false, (*tbfParse).burst},
	{[]string{"mtu", "minburst"}, false, func(t *tbfParse, w, v string) error {
		if t.mtu != 0 {
			return tbfDuplicate("mtu/minburst")
		}
		var ok bool
		if t.mtu, t.pcellLog, ok = sizeAndCell(v, t.pcellLog); !ok {
			return tbfIllegal(w, v)
		}
		return nil
	}},
	{[]string{"mpu"}, false, func(t *tbfParse, _, v string) error {
		if t.mpu != 0 {
			return tbfDuplicate("mpu")
		}
		var ok bool
		if t.mpu, ok = getSize(v); !ok {
			return tbfIllegal("mpu", v)
		}
		return nil
	}},
	{[]string{"rate"}, false, func(t *tbfParse, _, v string) error {
		if t.rate64 != 0 {
			return tbfDuplicate("rate")
		}
		return tbfRate(&t.rate64, "rate", v)
	}},
	{[]string{"peakrate"}, true, func(t *tbfParse, _, v string) error {
		if t.prate64 != 0 {
			return tbfDuplicate("peakrate")
		}
		return tbfRate(&t.prate64, "peakrate", v)
	}},
	{[]string{"overhead"}, true, func(t *tbfParse, _, v string) error {
		if t.overhead != 0 {
			return tbfDuplicate("overhead")
		}
		var ok bool
		if t.overhead, ok = getU16(v, 10); !ok {
			return tbfIllegal("overhead", v)
		}
		return nil
	}},
	{[]string{"linklayer"}, true, func(t *tbfParse, _, v string) error {
		switch {
		case matches(v, "ethernet"):
			t.linkLayer = qdisc.LinkLayerEthernet
		case matches(v, "atm"), matches(v, "adsl"):
			t.linkLayer = qdisc.LinkLayerATM
		default:
			return tbfIllegal("linklayer", v)
		}
		return nil
	}},
}

// burst is burst, buffer or maxburst: the bucket's size [/cell].
func (t *tbfParse) burst(w, v string) error {
	if t.buffer != 0 {
		return tbfDuplicate("buffer/burst/maxburst")
	}
	var ok bool
	if t.buffer, t.rcellLog, ok = sizeAndCell(v, t.rcellLog); !ok {
		return tbfIllegal(w, v)
	}
	return nil
}

func tbfRate(dst *uint64, name, v string) error {
	if strings.Contains(v, "%") {
		return notEmulated("tbf " + name + " in percent of the device's speed")
	}
	var ok bool
	if *dst, ok = getRate64(v); !ok {
		return tbfIllegal(name, v)
	}
	return nil
}

// sizeAndCell is get_size_and_cell: "10k" or "10k/8" (a power of two).
func sizeAndCell(s string, cellLog int) (uint32, int, bool) {
	size, cell, slash := strings.Cut(s, "/")
	n, ok := getSize(size)
	if !ok {
		return 0, cellLog, false
	}
	if !slash {
		return n, cellLog, true
	}
	c, ok := getInteger(cell, 0)
	if !ok {
		return 0, cellLog, false
	}
	for i := 0; i < 32; i++ {
		if 1<<i == c {
			return n, i, true
		}
	}
	return 0, cellLog, false
}

// parseTBF is tbf_parse_opt: the options after "tbf" to the request tc
// would send.
func parseTBF(a *argv) (*qdisc.TBFParams, error) {
	t := &tbfParse{rcellLog: -1, pcellLog: -1, linkLayer: qdisc.LinkLayerEthernet}
	for ; a.more(); a.advance() {
		w := a.cur()
		if err := t.option(a, w); err != nil {
			return nil, err
		}
	}
	return t.finish()
}

// option parses one keyword and its value.
func (t *tbfParse) option(a *argv, w string) error {
	for _, o := range tbfOptions {
		if !(o.abbrev && anyMatches(w, o.names)) && !(!o.abbrev && contains(o.names, w)) {
			continue
		}
		v, err := a.next()
		if err != nil {
			return err
		}
		return o.parse(t, w, v)
	}
	if w == "help" {
		return failArg("%s", tbfUsage)
	}
	return withUsage(fmt.Sprintf("tbf: unknown parameter \"%s\"", w), tbfUsage)
}

func contains(words []string, w string) bool {
	for _, x := range words {
		if x == w {
			return true
		}
	}
	return false
}

// finish checks what is mandatory, saying everything missing at once, and
// computes what tc sends.
func (t *tbfParse) finish() (*qdisc.TBFParams, error) {
	var msgs []string
	if t.rate64 == 0 {
		msgs = append(msgs, `tbf: the "rate" parameter is mandatory.`)
	}
	if t.buffer == 0 {
		msgs = append(msgs, `tbf: the "burst" parameter is mandatory.`)
	}
	if t.prate64 != 0 && t.mtu == 0 {
		msgs = append(msgs, `tbf: when "peakrate" is specified, "mtu" must also be specified.`)
	}
	if t.limit == 0 && t.latency == 0 {
		msgs = append(msgs, `tbf: either "limit" or "latency" is required.`)
	}
	if msgs != nil {
		return nil, withUsage(strings.Join(msgs, "\n"), tbfUsage)
	}
	p := &qdisc.TBFParams{Limit: t.limit, Burst: t.buffer}
	p.Rate.Rate, p.PeakRate.Rate = sat32(t.rate64), sat32(t.prate64)
	if t.rate64 >= 1<<32 {
		p.Rate64 = t.rate64
	}
	if p.Limit == 0 {
		lim := float64(t.rate64)*float64(t.latency)/usPerSec + float64(t.buffer)
		if t.prate64 != 0 {
			if lim2 := float64(t.prate64)*float64(t.latency)/usPerSec + float64(t.mtu); lim2 < lim {
				lim = lim2
			}
		}
		p.Limit = u32(lim)
	}
	p.Rate = t.rateSpec(p.Rate.Rate, t.rcellLog)
	p.Buffer = calcXmittime(uint64(p.Rate.Rate), t.buffer)
	if p.PeakRate.Rate != 0 {
		p.PeakRate = t.rateSpec(p.PeakRate.Rate, t.pcellLog)
		p.MTU = calcXmittime(uint64(p.PeakRate.Rate), t.mtu)
		p.PBurst = t.mtu
		if t.prate64 >= 1<<32 {
			p.PeakRate64 = t.prate64
		}
	}
	return p, nil
}

func sat32(v uint64) uint32 { return uint32(min(v, 1<<32-1)) }

// rateSpec is tc_calc_rtable's part that reaches the kernel: the cell
// size (from the mtu, 2047 when not given), the link layer, mpu and
// overhead.
func (t *tbfParse) rateSpec(rate uint32, cellLog int) qdisc.RateSpec {
	mtu := t.mtu
	if mtu == 0 {
		mtu = 2047
	}
	if cellLog < 0 {
		cellLog = 0
		for mtu>>cellLog > 255 {
			cellLog++
		}
	}
	return qdisc.RateSpec{Rate: rate, MPU: uint16(t.mpu), Overhead: t.overhead, CellLog: uint8(cellLog), CellAlign: -1, LinkLayer: t.linkLayer}
}
