package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"sync"

	"github.com/nsemu/nsemu/emu/teach"
)

// stepState is the stepper as the page shows it.
type stepState struct {
	// Available is false when no stepper is connected (the buttons are
	// disabled).
	Available bool `json:"available"`
	// Mode is what the stepper pauses at next: off, event or line.
	Mode string `json:"mode"`
	// Paused is true while the world waits for a button.
	Paused bool     `json:"paused"`
	What   string   `json:"what,omitempty"`
	Also   []string `json:"also,omitempty"`
	Tables []string `json:"tables,omitempty"`
	// At is the sequence number of the last event the view had seen when
	// the pause began: the event paused at, for a pause on an event.
	At int64 `json:"at,omitempty"`
}

// stepControl connects the page's step buttons to a teach.Stepper: its
// keys come from the page (keys), and its pauses are shown there
// (onPause).
type stepControl struct {
	hub  *hub
	done <-chan struct{}
	keys chan string // holds at most the one key a pause will take

	// mu guards the fields below; it is a leaf. It is taken in onPause,
	// under the stepper's own lock, and never held while waiting.
	mu      sync.Mutex
	st      *teach.Stepper
	ctx     context.Context // a pause stops waiting when it ends (nil: never)
	detach  func()          // detaches a stepper Stepper attached
	state   stepState
	pending bool // a key was given to this pause
}

func newStepControl(h *hub, done <-chan struct{}) *stepControl {
	return &stepControl{hub: h, done: done, keys: make(chan string, 1)}
}

// Stepper makes a teach.Stepper driven by the page, attached to the
// world's bus after the view's own sink (so the page has the event a
// pause is at) and paused before the next script command: a script run
// with the view waits for the learner. Give its BeforeCommand to the
// shell's OnCommand. When ctx ends (Ctrl-C), a pause stops waiting for
// the page and the stepper runs on; cancel is what its quit key calls.
// Close detaches it.
func (s *Server) Stepper(ctx context.Context, cancel context.CancelFunc) *teach.Stepper {
	s.step.mu.Lock()
	s.step.ctx = ctx
	s.step.mu.Unlock()
	st := teach.NewStepper(s.w, io.Discard, s.Keys(), cancel)
	s.UseStepper(st)
	detach := s.w.Bus().Attach(st)
	s.step.mu.Lock()
	s.step.detach = detach
	s.step.mu.Unlock()
	st.PauseAtNextLine()
	return st
}

// Keys returns the key source for a teach.Stepper driven by the page:
// "" (next event), "s" (next line) or "c" (continue), as the buttons say;
// io.EOF once the server is closed (the stepper then runs to the end).
func (s *Server) Keys() func() (string, error) { return s.step.next }

// UseStepper connects the page's buttons and pause panel to st, whose keys
// must come from Keys. Call it before attaching st to the bus.
func (s *Server) UseStepper(st *teach.Stepper) {
	st.OnPause = func(p teach.Pause) {
		s.step.onPause(p)
		s.topo.kick()
		s.hub.tellNow()
	}
	s.step.mu.Lock()
	s.step.st = st
	s.step.mu.Unlock()
	s.hub.notify()
}

// close detaches the stepper Stepper attached.
func (c *stepControl) close() {
	c.mu.Lock()
	detach := c.detach
	c.detach = nil
	c.mu.Unlock()
	if detach != nil {
		detach()
	}
}

// onPause is teach.Stepper.OnPause: it runs with the clock paused, on the
// goroutine that paused. It records the pause and wakes the streams.
func (c *stepControl) onPause(p teach.Pause) {
	c.mu.Lock()
	c.state = stepState{Paused: true, What: p.What, Also: p.Also, Tables: p.Tables, At: int64(c.hub.last.Load())}
	c.pending = false
	c.mu.Unlock()
	c.hub.notify()
}

// next waits for the page's key. It returns io.EOF (the stepper then
// runs on) when the run is interrupted or the server closes.
func (c *stepControl) next() (string, error) {
	c.mu.Lock()
	var interrupted <-chan struct{}
	if c.ctx != nil {
		interrupted = c.ctx.Done()
	}
	c.mu.Unlock()
	key, err := "", io.EOF
	select {
	case key = <-c.keys:
		err = nil
	case <-interrupted:
	case <-c.done:
	}
	c.mu.Lock()
	c.state = stepState{}
	c.pending = false
	c.mu.Unlock()
	c.hub.notify()
	return key, err
}

// current returns the state for the page.
func (c *stepControl) current() stepState {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.state
	s.Available = c.st != nil
	s.Mode = teach.ModeOff
	if c.st != nil {
		s.Mode = c.st.Mode()
	}
	return s
}

// Step actions, as the page's buttons post them.
var stepKeys = map[string]string{"next": "", "line": "s", "continue": "c", "pause": ""}

// act carries out a button: while paused it hands the key to the pause;
// while running, "pause" and "next" pause at the next event, "line" before
// the next command, and "continue" stops stepping.
func (c *stepControl) act(action string) error {
	key, ok := stepKeys[action]
	if !ok {
		return fmt.Errorf("unknown step action %q (want next, line, continue or pause)", action)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.st == nil {
		return errNoStepper
	}
	if c.state.Paused {
		if action != "pause" && !c.pending {
			select {
			case c.keys <- key:
				c.pending = true
			default:
			}
		}
		return nil
	}
	switch action {
	case "pause", "next":
		c.st.SetEnabled(true)
	case "line":
		c.st.PauseAtNextLine()
	case "continue":
		c.st.SetEnabled(false)
	}
	return nil
}

type stepError string

func (e stepError) Error() string { return string(e) }

const errNoStepper = stepError("web view: no stepper in this run")

func (s *Server) handleStepState(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, s.step.current())
}

// handleStep takes {"action": "next"} (JSON only: a form posted from
// another site cannot send it without the browser asking first).
func (s *Server) handleStep(w http.ResponseWriter, r *http.Request) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		http.Error(w, "web view: /api/step takes application/json", http.StatusUnsupportedMediaType)
		return
	}
	var req struct {
		Action string `json:"action"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 4096)).Decode(&req); err != nil {
		http.Error(w, "web view: bad step request: "+err.Error(), http.StatusBadRequest)
		return
	}
	switch err := s.step.act(req.Action); {
	case err == errNoStepper:
		http.Error(w, err.Error(), http.StatusConflict)
	case err != nil:
		http.Error(w, "web view: "+err.Error(), http.StatusBadRequest)
	default:
		s.hub.notify()
		writeJSON(w, s.step.current())
	}
}
