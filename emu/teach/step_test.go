package teach

import (
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/emutest"
	"github.com/nsemu/nsemu/emu/shell"
	"github.com/nsemu/nsemu/emu/trace"
)

// syncBuffer is a goroutine-safe output buffer.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestStepPausesTheClock drives the step-through from a pipe, as a learner
// at a keyboard would: it waits 2 s at the first pause (the ARP request is
// on the wire), then continues. The ping must still get its reply at the
// first try: no ARP retry, no ICMP retransmission, because the clock was
// paused while the learner read.
func TestStepPausesTheClock(t *testing.T) {
	w := emu.New(emu.Options{})
	defer w.Close()
	out := &syncBuffer{}
	pr, pw := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st := NewStepper(w, out, LineKeys(pr), cancel)
	rec := &trace.Recorder{Frames: true}
	defer w.Bus().Attach(rec)()
	defer w.Bus().Attach(st)()
	sh := shell.New(w, nil, out, out)
	sh.OnCommand = st.BeforeCommand
	sh.Stepper = st

	// Keys: wait for the first pause, wait 2 s, Enter; then "t" (tables),
	// then continue.
	go func() {
		if !emutest.Eventually(func() bool { return strings.Contains(out.String(), "[Enter] next event") }) {
			t.Errorf("no pause within %v:\n%s", emutest.Deadline, out.String())
		}
		// The learner reads for 2 s of real time: what is tested is that
		// no timer fires meanwhile (an ARP retry would after 1 s).
		time.Sleep(2 * time.Second)
		io.WriteString(pw, "\n")
		io.WriteString(pw, "t\n")
		io.WriteString(pw, "c\n")
	}()
	st.SetEnabled(false) // build the topology without stepping
	script := twoOnABridge[:strings.Index(twoOnABridge, "ip netns exec ns1 ping")] + "step on\nip netns exec ns1 ping -c 1 -W 1 10.0.0.2\n"
	start := w.Clock().Elapsed()
	if err := sh.RunScript(ctx, "step.sh", strings.NewReader(script), nil); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	text := out.String()
	if !strings.Contains(text, "1 packets transmitted, 1 received") {
		t.Fatalf("the ping did not get its reply:\n%s", text)
	}
	if !strings.Contains(text, "▶ ") || !strings.Contains(text, "CAM of br0") {
		t.Errorf("no pause with the CAM table shown:\n%s", text)
	}
	if !strings.Contains(text, "routes of ns1:") {
		t.Errorf("[t] did not print all tables:\n%s", text)
	}
	arps, echoes := 0, 0
	for _, e := range rec.Filter(trace.FrameSent) {
		if e.NS == "ns1" && len(e.Frame) > 23 {
			if e.Frame[12] == 0x08 && e.Frame[13] == 0x06 {
				arps++
			}
			if e.Frame[12] == 0x08 && e.Frame[13] == 0x00 && e.Frame[23] == 1 {
				echoes++
			}
		}
	}
	if arps != 1 || echoes != 1 {
		t.Errorf("ns1 sent %d ARP requests and %d echo requests, want 1 and 1 (a retry fired during the pause)", arps, echoes)
	}
	if el := w.Clock().Elapsed() - start; el > time.Second {
		t.Errorf("the emulated clock advanced %s during a run paused for 2 s", el)
	}
}

func TestStepQuit(t *testing.T) {
	w := emu.New(emu.Options{})
	defer w.Close()
	out := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st := NewStepper(w, out, LineKeys(strings.NewReader("q\n")), cancel)
	defer w.Bus().Attach(st)()
	sh := shell.New(w, nil, out, out)
	sh.OnCommand = st.BeforeCommand
	err := sh.RunScript(ctx, "q.sh", strings.NewReader(twoOnABridge), nil)
	if err == nil || !strings.Contains(err.Error(), "interrupted") {
		t.Fatalf("q did not stop the script: %v\n%s", err, out.String())
	}
}

// TestStepOnInTheShell: a stepper attached off, as nsemu shell attaches it,
// turned on by `step on`, shows frames (not only a bridge's decisions) and
// gives its key prompt to the line editor (PromptKeys), which would erase
// a prompt printed before it.
func TestStepOnInTheShell(t *testing.T) {
	w := emu.New(emu.Options{})
	defer w.Close()
	out := &syncBuffer{}
	var prompts []string
	st := NewStepper(w, out, func() (string, error) { return "", io.EOF }, nil)
	st.PromptKeys = func(p string) (string, error) {
		prompts = append(prompts, p)
		return "c", nil
	}
	st.SetEnabled(false)
	defer w.Bus().Attach(st)()
	if w.Bus().WantsFrames() {
		t.Error("the bus wants frames while stepping is off")
	}
	sh := shell.New(w, nil, out, out)
	sh.OnCommand = st.BeforeCommand
	sh.Stepper = st
	script := `ip netns add ns1
ip link add v0 type veth peer name v1 netns ns1
ip addr add 10.0.0.1/24 dev v0
ip link set v0 up
ip netns exec ns1 ip addr add 10.0.0.2/24 dev v1
ip netns exec ns1 ip link set v1 up
step on
ping -c 1 10.0.0.2
`
	if err := sh.RunScript(context.Background(), "shell.sh", strings.NewReader(script), nil); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "▶ host v0        → ARP who-has 10.0.0.2 tell 10.0.0.1 (broadcast)") {
		t.Errorf("step on did not pause at the first frame:\n%s", out.String())
	}
	if len(prompts) == 0 || prompts[0] != keyPrompt {
		t.Errorf("prompts %q, want the key prompt", prompts)
	}
	if strings.Contains(out.String(), keyPrompt) {
		t.Errorf("the key prompt was printed too:\n%s", out.String())
	}
	st.SetEnabled(false)
	if w.Bus().WantsFrames() {
		t.Error("the bus still wants frames after step off")
	}
}
