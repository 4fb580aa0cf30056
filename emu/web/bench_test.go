package web

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/trace"
)

// BenchmarkSinkEmit is what the view costs the data path per frame: the
// copy into its queue. The goroutine's work is not on the data path (what
// it cannot keep up with is dropped and counted: "full" measures that
// path).
func BenchmarkSinkEmit(b *testing.B) {
	frame := make([]byte, 98)
	frame[12], frame[13] = 0x08, 0x00
	e := &trace.Event{Kind: trace.FrameReceived, Time: time.Now(), NS: "ns1", Dev: "v1", Frame: frame, Len: 98, Sync: true}
	b.Run("queued", func(b *testing.B) {
		// No goroutine: the queue is emptied, untimed, when full.
		h := &hub{wake: make(chan struct{}, 1)}
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if len(h.queue) == maxQueued {
				b.StopTimer()
				h.queue = h.queue[:0]
				b.StartTimer()
			}
			h.Emit(e)
		}
	})
	b.Run("full", func(b *testing.B) {
		h := &hub{wake: make(chan struct{}, 1), queue: make([]*trace.Event, maxQueued)}
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			h.Emit(e)
		}
	})
}

// BenchmarkTopology reads the topology of a world of 1 000 namespaces on
// a bridge and encodes it, as the view does after every change.
func BenchmarkTopology(b *testing.B) {
	w := emu.New(emu.Options{})
	defer w.Close()
	manyOnABridge(b, w, 1000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t, _ := buildTopology(w)
		if _, err := json.Marshal(t); err != nil {
			b.Fatal(err)
		}
	}
}
