package tc

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/vethsim/qdisc"
)

// The shapes iproute2 6.1's tc prints (tc_qdisc.c's print_qdisc, the
// qdiscs' print_qopt, tc_util.c's statistics).

// refcnt is what tc shows of a root qdisc's reference count: one per
// transmit queue, plus one. nsemu's devices have one queue (as lo, a
// bridge, or a veth on a one-CPU machine: Linux gives a veth a queue per
// CPU).
const refcnt = 2

// printQdisc prints one qdisc line, and its statistics with -s.
func printQdisc(w io.Writer, r *Request, d *emu.Device, q emu.QdiscInfo) {
	var b strings.Builder
	fmt.Fprintf(&b, "qdisc %s %x:", q.Kind, q.Handle>>16)
	if r.Raw {
		fmt.Fprintf(&b, "[%08x]", q.Handle)
	}
	b.WriteString(" ")
	if r.Dev == "" {
		fmt.Fprintf(&b, "dev %s ", d.Name())
	}
	fmt.Fprintf(&b, "root refcnt %d ", refcnt)
	switch {
	case q.Netem != nil:
		b.WriteString(netemOpts(q.Netem, r.IEC))
	case q.TBF != nil:
		b.WriteString(tbfOpts(q.TBF, r))
	case q.Kind == "fq_codel":
		b.WriteString(fqCodelDefaults)
	}
	b.WriteString("\n")
	if r.Stats {
		s := q.Stats
		fmt.Fprintf(&b, " Sent %d bytes %d pkt (dropped %d, overlimits %d requeues %d) \n", s.Bytes, s.Packets, s.Drops, s.Overlimits, s.Requeues)
		fmt.Fprintf(&b, " backlog %s %dp requeues %d\n", sprintSize(s.Backlog), s.Qlen, s.Requeues)
		if q.Kind == "fq_codel" {
			b.WriteString(fqCodelXstats)
		}
	}
	io.WriteString(w, b.String())
}

// fqCodelDefaults are the options of the fq_codel an Ethernet device has
// by default (Linux's defaults, as fq_codel_print_opt prints them), and
// fqCodelXstats its extra statistics (nsemu queues nothing in it).
const (
	fqCodelDefaults = "limit 10240p flows 1024 quantum 1514 target 5ms interval 100ms memory_limit 32Mb ecn drop_batch 64 "
	fqCodelXstats   = "  maxpacket 0 drop_overlimit 0 new_flow_count 0 ecn_mark 0\n  new_flows_len 0 old_flows_len 0\n"
)

// netemOpts is netem_print_opt.
func netemOpts(p *qdisc.NetemParams, iec bool) string {
	var b strings.Builder
	cor := p.Corr
	if cor == nil {
		cor = &qdisc.NetemCorr{}
	}
	corr := func(present bool, v uint32) {
		if present {
			b.WriteString(" " + percent(v))
		}
	}
	fmt.Fprintf(&b, "limit %d", int32(p.Limit))
	if p.Latency != 0 {
		b.WriteString(" delay " + sprintTicks(p.Latency))
		if p.Jitter != 0 {
			b.WriteString("  " + sprintTicks(p.Jitter))
		}
		corr(p.Jitter != 0 && cor.Delay != 0, cor.Delay)
	}
	if p.Loss != 0 {
		b.WriteString(" loss " + percent(p.Loss))
		corr(cor.Loss != 0, cor.Loss)
	}
	if g := p.LossGI; g != nil {
		fmt.Fprintf(&b, " loss state p13 %s p31 %s p32 %s p23 %s p14 %s", percent(g.P13), percent(g.P31), percent(g.P32), percent(g.P23), percent(g.P14))
	}
	if g := p.LossGE; g != nil {
		fmt.Fprintf(&b, " loss gemodel p %s r %s 1-h %s 1-k %s", percent(g.P), percent(g.R), percent(math.MaxUint32-g.H), percent(g.K1))
	}
	if p.Duplicate != 0 {
		b.WriteString(" duplicate " + percent(p.Duplicate))
		corr(cor.Dup != 0, cor.Dup)
	}
	if r := p.Reorder; r != nil && r.Probability != 0 {
		b.WriteString(" reorder " + percent(r.Probability))
		corr(r.Correlation != 0, r.Correlation)
	}
	if c := p.Corrupt; c != nil && c.Probability != 0 {
		b.WriteString(" corrupt " + percent(c.Probability))
		corr(c.Correlation != 0, c.Correlation)
	}
	if r := p.Rate; r != nil && r.Rate != 0 {
		netemRateOpts(&b, r, iec)
	}
	if p.Gap != 0 {
		fmt.Fprintf(&b, " gap %d", p.Gap)
	}
	return b.String()
}

func netemRateOpts(b *strings.Builder, r *qdisc.NetemRate, iec bool) {
	b.WriteString(" rate " + sprintRate(r.Rate, iec))
	if r.PacketOverhead != 0 {
		fmt.Fprintf(b, " packetoverhead %d", r.PacketOverhead)
	}
	if r.CellSize != 0 {
		fmt.Fprintf(b, " cellsize %d", r.CellSize)
	}
	if r.CellOverhead != 0 {
		fmt.Fprintf(b, " celloverhead %d", r.CellOverhead)
	}
}

// tbfOpts is tbf_print_opt.
func tbfOpts(p *qdisc.TBFParams, r *Request) string {
	var b strings.Builder
	rate := uint64(p.Rate.Rate)
	if p.Rate64 != 0 {
		rate = p.Rate64
	}
	fmt.Fprintf(&b, "rate %s ", sprintRate(rate, r.IEC))
	buffer := calcXmitsize(rate, p.Buffer)
	if r.Details {
		fmt.Fprintf(&b, "burst %s/%d mpu %s ", sprintSize(buffer), 1<<p.Rate.CellLog, sprintSize(uint32(p.Rate.MPU)))
	} else {
		fmt.Fprintf(&b, "burst %s ", sprintSize(buffer))
	}
	if r.Raw {
		fmt.Fprintf(&b, "[%08x] ", p.Buffer)
	}
	prate := uint64(p.PeakRate.Rate)
	if p.PeakRate64 != 0 {
		prate = p.PeakRate64
	}
	if prate != 0 {
		tbfPeakOpts(&b, p, prate, r)
	}
	latency := usPerSec*(float64(p.Limit)/float64(rate)) - float64(tick2time(p.Buffer))
	if prate != 0 {
		if lat2 := usPerSec*(float64(p.Limit)/float64(prate)) - float64(tick2time(p.MTU)); lat2 > latency {
			latency = lat2
		}
	}
	if latency >= 0 {
		fmt.Fprintf(&b, "lat %s ", sprintTime(u32(latency)))
	}
	if r.Raw || latency < 0 {
		fmt.Fprintf(&b, "limit %s ", sprintSize(p.Limit))
	}
	if p.Rate.Overhead != 0 {
		fmt.Fprintf(&b, "overhead %d ", p.Rate.Overhead)
	}
	if ll := p.Rate.LinkLayer & 0x0f; ll > qdisc.LinkLayerEthernet || r.Details {
		fmt.Fprintf(&b, "linklayer %s ", linkLayerName(ll))
	}
	return b.String()
}

func tbfPeakOpts(b *strings.Builder, p *qdisc.TBFParams, prate uint64, r *Request) {
	fmt.Fprintf(b, "peakrate %s ", sprintRate(prate, r.IEC))
	if p.MTU == 0 && p.PeakRate.MPU == 0 {
		return
	}
	mtu := calcXmitsize(prate, p.MTU)
	if r.Details {
		fmt.Fprintf(b, "mtu %s/%d mpu %s ", sprintSize(mtu), 1<<p.PeakRate.CellLog, sprintSize(uint32(p.PeakRate.MPU)))
	} else {
		fmt.Fprintf(b, "minburst %s ", sprintSize(mtu))
	}
	if r.Raw {
		fmt.Fprintf(b, "[%08x] ", p.MTU)
	}
}

// linkLayerName is sprint_linklayer.
func linkLayerName(ll uint8) string {
	switch ll {
	case qdisc.LinkLayerUnaware:
		return "unspec"
	case qdisc.LinkLayerEthernet:
		return "ethernet"
	case qdisc.LinkLayerATM:
		return "atm"
	}
	return "unknown"
}
