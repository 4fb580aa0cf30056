package teach

import (
	"fmt"
	"net/netip"
	"sort"
)

// tcpStory decides which TCP segments are told: the handshake (SYN,
// SYN-ACK, the ACK that completes it), the first data segment each way,
// FIN and RST and the ACK of a FIN. The rest of a bulk transfer is counted
// and told as one line ("… 712 more segments …") before the connection's
// next FIN or RST, or at the end. A segment is decided once, when first
// seen, and told (or not) at every hop alike.
type tcpStory struct {
	conns map[connKey]*tcpConn
}

// connKey names a connection whichever way its segments go.
type connKey struct{ a, b netip.AddrPort }

func keyOf(f flowKey) connKey {
	if f.src.Compare(f.dst) < 0 {
		return connKey{f.src, f.dst}
	}
	return connKey{f.dst, f.src}
}

// tcpConn is what the story remembers of a connection.
type tcpConn struct {
	// client sent the SYN; ackPending: its ACK of the SYN-ACK is to be
	// told.
	client     netip.AddrPort
	ackPending bool
	dirs       map[netip.AddrPort]*tcpDir // by sender
	decided    map[segID]bool
	// notes say more of a segment than its flags (a refusal).
	notes map[segID]string
	// refused: a SYN got no SYN-ACK yet, so an RST refuses it.
	synOnly bool
}

// tcpDir is one direction of a connection.
type tcpDir struct {
	flow     flowKey
	dataSeen bool
	// ackFin: the other side's FIN is to be acknowledged; the ACK is told.
	ackFin bool
	// skipped data segments and their bytes, not told.
	skipped, bytes int
}

// segID tells a segment from the others of its connection.
type segID struct {
	flow          flowKey
	seq, ack      uint32
	syn, fin, rst bool
	ackFlag       bool
	payload       int
}

// maxConns bounds the connections remembered; beyond, the story forgets
// them all (their summaries are lost, their segments told anew).
const maxConns = 4096

func (t *tcpStory) conn(f flowKey) *tcpConn {
	if t.conns == nil || len(t.conns) > maxConns {
		t.conns = map[connKey]*tcpConn{}
	}
	k := keyOf(f)
	c := t.conns[k]
	if c == nil {
		c = &tcpConn{dirs: map[netip.AddrPort]*tcpDir{}, decided: map[segID]bool{}, notes: map[segID]string{}}
		t.conns[k] = c
	}
	return c
}

func (c *tcpConn) dir(f flowKey) *tcpDir {
	d := c.dirs[f.src]
	if d == nil {
		d = &tcpDir{flow: f}
		c.dirs[f.src] = d
	}
	return d
}

func idOf(s *segment) segID {
	return segID{flow: s.flow, seq: s.seq, ack: s.ackNum, syn: s.syn, fin: s.fin, rst: s.rst, ackFlag: s.ack, payload: s.payload}
}

// told reports whether s was (or would be) told; a segment not seen yet
// is.
func (t *tcpStory) told(s *segment) bool {
	c := t.conns[keyOf(s.flow)]
	if c == nil {
		return true
	}
	tell, ok := c.decided[idOf(s)]
	return !ok || tell
}

// verdict decides whether segment s is told, and returns the lines owed
// before it (the summaries of what was not told) and, when it says more
// than its flags, what to say of it in place of tcpNote.
func (t *tcpStory) verdict(s *segment) (tell bool, owed []string, note string) {
	c := t.conn(s.flow)
	id := idOf(s)
	if tell, ok := c.decided[id]; ok {
		return tell, nil, c.notes[id]
	}
	if len(c.decided) > 1024 {
		c.decided, c.notes = map[segID]bool{}, map[segID]string{}
	}
	if s.rst && c.synOnly && s.flow.dst == c.client {
		note = fmt.Sprintf(" (connection refused: nothing listens on %s)", s.flow.src)
		c.notes[id] = note
	}
	tell, owed = c.decide(s)
	c.decided[id] = tell
	return tell, owed, note
}

func (c *tcpConn) decide(s *segment) (bool, []string) {
	d := c.dir(s.flow)
	switch {
	case s.syn && !s.ack:
		c.client, c.synOnly = s.flow.src, true
		return true, nil
	case s.syn:
		c.ackPending, c.synOnly = true, false
		return true, nil
	case s.rst || s.fin:
		owed := c.summaries()
		if s.fin {
			c.dir(flowKey{s.flow.dst, s.flow.src}).ackFin = true
		}
		return true, owed
	case s.payload > 0 && !d.dataSeen:
		d.dataSeen = true
		c.ackPending = false
		return true, nil
	case s.payload == 0 && c.ackPending && s.flow.src == c.client:
		c.ackPending = false
		return true, nil
	case s.payload == 0 && d.ackFin:
		d.ackFin = false
		return true, nil
	}
	if s.payload > 0 {
		// Pure ACKs of a transfer go untold and uncounted.
		d.skipped++
		d.bytes += s.payload
	}
	return false, nil
}

// summaries returns the lines for what was not told, and forgets it.
func (c *tcpConn) summaries() []string {
	var out []string
	for _, d := range c.sortedDirs() {
		if d.skipped == 0 {
			continue
		}
		out = append(out, summary(d))
		d.skipped, d.bytes = 0, 0
	}
	return out
}

func (c *tcpConn) sortedDirs() []*tcpDir {
	ds := make([]*tcpDir, 0, len(c.dirs))
	for _, d := range c.dirs {
		ds = append(ds, d)
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i].flow.src.Compare(ds[j].flow.src) < 0 })
	return ds
}

func summary(d *tcpDir) string {
	segs := "segments"
	if d.skipped == 1 {
		segs = "segment"
	}
	return fmt.Sprintf("… TCP %s → %s: %d more data %s (%s), not told one by one",
		d.flow.src, d.flow.dst, d.skipped, segs, byteCount(d.bytes))
}

// byteCount writes n bytes for people: "512 bytes", "1.5 KB", "3.0 MB".
func byteCount(n int) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d bytes", n)
	case n < 1000000:
		return fmt.Sprintf("%.1f KB", float64(n)/1000)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/1000000)
}

// owedLine is a summary owed at the end, with the subject to tell it.
type owedLine struct{ subject, text string }

// owed returns the summaries of every connection, in a stable order.
func (t *tcpStory) owed() []owedLine {
	keys := make([]connKey, 0, len(t.conns))
	for k := range t.conns {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if c := keys[i].a.Compare(keys[j].a); c != 0 {
			return c < 0
		}
		return keys[i].b.Compare(keys[j].b) < 0
	})
	var out []owedLine
	for _, k := range keys {
		for _, l := range t.conns[k].summaries() {
			out = append(out, owedLine{"(at the end)", l})
		}
	}
	return out
}
