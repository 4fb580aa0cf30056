package teach

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/trace"
)

// Step modes.
const (
	modeEvent int32 = iota // pause before every event
	modeLine               // pause before the next script command
	modeRun                // run to the end
)

// Stepper pauses the emulated world before every event (or every script
// command), shows the event with the tables it touches, and waits for a
// key: Enter = next event, s = next script line, c = run to the end,
// t = print all tables, q = quit. While it waits, the emulator's clock is
// paused, so no ARP retry or ping timeout fires behind the learner's back.
//
// It blocks only on events emitted by goroutines nsemu owns (trace.Event
// Sync); events from inside gVisor (neighbour changes, NAT) are shown at
// the next pause instead.
type Stepper struct {
	w      *emu.World
	out    io.Writer
	keys   func() (string, error)
	cancel context.CancelFunc

	// OnPause, when set, is told of every pause before the first key is
	// read: the web view shows it. It runs with the clock paused, holding
	// mu, on the goroutine that paused (a bridge's or an end's): it must
	// not wait for the world. Set it before attaching the stepper.
	OnPause func(Pause)
	// Prompt replaces the key prompt shown at a pause (the web view's
	// keys come from the page, not from the terminal). Set it before
	// attaching the stepper.
	Prompt string
	// PromptKeys, when set, reads a key after showing prompt itself, in
	// place of printing the prompt and calling the key source: a line
	// editor (nsemu shell's) redraws its prompt line, and would erase a
	// prompt printed before it. Set it before attaching the stepper.
	PromptKeys func(prompt string) (string, error)

	mode    atomic.Int32
	enabled atomic.Bool

	// mu makes one pause at a time. It is held while the pause waits for
	// a key, with the clock paused, and while it reads the world's tables
	// (World.mu, Namespace.mu, the bridges' mirrors, the stacks' locks;
	// never World.topo). mu is ordered above amu.
	//
	// Emit takes only amu for events emitted from inside gVisor (not
	// Sync), whose emitter holds gVisor's locks. Sync events come from a
	// bridge's goroutine or an end's receive loop, holding no lock: a
	// pause there holds that goroutine, and a topology change waiting for
	// it, until a key comes.
	mu      sync.Mutex
	amu     sync.Mutex // guards pending and frames
	pending []string   // async events seen since the last pause
	// frames describes the last frames seen, by Seq, for the bridge
	// decisions about them (their Cause).
	frames frameMemo
}

// Pause is what the step-through shows when it pauses.
type Pause struct {
	// What is the event (or the script line) the world is paused at, in
	// the narrated line's words: "ns1 veth-1     → ARP who-has …".
	What string
	// Also are the events from inside gVisor (neighbour changes, route
	// and NAT decisions) narrated since the last pause.
	Also []string
	// Tables are the tables the event touches (a bridge's CAM, a
	// namespace's neighbours or routes), one line each.
	Tables []string
}

// Step modes, as Mode names them.
const (
	ModeOff   = "off"   // not stepping: the world runs
	ModeEvent = "event" // pausing before the next event
	ModeLine  = "line"  // pausing before the next script command
)

// NewStepper steps w, printing to out and reading keys with next (one line
// per key; io.EOF means "run to the end"). cancel stops the script on q.
func NewStepper(w *emu.World, out io.Writer, next func() (string, error), cancel context.CancelFunc) *Stepper {
	s := &Stepper{w: w, out: out, keys: next, cancel: cancel}
	s.enabled.Store(true)
	return s
}

// LineKeys returns a key source reading lines from r.
func LineKeys(r io.Reader) func() (string, error) {
	sc := bufio.NewScanner(r)
	return func() (string, error) {
		if !sc.Scan() {
			if err := sc.Err(); err != nil {
				return "", err
			}
			return "", io.EOF
		}
		return sc.Text(), nil
	}
}

// SetEnabled turns stepping on or off (`step on|off` in nsemu shell). The
// world's bus is told: a stepper wants frames only while on.
func (s *Stepper) SetEnabled(on bool) {
	s.enabled.Store(on)
	if on {
		s.mode.Store(modeEvent)
	}
	s.w.Bus().Refresh()
}

// PauseAtNextLine turns stepping on so that it pauses before the next
// script command (the web view starts a script paused this way).
func (s *Stepper) PauseAtNextLine() {
	s.mode.Store(modeLine)
	s.enabled.Store(true)
}

// Mode says what the stepper will pause at next: ModeEvent, ModeLine or
// ModeOff.
func (s *Stepper) Mode() string {
	if !s.enabled.Load() {
		return ModeOff
	}
	switch s.mode.Load() {
	case modeEvent:
		return ModeEvent
	case modeLine:
		return ModeLine
	}
	return ModeOff
}

// Enabled reports whether stepping is on.
func (s *Stepper) Enabled() bool { return s.enabled.Load() && s.mode.Load() != modeRun }

// WantsFrames implements trace.FrameSink: the pause describes the frame.
func (s *Stepper) WantsFrames() bool { return s.enabled.Load() }

// Emit implements trace.Sink.
func (s *Stepper) Emit(e *trace.Event) {
	if !s.enabled.Load() || s.mode.Load() == modeRun {
		return
	}
	text := s.explain(e)
	if text == "" {
		return
	}
	line := fmt.Sprintf("%-14s %s", Subject(e), text)
	if !e.Sync {
		s.amu.Lock()
		s.pending = append(s.pending, line)
		s.amu.Unlock()
		return
	}
	if s.mode.Load() != modeEvent {
		return
	}
	s.pause(line, s.tablesFor(e))
}

// BeforeCommand is the shell's OnCommand hook: in line mode it pauses
// before the next command.
func (s *Stepper) BeforeCommand(line int, args []string) {
	if !s.enabled.Load() || s.mode.Load() != modeLine {
		return
	}
	s.mode.Store(modeEvent)
	s.pause(fmt.Sprintf("line %d: %s", line, strings.Join(args, " ")), nil)
}

func (s *Stepper) pause(what string, tables []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.mode.Load() == modeRun {
		return
	}
	clock := s.w.Clock()
	clock.Pause()
	defer clock.Resume()
	s.amu.Lock()
	pending := s.pending
	s.pending = nil
	s.amu.Unlock()
	for _, p := range pending {
		fmt.Fprintf(s.out, "  (also) %s\n", p)
	}
	fmt.Fprintf(s.out, "▶ %s\n", what)
	for _, t := range tables {
		fmt.Fprintf(s.out, "    %s\n", t)
	}
	if s.OnPause != nil {
		s.OnPause(Pause{What: what, Also: pending, Tables: tables})
	}
	s.waitKeyLocked()
}

// waitKeyLocked reads keys until one ends the pause. s.mu must be held.
func (s *Stepper) waitKeyLocked() {
	prompt := s.Prompt
	if prompt == "" {
		prompt = keyPrompt
	}
	for {
		key, err := s.readKey(prompt)
		if err != nil {
			fmt.Fprintln(s.out)
			s.mode.Store(modeRun)
			return
		}
		switch strings.TrimSpace(key) {
		case "":
			return
		case "s":
			s.mode.Store(modeLine)
			return
		case "c":
			s.mode.Store(modeRun)
			return
		case "t":
			for _, l := range s.allTables() {
				fmt.Fprintf(s.out, "    %s\n", l)
			}
		case "q":
			s.mode.Store(modeRun)
			s.enabled.Store(false)
			if s.cancel != nil {
				s.cancel()
			}
			return
		default:
			fmt.Fprintf(s.out, "unknown key %q\n", key)
		}
	}
}

// tablesFor renders the tables an event touches: a bridge's CAM, a
// namespace's neighbours and routes.
func (s *Stepper) tablesFor(e *trace.Event) []string {
	ns, err := s.w.Namespace(e.NS)
	if err != nil {
		return nil
	}
	switch e.Kind {
	case trace.Learned, trace.Moved, trace.Aged, trace.Flooded, trace.Forwarded, trace.Dropped:
		return camTable(ns, e.Dev)
	case trace.FrameSent, trace.FrameReceived:
		if e.Bridged {
			if d, err := ns.Link(e.Dev); err == nil && d.Master() != nil {
				return camTable(ns, d.Master().Name())
			}
			return nil
		}
		return neighTable(ns)
	case trace.RouteDecision:
		return routeTable(ns)
	}
	return nil
}

func camTable(ns *emu.Namespace, br string) []string {
	d, err := ns.Link(br)
	if err != nil || d.Bridge() == nil {
		return nil
	}
	out := []string{fmt.Sprintf("CAM of %s (port, MAC, local, age):", br)}
	for _, e := range d.Bridge().FDB() {
		local := "no"
		if e.Local {
			local = "yes"
		}
		out = append(out, fmt.Sprintf("  %-12s %s  %-3s %6.2fs", e.Port, e.MAC, local, e.Age.Seconds()))
	}
	return out
}

func neighTable(ns *emu.Namespace) []string {
	out := []string{fmt.Sprintf("neighbours of %s:", ns.Name())}
	for _, n := range ns.Stack().Neighbors() {
		mac := "(none)"
		if n.MAC != "" {
			mac = n.MAC.String()
		}
		out = append(out, fmt.Sprintf("  %s dev %s lladdr %s %s", n.Addr, n.Dev, mac, n.State))
	}
	if len(out) == 1 {
		out = append(out, "  (empty)")
	}
	return out
}

func routeTable(ns *emu.Namespace) []string {
	out := []string{fmt.Sprintf("routes of %s:", ns.Name())}
	for _, r := range ns.Stack().Routes() {
		l := "  " + r.Dst.String()
		if r.IsDefault() {
			l = "  default"
		}
		if r.Gateway.IsValid() {
			l += " via " + r.Gateway.String()
		}
		l += " dev " + r.Dev
		out = append(out, l)
	}
	if len(out) == 1 {
		out = append(out, "  (empty)")
	}
	return out
}

// allTables renders every namespace's routes and neighbours and every
// bridge's CAM.
func (s *Stepper) allTables() []string {
	all := append([]*emu.Namespace{s.w.Host()}, s.w.Namespaces()...)
	sort.SliceStable(all[1:], func(i, j int) bool { return all[1+i].Name() < all[1+j].Name() })
	var out []string
	for _, ns := range all {
		out = append(out, routeTable(ns)...)
		out = append(out, neighTable(ns)...)
		for _, d := range ns.Links() {
			if d.Bridge() != nil {
				out = append(out, camTable(ns, d.Name())...)
			}
		}
	}
	return out
}

// keyPrompt lists the keys a pause takes.
const keyPrompt = "[Enter] next event · [s] next line · [c] continue · [t] tables · [q] quit > "

// readKey shows prompt and reads a key.
func (s *Stepper) readKey(prompt string) (string, error) {
	if s.PromptKeys != nil {
		return s.PromptKeys(prompt)
	}
	fmt.Fprint(s.out, prompt)
	return s.keys()
}

// explain describes e as the narration does, a bridge's decision with the
// frame it decided on (remembered from the frame's event, which came just
// before on the bridge's goroutine).
func (s *Stepper) explain(e *trace.Event) string {
	switch e.Kind {
	case trace.FrameSent, trace.FrameReceived:
		if e.Frame != nil && e.Sync {
			fi := decodeFrame(e.Frame)
			s.amu.Lock()
			s.frames.put(e.Seq, fi.text)
			s.amu.Unlock()
		}
	case trace.Forwarded, trace.Flooded:
		s.amu.Lock()
		what := s.frames.get(e.Cause)
		s.amu.Unlock()
		if e.Kind == trace.Forwarded {
			return forwardText(e, what)
		}
		return floodText(e, what)
	}
	_, text := Explain(e)
	return text
}

// frameMemo remembers the descriptions of the last few frames by Seq.
type frameMemo struct {
	seqs  [16]uint64
	texts [16]string
	next  int
}

func (m *frameMemo) put(seq uint64, text string) {
	m.seqs[m.next], m.texts[m.next] = seq, text
	m.next = (m.next + 1) % len(m.seqs)
}

func (m *frameMemo) get(seq uint64) string {
	for i, s := range m.seqs {
		if s == seq && seq != 0 {
			return m.texts[i]
		}
	}
	return ""
}
