package tc

import (
	"math/rand/v2"
	"strings"
	"testing"

	"gvisor.dev/gvisor/pkg/buffer"
	"gvisor.dev/gvisor/pkg/tcpip/stack"

	"github.com/nsemu/nsemu/emu/builtin/internal/parsetest"
	"github.com/nsemu/nsemu/emu/clock"
	"github.com/nsemu/nsemu/vethsim/qdisc"
)

// discard is a qdisc.Link that releases what it is given.
type discard struct{}

func (discard) Xmit(p *stack.PacketBuffer)                { p.DecRef() }
func (discard) DropFrame(p *stack.PacketBuffer, _ string) { p.DecRef() }
func (discard) MTU() uint32                               { return 1500 }

// FuzzParse: no command line panics the parser; what it accepts holds
// tc's invariants, and goes through the kernel half (a qdisc made, a frame
// enqueued, the options dumped and printed) without a panic or a leak.
func FuzzParse(f *testing.F) {
	parsetest.Seed(f, parseCases)
	clk := clock.NewManual()
	f.Cleanup(clk.Close)
	f.Fuzz(func(t *testing.T, line string) {
		r, err := Parse(strings.Fields(line))
		if err != nil {
			return
		}
		if r.Cmd < CmdUsage || r.Cmd > CmdDelete || len(r.Dev) > ifNameSize {
			t.Fatalf("Parse(%q) = %+v", line, r)
		}
		if p := r.Netem; p != nil {
			if p.Reorder != nil && p.Reorder.Probability != 0 && (p.Latency == 0 || p.Gap == 0) {
				t.Fatalf("Parse(%q): reorder without delay or gap: %+v", line, p)
			}
			q, err := qdisc.NewNetem(discard{}, clk, rand.New(rand.NewPCG(1, 2)), *p)
			if err == nil {
				exercise(t, q, r)
			}
		}
		if p := r.TBF; p != nil {
			if p.Burst == 0 || p.Limit == 0 || (p.Rate.Rate == 0 && p.Rate64 == 0) {
				t.Fatalf("Parse(%q): tbf without rate, burst or limit: %+v", line, p)
			}
			q, err := qdisc.NewTBF(discard{}, clk, *p)
			if err == nil {
				exercise(t, q, r)
			}
		}
	})
}

// exercise sends frames through q, prints what it dumps, and closes it.
func exercise(t *testing.T, q *qdisc.Qdisc, r *Request) {
	for _, size := range []int{60, 1514} {
		q.Enqueue(stack.NewPacketBuffer(stack.PacketBufferOptions{Payload: buffer.MakeWithData(make([]byte, size))}))
	}
	var b strings.Builder
	if p, ok := q.Netem(); ok {
		b.WriteString(netemOpts(&p, r.IEC))
	}
	if p, ok := q.TBF(); ok {
		b.WriteString(tbfOpts(&p, r))
	}
	if b.Len() == 0 {
		t.Fatalf("a %s qdisc dumped nothing", q.Kind())
	}
	q.Close()
}
