package vethsim

import "gvisor.dev/gvisor/pkg/tcpip/stack"

// Offloads are the ethtool features of an end that change what nsemu's
// data path does (ethtool -k/-K). An end starts with TSO on, GSO off and
// both checksum offloads on: it carries whatever large segment it is given
// (a bridge forwards them) and its own stack makes MTU-sized ones until
// SetGSO.
type Offloads struct {
	// TSO is tx-tcp-segmentation: large TCP segments cross the wire whole,
	// as between two Linux veths. Off, the end cuts them into MTU-sized
	// frames before the wire (software GSO). It needs tx checksumming:
	// wanted without it, it stays off until that is back, as in Linux.
	TSO bool
	// GSO is tx-generic-segmentation: the stack hands the end large
	// segments (up to 64 KB), which the end cuts itself unless TSO carries
	// them. Off, the stack makes MTU-sized segments. (Linux's stack builds
	// large segments for TSO alone too; nsemu's builds them with GSO only,
	// so that "gso off" is the one switch for real segments end to end.)
	GSO bool
	// TxCsumOff turns tx-checksumming off: a large segment's checksum,
	// which the stack leaves partial for the device to finish, can no
	// longer be left so, which turns TSO off.
	TxCsumOff bool
	// RxCsumOff turns rx-checksumming off: the receiving stack verifies
	// every frame's checksums instead of trusting the wire (a large
	// segment arriving whole is cut into real frames first).
	RxCsumOff bool
}

// Offload bits in End.off; TSO's is inverted so that the zero value has it
// on.
const (
	offTSOOff uint32 = 1 << iota
	offGSO
	offTxCsumOff
	offRxCsumOff
)

func (o Offloads) bits() uint32 {
	var b uint32
	for _, f := range []struct {
		on  bool
		bit uint32
	}{{!o.TSO, offTSOOff}, {o.GSO, offGSO}, {o.TxCsumOff, offTxCsumOff}, {o.RxCsumOff, offRxCsumOff}} {
		if f.on {
			b |= f.bit
		}
	}
	return b
}

func offloadsOf(b uint32) Offloads {
	return Offloads{TSO: b&offTSOOff == 0, GSO: b&offGSO != 0, TxCsumOff: b&offTxCsumOff != 0, RxCsumOff: b&offRxCsumOff != 0}
}

// Offloads returns the features asked for (wanted) and those in effect
// (active: TSO needs TxCsum).
func (e *End) Offloads() (wanted, active Offloads) {
	wanted = offloadsOf(e.off.Load())
	active = wanted
	active.TSO = wanted.TSO && !wanted.TxCsumOff
	return wanted, active
}

// SetOffloads sets the wanted features and returns those in effect. A
// change applies to the next frame; a TCP connection decides whether it
// builds large segments when it opens, so one opened while GSO was on
// keeps building them, and the end cuts them.
func (e *End) SetOffloads(wanted Offloads) (active Offloads) {
	e.off.Store(wanted.bits())
	_, active = e.Offloads()
	return active
}

// SetGSO lets the end's stack hand it large TCP segments (GSO), the
// world's default for a new veth pair (emu.Options.NoGSO turns it off).
func (e *End) SetGSO(on bool) {
	w, _ := e.Offloads()
	w.GSO = on
	e.SetOffloads(w)
}

// stackGSO reports whether the stack may hand the end large segments.
func (e *End) stackGSO() bool { return e.off.Load()&offGSO != 0 }

// wireTSO reports whether large segments cross the wire whole.
func (e *End) wireTSO() bool { return e.off.Load()&(offTSOOff|offTxCsumOff) == 0 }

// rxCsumOff reports whether the receiving stack must verify checksums.
func (e *End) rxCsumOff() bool { return e.off.Load()&offRxCsumOff != 0 }

// mustCut reports whether pkt, a frame about to leave e, must be cut into
// real frames first: an observer wants real frames, or TSO is off.
func (e *End) mustCut(pkt *stack.PacketBuffer) bool {
	return pkt.GSOOptions.Type != stack.GSONone && (e.bus.WantsFrames() || !e.wireTSO())
}
