package trace

import (
	"strings"
	"sync"
	"testing"
)

func TestNilAndEmptyBus(t *testing.T) {
	var nilBus *Bus
	if nilBus.Enabled() || nilBus.WantsFrames() {
		t.Fatal("a nil bus must be disabled and want no frames")
	}
	nilBus.Emit(&Event{Kind: Dropped}) // must not panic

	var b Bus
	if b.Enabled() || b.WantsFrames() {
		t.Fatal("a zero bus must be disabled and want no frames")
	}
	b.Emit(&Event{Kind: Dropped}) // must not panic
}

func TestBusAttachDetach(t *testing.T) {
	tests := []struct {
		name       string
		sinks      []Sink
		wantFrames bool
	}{
		{"plain recorder", []Sink{&Recorder{}}, false},
		{"frame recorder", []Sink{&Recorder{Frames: true}}, true},
		{"mixed", []Sink{&Recorder{}, &Recorder{Frames: true}}, true},
		{"sink func", []Sink{SinkFunc(func(*Event) {})}, false},
		{"two sink funcs", []Sink{SinkFunc(func(*Event) {}), SinkFunc(func(*Event) {})}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b Bus
			var detach []func()
			for _, s := range tt.sinks {
				detach = append(detach, b.Attach(s))
			}
			if !b.Enabled() {
				t.Fatal("Enabled() = false with sinks attached")
			}
			if got := b.WantsFrames(); got != tt.wantFrames {
				t.Fatalf("WantsFrames() = %v, want %v", got, tt.wantFrames)
			}
			for _, d := range detach {
				d()
				d() // detaching twice is harmless
			}
			if b.Enabled() || b.WantsFrames() {
				t.Fatalf("after detaching all: Enabled=%v WantsFrames=%v, want false, false", b.Enabled(), b.WantsFrames())
			}
		})
	}
}

func TestBusEmitOrderAndDetach(t *testing.T) {
	var b Bus
	var mu sync.Mutex
	var order []string
	mk := func(name string) Sink {
		return SinkFunc(func(e *Event) {
			mu.Lock()
			order = append(order, name+":"+e.Kind.String())
			mu.Unlock()
		})
	}
	da := b.Attach(mk("a"))
	db := b.Attach(mk("b"))
	frames := &Recorder{Frames: true}
	dc := b.Attach(frames)
	b.Emit(&Event{Kind: Learned})
	if got, want := strings.Join(order, " "), "a:learned b:learned"; got != want {
		t.Fatalf("order = %q, want %q", got, want)
	}
	if !b.WantsFrames() {
		t.Fatal("WantsFrames() = false with a frame recorder attached")
	}
	dc()
	if b.WantsFrames() {
		t.Fatal("WantsFrames() = true after the frame recorder was detached")
	}
	da()
	order = nil
	b.Emit(&Event{Kind: Aged})
	if got, want := strings.Join(order, " "), "b:aged"; got != want {
		t.Fatalf("after detaching a: order = %q, want %q", got, want)
	}
	db()
	order = nil
	b.Emit(&Event{Kind: Aged})
	if len(order) != 0 {
		t.Fatalf("events reached detached sinks: %q", order)
	}
	if n := len(frames.Events()); n != 1 {
		t.Fatalf("frame recorder got %d events, want 1", n)
	}
}

// The same sink attached twice receives each event twice; each detach
// removes one attachment.
func TestBusSameSinkTwice(t *testing.T) {
	var b Bus
	r := &Recorder{}
	d1 := b.Attach(r)
	d2 := b.Attach(r)
	b.Emit(&Event{Kind: Flooded})
	if n := len(r.Events()); n != 2 {
		t.Fatalf("got %d events, want 2", n)
	}
	d1()
	d1()
	b.Emit(&Event{Kind: Flooded})
	if n := len(r.Events()); n != 3 {
		t.Fatalf("after one detach: got %d events, want 3", n)
	}
	d2()
	b.Emit(&Event{Kind: Flooded})
	if n := len(r.Events()); n != 3 || b.Enabled() {
		t.Fatalf("after both detaches: %d events, enabled=%v; want 3, false", n, b.Enabled())
	}
}

func TestRecorderCopies(t *testing.T) {
	var b Bus
	r := &Recorder{Frames: true}
	defer b.Attach(r)()
	frame := []byte{1, 2, 3}
	ports := []string{"p1", "p2"}
	b.Emit(&Event{Kind: FrameSent, Frame: frame, Ports: ports, Len: 3})
	b.Emit(&Event{Kind: Flooded, Ports: ports})
	b.Emit(&Event{Kind: FrameSent})
	frame[0] = 99
	ports[0] = "changed"

	evs := r.Events()
	if len(evs) != 3 {
		t.Fatalf("got %d events, want 3", len(evs))
	}
	if evs[0].Frame[0] != 1 || evs[0].Ports[0] != "p1" {
		t.Fatalf("recorder kept the emitter's buffers: frame=%v ports=%v", evs[0].Frame, evs[0].Ports)
	}
	if got := r.Filter(FrameSent); len(got) != 2 {
		t.Fatalf("Filter(FrameSent) = %d events, want 2", len(got))
	}
	if got := r.Filter(Flooded); len(got) != 1 || got[0].Ports[1] != "p2" {
		t.Fatalf("Filter(Flooded) = %v", got)
	}
	if got := r.Filter(Aged); len(got) != 0 {
		t.Fatalf("Filter(Aged) = %v, want none", got)
	}
	// Events returns a copy of the list.
	evs[0] = nil
	if r.Events()[0] == nil {
		t.Fatal("Events() returned the recorder's own slice")
	}
	r.Reset()
	if n := len(r.Events()); n != 0 {
		t.Fatalf("after Reset: %d events", n)
	}
}

func TestRecorderConcurrent(t *testing.T) {
	var b Bus
	r := &Recorder{}
	defer b.Attach(r)()
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 100; j++ {
				b.Emit(&Event{Kind: Forwarded})
			}
		}()
	}
	wg.Wait()
	if n := len(r.Events()); n != 400 {
		t.Fatalf("got %d events, want 400", n)
	}
}

func TestKindAndEventString(t *testing.T) {
	tests := []struct {
		ev   Event
		want string
	}{
		{Event{Kind: Learned, NS: "host", Dev: "br0", Port: "veth1", MAC: "02:00:00:00:00:01"}, "learned host/br0 port=veth1 mac=02:00:00:00:00:01"},
		{Event{Kind: Moved, NS: "host", Dev: "br0", Port: "veth2", OldPort: "veth1"}, "moved host/br0 port=veth2 old=veth1"},
		{Event{Kind: Flooded, NS: "h", Dev: "br0", Ports: []string{"a", "b"}, Len: 60}, "flooded h/br0 ports=a,b len=60"},
		{Event{Kind: Dropped, NS: "h", Dev: "eth0", Reason: "link down"}, "dropped h/eth0 reason=link down"},
		{Event{Kind: Kind(200)}, "kind(200) /"},
		{Event{Kind: 0}, "kind(0) /"},
	}
	for _, tt := range tests {
		if got := tt.ev.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

// toggle is a frame sink whose wish changes.
type toggle struct{ on bool }

func (*toggle) Emit(*Event)         {}
func (t *toggle) WantsFrames() bool { return t.on }

func TestBusRefreshAndSeq(t *testing.T) {
	var b Bus
	s := &toggle{}
	defer b.Attach(s)()
	if b.WantsFrames() {
		t.Fatal("WantsFrames with the sink off")
	}
	s.on = true
	if b.WantsFrames() {
		t.Fatal("the bus asked again without Refresh")
	}
	b.Refresh()
	if !b.WantsFrames() {
		t.Fatal("Refresh did not ask the sink again")
	}
	var last uint64
	for i := 0; i < 3; i++ {
		e := &Event{Kind: Learned}
		b.Emit(e)
		if e.Seq <= last {
			t.Fatalf("Seq %d after %d", e.Seq, last)
		}
		last = e.Seq
	}
	var nilBus *Bus
	nilBus.Refresh() // must not panic
}

// TestHashFrame: the hash of a frame does not depend on how its bytes are
// cut, and tells frames that differ in their first bytes or length apart.
func TestHashFrame(t *testing.T) {
	f := []byte(strings.Repeat("0123456789", 10))
	whole := HashFrame(len(f), f)
	if HashFrame(len(f), f[:5], f[5:30], f[30:]) != whole {
		t.Error("the hash depends on the cut")
	}
	g := append([]byte(nil), f...)
	g[20] = 'x'
	if HashFrame(len(g), g) == whole {
		t.Error("a different byte in the head hashes the same")
	}
	if HashFrame(len(f)+1, f) == whole {
		t.Error("a different length hashes the same")
	}
}
