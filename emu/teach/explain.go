// Package teach turns the emulator's events into teaching: a narrated trace
// (one plain-language line per event) and, in step.go, step-by-step
// execution that pauses before every event.
package teach

import (
	"fmt"
	"io"
	"net"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/nsemu/nsemu/emu/trace"
)

// Categories of narration, as --explain=arp,cam,route,nat,drop selects.
var Categories = []string{"arp", "cam", "route", "nat", "drop"}

// ParseCategories parses "arp,cam" (empty or "all" means every category).
func ParseCategories(s string) (map[string]bool, error) {
	out := map[string]bool{}
	if s == "" || s == "all" {
		for _, c := range Categories {
			out[c] = true
		}
		return out, nil
	}
	for _, c := range strings.Split(s, ",") {
		c = strings.TrimSpace(c)
		ok := false
		for _, k := range Categories {
			if c == k {
				ok = true
			}
		}
		if !ok {
			return nil, fmt.Errorf("unknown --explain category %q (want some of %s)", c, strings.Join(Categories, ","))
		}
		out[c] = true
	}
	return out, nil
}

// Narrator is a trace.Sink that writes one line per event it explains. It
// never blocks the data path: lines are queued (up to maxQueued; beyond,
// they are counted and dropped) and written by a goroutine of its own, or by
// Flush. Close writes out what is left.
type Narrator struct {
	cats    map[string]bool
	dropped atomic.Int64

	// qmu guards queue and closed. Emit takes only qmu, for a moment: it
	// may run inside gVisor, with its locks held.
	qmu    sync.Mutex
	queue  []string
	closed bool
	wake   chan struct{}
	done   chan struct{}

	// wmu makes taking lines off the queue and writing them one step, so
	// the goroutine and Flush never reorder lines. It is ordered above
	// qmu, and held across the writes to w.
	wmu sync.Mutex
	w   io.Writer
}

const maxQueued = 8192

// NewNarrator narrates the given categories to w.
func NewNarrator(w io.Writer, cats map[string]bool) *Narrator {
	n := &Narrator{cats: cats, w: w, wake: make(chan struct{}, 1), done: make(chan struct{})}
	go func() {
		defer close(n.done)
		for range n.wake {
			n.Flush()
		}
	}()
	return n
}

// Flush writes the lines queued so far, in the caller's goroutine. The
// shell calls it before printing a command's output, so that narration and
// output interleave in the order things happened.
func (n *Narrator) Flush() {
	n.wmu.Lock()
	defer n.wmu.Unlock()
	n.qmu.Lock()
	lines := n.queue
	n.queue = nil
	n.qmu.Unlock()
	for _, l := range lines {
		io.WriteString(n.w, l)
	}
}

// Dropped returns how many lines were dropped because the queue was full.
func (n *Narrator) Dropped() int64 { return n.dropped.Load() }

// WantsFrames implements trace.FrameSink: ARP lines need the frame.
func (n *Narrator) WantsFrames() bool { return n.cats["arp"] }

// Close writes out the lines still queued and stops the goroutine.
func (n *Narrator) Close() {
	n.qmu.Lock()
	if n.closed {
		n.qmu.Unlock()
		return
	}
	n.closed = true
	close(n.wake)
	n.qmu.Unlock()
	<-n.done
	n.Flush()
}

// Emit implements trace.Sink.
func (n *Narrator) Emit(e *trace.Event) {
	cat, text := Explain(e)
	if text == "" || !n.cats[cat] {
		return
	}
	line := fmt.Sprintf("%-14s %s\n", Subject(e), text)
	n.qmu.Lock()
	defer n.qmu.Unlock()
	if n.closed || len(n.queue) >= maxQueued {
		n.dropped.Add(1)
		return
	}
	n.queue = append(n.queue, line)
	select {
	case n.wake <- struct{}{}:
	default:
	}
}

// Subject is the narrated line's first column: "ns1 veth-1" for a device,
// "vbridge" for a bridge of the host ("ns9 br0" elsewhere), "ns1" for a
// namespace.
func Subject(e *trace.Event) string {
	switch e.Kind {
	case trace.Learned, trace.Moved, trace.Aged, trace.Flooded, trace.Forwarded:
		if e.NS == "host" {
			return e.Dev
		}
		return e.NS + " " + e.Dev
	case trace.FrameSent, trace.FrameReceived:
		return e.NS + " " + e.Dev
	case trace.Dropped:
		if e.Dev != "" && e.Port == "" {
			return e.NS + " " + e.Dev
		}
		if e.Port != "" {
			return e.Dev
		}
	}
	return e.NS
}

// Explain returns the category of an event and its plain-language
// description ("" when it is not narrated).
func Explain(e *trace.Event) (cat, text string) {
	switch e.Kind {
	case trace.FrameSent, trace.FrameReceived:
		if e.Bridged {
			return "", ""
		}
		return "arp", explainARP(e)
	case trace.Learned:
		return "cam", fmt.Sprintf("learns %s on %s (new entry)", e.MAC, e.Port)
	case trace.Moved:
		return "cam", fmt.Sprintf("moves %s from %s to %s", e.MAC, e.OldPort, e.Port)
	case trace.Aged:
		return "cam", fmt.Sprintf("forgets %s on %s (aged out)", e.MAC, e.Port)
	case trace.Flooded:
		ports := "no other port"
		if len(e.Ports) > 0 {
			p := append([]string(nil), e.Ports...)
			sort.Strings(p)
			ports = strings.Join(p, ", ")
		}
		switch {
		case e.MAC == "ff:ff:ff:ff:ff:ff":
			return "cam", "floods the broadcast to " + ports
		case isMulticast(e.MAC):
			return "cam", "floods the multicast to " + ports
		}
		return "cam", fmt.Sprintf("CAM miss for %s → floods to %s", e.MAC, ports)
	case trace.Forwarded:
		return "cam", fmt.Sprintf("CAM hit for %s → forwards to %s", e.MAC, e.Port)
	case trace.NeighChanged:
		if e.MAC != "" {
			return "arp", fmt.Sprintf("neighbour %s → %s %s", e.Addr, e.MAC, e.State)
		}
		return "arp", fmt.Sprintf("neighbour %s %s", e.Addr, e.State)
	case trace.RouteDecision:
		return "route", e.Reason
	case trace.NATRewrite:
		return "nat", e.Reason
	case trace.Dropped:
		if strings.Contains(e.Reason, "drops") {
			return "drop", e.Reason
		}
		return "drop", "drops the frame: " + e.Reason
	}
	return "", ""
}

func isMulticast(mac string) bool {
	m, err := net.ParseMAC(mac)
	return err == nil && len(m) > 0 && m[0]&1 == 1
}

func explainARP(e *trace.Event) string {
	f := e.Frame
	if len(f) < 42 || f[12] != 0x08 || f[13] != 0x06 {
		return ""
	}
	arp := f[14:]
	op := int(arp[6])<<8 | int(arp[7])
	sha := net.HardwareAddr(arp[8:14])
	spa, tpa := net.IP(arp[14:18]), net.IP(arp[24:28])
	arrow := "→"
	if e.Kind == trace.FrameReceived {
		arrow = "←"
	}
	switch op {
	case 1:
		how := "(broadcast)"
		if !(f[0] == 0xff && f[1] == 0xff) {
			how = "(unicast: refreshing the entry)"
		}
		return fmt.Sprintf("%s ARP who-has %s tell %s %s", arrow, tpa, spa, how)
	case 2:
		return fmt.Sprintf("%s ARP reply %s is-at %s", arrow, spa, sha)
	}
	return ""
}
