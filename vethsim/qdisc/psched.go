package qdisc

// The kernel's packet-scheduler units (include/net/pkt_sched.h): times
// cross netlink in psched ticks of 64 ns, rates in bytes per second, and a
// rate turns a length into a transmission time by a multiply and a shift.
// tc prints what comes back, so these round the way Linux does.

// TickShift is PSCHED_SHIFT: a psched tick is 1<<6 = 64 ns.
const TickShift = 6

// TicksToNS is PSCHED_TICKS2NS.
func TicksToNS(t uint32) int64 { return int64(t) << TickShift }

// NSToTicks is PSCHED_NS2TICKS, saturated to 32 bits as the dumps do.
func NSToTicks(ns int64) uint32 {
	t := ns >> TickShift
	if t > 1<<32-1 {
		return 1<<32 - 1
	}
	if t < 0 {
		return 0
	}
	return uint32(t)
}

// Link layers of a rate (TC_LINKLAYER_*).
const (
	LinkLayerUnaware  = 0
	LinkLayerEthernet = 1
	LinkLayerATM      = 2
)

// RateSpec is struct tc_ratespec: a rate as tc sends it and the kernel
// dumps it (bytes per second, saturated to 32 bits; see Rate64).
type RateSpec struct {
	CellLog   uint8
	LinkLayer uint8
	Overhead  uint16
	CellAlign int16
	MPU       uint16
	Rate      uint32
}

// rateCfg is struct psched_ratecfg: a rate ready for psched_l2t_ns.
type rateCfg struct {
	bytesPS   uint64
	mult      uint32
	shift     uint8
	overhead  uint16
	mpu       uint16
	linkLayer uint8
}

// newRateCfg is psched_ratecfg_precompute.
func newRateCfg(r RateSpec, rate64 uint64) rateCfg {
	c := rateCfg{overhead: r.Overhead, mpu: r.MPU, linkLayer: r.LinkLayer & 0x0f, bytesPS: max(uint64(r.Rate), rate64)}
	c.mult, c.shift = 1, 0
	if c.bytesPS == 0 {
		return c
	}
	factor := uint64(1e9)
	for {
		c.mult = uint32(factor / c.bytesPS)
		if c.mult&(1<<31) != 0 || factor&(1<<63) != 0 {
			break
		}
		factor <<= 1
		c.shift++
	}
	return c
}

// l2t is psched_l2t_ns: the time, in ns, to send n bytes.
func (c rateCfg) l2t(n uint32) int64 {
	n += uint32(c.overhead)
	if n < uint32(c.mpu) {
		n = uint32(c.mpu)
	}
	if c.linkLayer == LinkLayerATM {
		return int64((uint64((n+47)/48*53) * uint64(c.mult)) >> c.shift)
	}
	return int64((uint64(n) * uint64(c.mult)) >> c.shift)
}

// spec is psched_ratecfg_getrate: the rate as a dump shows it.
func (c rateCfg) spec() RateSpec {
	return RateSpec{Rate: uint32(min(c.bytesPS, 1<<32-1)), Overhead: c.overhead, MPU: c.mpu, LinkLayer: c.linkLayer}
}
