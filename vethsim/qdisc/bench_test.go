package qdisc

import (
	"testing"
	"time"

	"gvisor.dev/gvisor/pkg/buffer"
	"gvisor.dev/gvisor/pkg/tcpip/stack"

	"github.com/nsemu/nsemu/emu/clock"
	"github.com/nsemu/nsemu/emu/emutest"
)

// sink is a Link that counts and releases.
type sink struct{ sent, dropped int }

func (s *sink) Xmit(p *stack.PacketBuffer)                { s.sent++; p.DecRef() }
func (s *sink) DropFrame(p *stack.PacketBuffer, _ string) { s.dropped++; p.DecRef() }
func (s *sink) MTU() uint32                               { return 1500 }

func wire(size int) *stack.PacketBuffer {
	return stack.NewPacketBuffer(stack.PacketBufferOptions{Payload: buffer.MakeWithData(make([]byte, size))})
}

// BenchmarkQdisc is the cost per 1514-byte frame of a qdisc that lets
// every frame through at once (netem without delay, netem losing 10%,
// a tbf too fast to hold anything back), and of netem holding frames for
// 10 ms and its timer releasing them, a queue of 1000 at a time.
func BenchmarkQdisc(b *testing.B) {
	fast := TBFParams{Rate: RateSpec{Rate: 1 << 31}, Rate64: 1 << 40, Burst: 1 << 30, Limit: 1 << 30}
	for _, c := range []struct {
		name  string
		netem *NetemParams
		tbf   *TBFParams
	}{
		{"netem", &NetemParams{Limit: 1000}, nil},
		{"netem-loss", &NetemParams{Limit: 1000, Loss: pct(10)}, nil},
		{"tbf", nil, &fast},
	} {
		b.Run(c.name, func(b *testing.B) {
			clk := clock.NewManual()
			defer clk.Close()
			l := &sink{}
			q := newBenchQdisc(b, l, clk, c.netem, c.tbf)
			defer q.Close()
			b.SetBytes(1514)
			b.ReportAllocs()
			for range b.N {
				q.Enqueue(wire(1514))
			}
		})
	}
	b.Run("netem-delay", func(b *testing.B) {
		clk := clock.NewManual()
		defer clk.Close()
		l := &sink{}
		q := newBenchQdisc(b, l, clk, &NetemParams{Limit: 1000, Latency: ms(10)}, nil)
		defer q.Close()
		b.SetBytes(1514)
		b.ReportAllocs()
		for i := 0; i < b.N; i += 1000 {
			n := min(1000, b.N-i)
			for range n {
				q.Enqueue(wire(1514))
			}
			clk.Advance(10 * time.Millisecond)
			emutest.WaitFor(b, "the release", func() bool { return q.Stats().Qlen == 0 && clk.Running() == 0 })
		}
	})
}

func newBenchQdisc(b *testing.B, l Link, clk *clock.Clock, n *NetemParams, t *TBFParams) *Qdisc {
	var q *Qdisc
	var err error
	if n != nil {
		q, err = NewNetem(l, clk, seeded(), *n)
	} else {
		q, err = NewTBF(l, clk, *t)
	}
	if err != nil {
		b.Fatal(err)
	}
	return q
}
