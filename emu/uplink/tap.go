package uplink

import (
	"fmt"
	"io"
	"sync"
	"sync/atomic"

	"gvisor.dev/gvisor/pkg/buffer"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/stack"

	"github.com/nsemu/nsemu/emu/trace"
	"github.com/nsemu/nsemu/vethsim"
)

// tapQueueLen bounds the frames waiting to be written to the TAP device
// (a NIC's transmit ring): beyond it, frames are dropped and counted.
const tapQueueLen = 1000

// tapWire carries eth0's frames to and from a real TAP device. It is the
// vethsim.Receiver of eth0's wire end: frames eth0 sends arrive in Receive
// (inside gVisor or on a bridge's goroutine), which only queues them; the
// writer goroutine writes them to the device. The reader goroutine reads
// frames from the device, checks them (checkFrame) and sends the good ones
// through the wire to eth0, whose own receive loop delivers them: nothing
// here blocks a stack, and nothing a stack does waits for the device.
//
// Ownership: Receive takes one reference to each frame and the writer
// releases it once written or dropped; the reader makes one packet per
// good frame and hands it to the wire's Transmit, which takes it.
type tapWire struct {
	name  string
	dev   io.ReadWriteCloser
	wire  *vethsim.End
	bus   *trace.Bus
	clock tcpip.Clock
	log   *logger

	q       *vethsim.Queue[*stack.PacketBuffer]
	stop    chan struct{}
	closing atomic.Bool
	wg      sync.WaitGroup

	drops   [numDrops]atomic.Uint64 // frames from the device, by reason
	txDrops atomic.Uint64           // frames for the device: queue full
	txErrs  atomic.Uint64           // frames the device refused
}

// newTapWire starts carrying frames between dev and wire (eth0's wire end).
func newTapWire(name string, dev io.ReadWriteCloser, wire *vethsim.End, bus *trace.Bus, clock tcpip.Clock, log *logger) *tapWire {
	t := &tapWire{name: name, dev: dev, wire: wire, bus: bus, clock: clock, log: log,
		q: vethsim.NewQueue[*stack.PacketBuffer](tapQueueLen), stop: make(chan struct{})}
	wire.SetReceiver(t)
	t.wg.Add(2)
	go t.readLoop()
	go t.writeLoop()
	return t
}

// Receive implements vethsim.Receiver: eth0 sent pkt. It takes ownership
// and never blocks.
func (t *tapWire) Receive(_ *vethsim.End, pkt *stack.PacketBuffer) {
	if err := t.q.Put(pkt); err != nil {
		t.txDrops.Add(1)
		pkt.DecRef()
	}
}

// writeLoop writes eth0's frames to the device until stop closes, then
// releases what is left.
func (t *tapWire) writeLoop() {
	defer t.wg.Done()
	var batch []*stack.PacketBuffer
	for {
		select {
		case <-t.q.Ready():
		case <-t.stop:
			t.q.Close()
			for _, pkt := range t.q.Take(nil) {
				pkt.DecRef()
			}
			return
		}
		batch = t.q.Take(batch[:0])
		for _, pkt := range batch {
			t.wire.Observe(pkt) // eth0's tap point: the frame leaves
			t.write(pkt)
			pkt.DecRef()
		}
		clear(batch)
	}
}

// write writes one frame (cut to the MTU first if it is a large segment
// that crossed a bridge whole); the caller keeps its reference.
func (t *tapWire) write(pkt *stack.PacketBuffer) {
	if !vethsim.NeedsSegment(pkt) {
		t.writeOne(pkt)
		return
	}
	for _, seg := range vethsim.Segment(pkt, t.wire.Peer().MTU()) {
		t.writeOne(seg)
		seg.DecRef()
	}
}

func (t *tapWire) writeOne(pkt *stack.PacketBuffer) {
	v := pkt.ToView()
	defer v.Release()
	if _, err := t.dev.Write(v.AsSlice()); err != nil {
		t.txErrs.Add(1)
	}
}

// maxFrame is the largest frame the reader accepts from the device before
// checking it against eth0's MTU: one read returns one frame, cut to the
// buffer, so the buffer must hold the largest frame a TAP carries.
const maxFrame = 65536 + header.EthernetMinimumSize

// readLoop reads frames from the device until it is closed.
func (t *tapWire) readLoop() {
	defer t.wg.Done()
	buf := make([]byte, maxFrame)
	for {
		n, err := t.dev.Read(buf)
		if err != nil {
			if !t.closing.Load() {
				t.log.printf("TAP device %s: %v: eth0 has no carrier now", t.name, err)
				t.wire.SetUp(false)
			}
			return
		}
		t.ingress(buf[:n])
	}
}

// ingress checks one frame from the device and sends it on to eth0. It
// copies b.
func (t *tapWire) ingress(b []byte) {
	if d := checkFrame(b, int(t.wire.Peer().MTU())); d != DropNone {
		t.drop(d, len(b))
		return
	}
	pkt := stack.NewPacketBuffer(stack.PacketBufferOptions{Payload: buffer.MakeWithData(b)})
	_ = t.wire.Transmit(pkt) // takes pkt; eth0 down drops and counts it
}

// drop counts a frame from the device that was not let in, and says so on
// the world's bus (--explain=drop, captures' comments).
func (t *tapWire) drop(d Drop, n int) {
	t.drops[d].Add(1)
	if !t.bus.Enabled() {
		return
	}
	peer := t.wire.Peer()
	t.bus.Emit(&trace.Event{Kind: trace.Dropped, Time: t.clock.Now(), NS: peer.Namespace(), Dev: peer.Name(), Len: n,
		Reason: fmt.Sprintf("from TAP %s: %s", t.name, d)})
}

// Dropped returns the frames from the device dropped so far, by reason.
func (t *tapWire) Dropped() map[Drop]uint64 {
	out := map[Drop]uint64{}
	for d := DropRunt; d < numDrops; d++ {
		if n := t.drops[d].Load(); n > 0 {
			out[d] = n
		}
	}
	return out
}

// close stops both loops, releases the device (a TAP nsemu created goes
// with it) and detaches the wire: eth0 loses its carrier.
func (t *tapWire) close() {
	t.closing.Store(true)
	t.wire.SetReceiver(nil)
	t.wire.SetUp(false)
	close(t.stop)
	err := t.dev.Close()
	t.wg.Wait()
	if err != nil {
		t.log.printf("closing TAP device %s: %v", t.name, err)
	}
	if n := t.txDrops.Load() + t.txErrs.Load(); n > 0 {
		t.log.printf("TAP device %s: %d frames not written (%d queue full, %d refused)", t.name, n, t.txDrops.Load(), t.txErrs.Load())
	}
	if d := t.Dropped(); len(d) > 0 {
		t.log.printf("TAP device %s: frames dropped on arrival: %s", t.name, formatDrops(d))
	}
}

func formatDrops(d map[Drop]uint64) string {
	s := ""
	for r := DropRunt; r < numDrops; r++ {
		if d[r] == 0 {
			continue
		}
		if s != "" {
			s += ", "
		}
		s += fmt.Sprintf("%d %s", d[r], r)
	}
	return s
}
