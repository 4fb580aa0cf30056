// Copyright 2026 The gVisor Authors.
//
// Licensed under the Apache License, Version 2.0 (the "License");
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
//     http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
// See the License for the specific language governing permissions and
// limitations under the License.

package stack

import (
	"sync"
	"sync/atomic"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
)

// The connection tracker as Linux's conntrack(8) shows it: a listing of the
// tracked connections (Entries), their deletion (DeleteMatching), and the
// events ctnetlink reports (SetEventHook). To show what Linux shows, each
// connection also follows Linux's view of it (linuxView): the TCP state
// machine of nf_conntrack_proto_tcp.c, the SEEN_REPLY and ASSURED status
// bits, and the timeout of the state, which is also when the connection
// expires (30 s for ICMP and a UDP flow, 5 days for an established TCP
// connection, 2 minutes in TIME_WAIT).

// linuxTCPState is Linux's enum tcp_conntrack, in its order.
type linuxTCPState uint8

const (
	lxNone linuxTCPState = iota
	lxSynSent
	lxSynRecv
	lxEstablished
	lxFinWait
	lxCloseWait
	lxLastAck
	lxTimeWait
	lxClose
	lxSynSent2
	lxMax

	// lxInvalid and lxIgnore are Linux's sIV and sIG: the packet does not
	// change the state.
	lxInvalid linuxTCPState = 0xfe
	lxIgnore  linuxTCPState = 0xff
)

var linuxTCPStateNames = [lxMax]string{"NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT", "CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2"}

// linuxTCPTimeouts are Linux's nf_conntrack_tcp_timeout_* defaults.
var linuxTCPTimeouts = [lxMax]time.Duration{
	lxNone:        unestablishedTimeout,
	lxSynSent:     120 * time.Second,
	lxSynRecv:     60 * time.Second,
	lxEstablished: establishedTimeout,
	lxFinWait:     120 * time.Second,
	lxCloseWait:   60 * time.Second,
	lxLastAck:     30 * time.Second,
	lxTimeWait:    120 * time.Second,
	lxClose:       10 * time.Second,
	lxSynSent2:    120 * time.Second,
}

// Linux's other timeouts: nf_conntrack_icmp_timeout, nf_conntrack_udp_timeout
// (a flow not yet a stream) and _stream, and how long a UDP flow answered
// must live before it is a stream (ASSURED).
const (
	linuxICMPTimeout      = 30 * time.Second
	linuxUDPTimeout       = 30 * time.Second
	linuxUDPStreamTimeout = 120 * time.Second
	linuxUDPStreamAfter   = 2 * time.Second
)

// The TCP flag classes of Linux's get_conntrack_index.
const (
	tcpIdxSyn = iota
	tcpIdxSynAck
	tcpIdxFin
	tcpIdxAck
	tcpIdxRst
	tcpIdxNone
)

func tcpFlagIndex(f header.TCPFlags) int {
	switch {
	case f&header.TCPFlagRst != 0:
		return tcpIdxRst
	case f&header.TCPFlagSyn != 0 && f&header.TCPFlagAck != 0:
		return tcpIdxSynAck
	case f&header.TCPFlagSyn != 0:
		return tcpIdxSyn
	case f&header.TCPFlagFin != 0:
		return tcpIdxFin
	case f&header.TCPFlagAck != 0:
		return tcpIdxAck
	}
	return tcpIdxNone
}

// linuxTCPTransitions is Linux's tcp_conntracks table: by direction
// (original, reply), flag class and current state, the next state.
var linuxTCPTransitions = func() [2][6][lxMax]linuxTCPState {
	const (
		sNO, sSS, sSR, sES, sFW, sCW, sLA, sTW, sCL, sS2 = lxNone, lxSynSent, lxSynRecv, lxEstablished, lxFinWait, lxCloseWait, lxLastAck, lxTimeWait, lxClose, lxSynSent2
		sIV, sIG                                         = lxInvalid, lxIgnore
	)
	return [2][6][lxMax]linuxTCPState{{
		// Original: sNO, sSS, sSR, sES, sFW, sCW, sLA, sTW, sCL, sS2.
		tcpIdxSyn:    {sSS, sSS, sIG, sIG, sIG, sIG, sIG, sSS, sSS, sS2},
		tcpIdxSynAck: {sIV, sIV, sSR, sIV, sIV, sIV, sIV, sIV, sIV, sSR},
		tcpIdxFin:    {sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV},
		tcpIdxAck:    {sES, sIV, sES, sES, sCW, sCW, sTW, sTW, sCL, sIV},
		tcpIdxRst:    {sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL},
		tcpIdxNone:   {sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV},
	}, {
		// Reply.
		tcpIdxSyn:    {sIV, sS2, sIV, sIV, sIV, sIV, sIV, sSS, sIV, sS2},
		tcpIdxSynAck: {sIV, sSR, sIG, sIG, sIG, sIG, sIG, sIG, sIG, sSR},
		tcpIdxFin:    {sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV},
		tcpIdxAck:    {sIV, sIG, sSR, sES, sCW, sCW, sTW, sTW, sCL, sIG},
		tcpIdxRst:    {sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL},
		tcpIdxNone:   {sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV},
	}}
}()

// linuxView is Linux's view of a connection. It is guarded by the
// connection's stateMu.
type linuxView struct {
	tcpState  linuxTCPState
	seenReply bool
	assured   bool
	started   bool
	dead      bool
	firstSeen tcpip.MonotonicTime
	// timeout is the timeout of the current state, counted from the last
	// packet.
	timeout time.Duration
}

// linuxEvent is what a packet did to the connection.
type linuxEvent uint8

const (
	linuxEventNone linuxEvent = iota
	// linuxEventUpdate: the state or a status bit changed.
	linuxEventUpdate
	// linuxEventKill: a reset ended a connection not yet assured, which
	// Linux removes at once.
	linuxEventKill
)

// update follows a packet of the connection and returns the event Linux
// would report; the first packet reports none (NEW comes with finalize).
func (v *linuxView) update(pkt *PacketBuffer, proto tcpip.TransportProtocolNumber, reply bool, now tcpip.MonotonicTime) linuxEvent {
	if pkt.TransportProtocolNumber != proto {
		// An ICMP error about the connection: RELATED, which changes
		// neither its state nor SEEN_REPLY.
		return linuxEventNone
	}
	first := !v.started
	if first {
		v.started = true
		v.firstSeen = now
	}
	changed, kill := false, false
	switch pkt.TransportProtocolNumber {
	case header.TCPProtocolNumber:
		changed, kill = v.updateTCP(header.TCP(pkt.TransportHeader().Slice()), reply)
	case header.UDPProtocolNumber:
		changed = v.updateUDP(reply, now)
	default:
		v.timeout = linuxICMPTimeout
	}
	// As in nf_conntrack_in, SEEN_REPLY is set after the protocol's
	// handler, and not on a connection it killed.
	if reply && !v.seenReply && !kill {
		v.seenReply = true
		changed = true
	}
	switch {
	case first:
		return linuxEventNone
	case kill:
		return linuxEventKill
	case changed:
		return linuxEventUpdate
	}
	return linuxEventNone
}

func (v *linuxView) updateTCP(h header.TCP, reply bool) (changed, kill bool) {
	if len(h) < header.TCPMinimumSize {
		return false, false
	}
	dir := 0
	if reply {
		dir = 1
	}
	idx := tcpFlagIndex(h.Flags())
	old := v.tcpState
	next := linuxTCPTransitions[dir][idx][old]
	if next == lxInvalid || next == lxIgnore {
		if v.timeout == 0 {
			v.timeout = linuxTCPTimeouts[old]
		}
		return false, false
	}
	if idx == tcpIdxRst && !v.assured && old != lxNone {
		v.tcpState = next
		return true, true
	}
	v.tcpState = next
	v.timeout = linuxTCPTimeouts[next]
	changed = next != old
	if next == lxEstablished && (old == lxSynRecv || old == lxEstablished) && v.seenReply && !v.assured {
		v.assured = true
		changed = true
	}
	return changed, false
}

func (v *linuxView) updateUDP(reply bool, now tcpip.MonotonicTime) bool {
	v.timeout = linuxUDPTimeout
	if !v.seenReply && !reply {
		return false
	}
	if now.Sub(v.firstSeen) <= linuxUDPStreamAfter {
		return false
	}
	v.timeout = linuxUDPStreamTimeout
	if v.assured {
		return false
	}
	v.assured = true
	return true
}

// ConnTrackTuple is one direction of a tracked connection. For ICMP echo,
// the ports hold the echo identifier: SrcPort in the original direction,
// DstPort in the reply direction.
type ConnTrackTuple struct {
	SrcAddr tcpip.Address
	DstAddr tcpip.Address
	SrcPort uint16
	DstPort uint16
}

// ConnTrackEntry is a snapshot of a tracked connection, as Linux's
// conntrack(8) lists it.
type ConnTrackEntry struct {
	NetProto   tcpip.NetworkProtocolNumber
	TransProto tcpip.TransportProtocolNumber
	Original   ConnTrackTuple
	Reply      ConnTrackTuple
	// TCPState is Linux's name of a TCP connection's state (SYN_SENT,
	// ESTABLISHED, TIME_WAIT…); empty for other protocols.
	TCPState string
	// Timeout is the time left before the connection expires; in a NEW or
	// UPDATE event, the full timeout of its state.
	Timeout   time.Duration
	SeenReply bool
	Assured   bool
	// ID identifies the connection, as Linux's nf_ct_get_id.
	ID uint32
}

// ConnTrackEventType is the kind of a connection tracking event.
type ConnTrackEventType int

// The events ctnetlink reports.
const (
	ConnTrackEventNew ConnTrackEventType = iota + 1
	ConnTrackEventUpdate
	ConnTrackEventDestroy
)

// ConnTrackEvent is a connection's event.
type ConnTrackEvent struct {
	Type  ConnTrackEventType
	Entry ConnTrackEntry
	// ByUser is set on a DESTROY that DeleteMatching caused.
	ByUser bool
}

// eventHook holds the functions that receive the events: a copy-on-write
// list, so the packet path reads it without a lock.
type eventHook struct {
	mu  sync.Mutex
	fns atomic.Pointer[[]*func(ConnTrackEvent)]
}

// ConnTrack returns the stack's connection tracker.
func (it *IPTables) ConnTrack() *ConnTrack {
	return &it.connections
}

// AddEventHook makes fn receive every event of the tracker until remove
// is called. fn is called on the packet path, with no lock of the tracker
// held but possibly a bucket's: it must not block nor call into the
// tracker.
func (ct *ConnTrack) AddEventHook(fn func(ConnTrackEvent)) (remove func()) {
	h := &ct.events
	p := &fn
	h.edit(func(fns []*func(ConnTrackEvent)) []*func(ConnTrackEvent) { return append(fns, p) })
	return func() {
		h.edit(func(fns []*func(ConnTrackEvent)) []*func(ConnTrackEvent) {
			var out []*func(ConnTrackEvent)
			for _, f := range fns {
				if f != p {
					out = append(out, f)
				}
			}
			return out
		})
	}
}

func (h *eventHook) edit(f func([]*func(ConnTrackEvent)) []*func(ConnTrackEvent)) {
	h.mu.Lock()
	defer h.mu.Unlock()
	var old []*func(ConnTrackEvent)
	if p := h.fns.Load(); p != nil {
		old = *p
	}
	next := f(append([]*func(ConnTrackEvent){}, old...))
	h.fns.Store(&next)
}

func (ct *ConnTrack) emit(typ ConnTrackEventType, cn *conn, byUser bool) {
	ct.emitFull(typ, cn, byUser, typ != ConnTrackEventDestroy)
}

// emitFull reports an event; full is as for snapshot.
func (ct *ConnTrack) emitFull(typ ConnTrackEventType, cn *conn, byUser, full bool) {
	p := ct.events.fns.Load()
	if p == nil || len(*p) == 0 {
		return
	}
	e, dead := cn.snapshot(ct.clock.NowMonotonic(), full)
	if dead && typ != ConnTrackEventDestroy {
		return
	}
	ev := ConnTrackEvent{Type: typ, Entry: e, ByUser: byUser}
	for _, fn := range *p {
		(*fn)(ev)
	}
}

// linuxEvent reports a packet's event on a confirmed connection.
func (ct *ConnTrack) linuxEvent(cn *conn, ev linuxEvent) {
	if ev == linuxEventNone || cn.getFinalizeResult() != finalizeResultSuccess {
		return
	}
	if ev == linuxEventKill {
		ct.mu.Lock()
		defer ct.mu.Unlock()
		ct.removeConnLocked(cn, false, true)
		return
	}
	ct.emit(ConnTrackEventUpdate, cn, false)
}

// snapshot returns the connection as an entry, and whether it was removed.
// With full, Timeout is the full timeout of the state, else the time left.
func (cn *conn) snapshot(now tcpip.MonotonicTime, full bool) (ConnTrackEntry, bool) {
	cn.mu.RLock()
	orig, reply := cn.original.tupleID, cn.reply.tupleID
	cn.mu.RUnlock()
	cn.stateMu.RLock()
	lx, last := cn.lx, cn.lastUsed
	cn.stateMu.RUnlock()
	left := lx.timeout
	if !full {
		// A packet may have come since the caller read the clock.
		if n := cn.ct.clock.NowMonotonic(); now.Before(n) {
			now = n
		}
		if left -= now.Sub(last); left < 0 {
			left = 0
		}
		if left > lx.timeout {
			left = lx.timeout
		}
	}
	e := ConnTrackEntry{
		NetProto:   orig.netProto,
		TransProto: orig.transProto,
		Original:   ConnTrackTuple{orig.srcAddr, orig.dstAddr, orig.srcPortOrEchoRequestIdent, orig.dstPortOrEchoReplyIdent},
		Reply:      ConnTrackTuple{reply.srcAddr, reply.dstAddr, reply.srcPortOrEchoRequestIdent, reply.dstPortOrEchoReplyIdent},
		Timeout:    left,
		SeenReply:  lx.seenReply,
		Assured:    lx.assured,
		ID:         tupleHash(orig, cn.ct.nftIDSeed),
	}
	if orig.transProto == header.TCPProtocolNumber {
		e.TCPState = linuxTCPStateNames[lx.tcpState]
	}
	return e, lx.dead
}

// markDead records that the connection left the table; it reports no
// more events but its DESTROY. It returns whether it was already dead.
func (cn *conn) markDead() bool {
	cn.stateMu.Lock()
	defer cn.stateMu.Unlock()
	was := cn.lx.dead
	cn.lx.dead = true
	return was
}

// liveConns returns the confirmed connections that have not expired.
//
// +checklocksread:ct.mu
func (ct *ConnTrack) liveConns(now tcpip.MonotonicTime) []*conn {
	var out []*conn
	for i := range ct.buckets {
		bkt := &ct.buckets[i]
		bkt.mu.RLock()
		for t := bkt.tuples.Front(); t != nil; t = t.Next() {
			if t.reply || t.conn.getFinalizeResult() != finalizeResultSuccess || t.conn.timedOut(now) {
				continue
			}
			out = append(out, t.conn)
		}
		bkt.mu.RUnlock()
	}
	return out
}

// Entries returns the tracked connections: those confirmed (their first
// packet left the stack or was delivered) and not expired.
func (ct *ConnTrack) Entries() []ConnTrackEntry {
	now := ct.clock.NowMonotonic()
	ct.mu.RLock()
	conns := ct.liveConns(now)
	ct.mu.RUnlock()
	out := make([]ConnTrackEntry, 0, len(conns))
	for _, cn := range conns {
		if e, dead := cn.snapshot(now, false); !dead {
			out = append(out, e)
		}
	}
	return out
}

// DeleteMatching removes the connections for which match is true, as
// conntrack -D and -F do, reports a DESTROY of each, and returns them. A
// packet of a removed connection is then tracked as a new one (and NAT
// decided again).
func (ct *ConnTrack) DeleteMatching(match func(*ConnTrackEntry) bool) []ConnTrackEntry {
	now := ct.clock.NowMonotonic()
	// The write lock keeps the reaper and other deletions out; the packet
	// path takes the buckets' locks, which removeConnLocked takes too.
	ct.mu.Lock()
	defer ct.mu.Unlock()
	var out []ConnTrackEntry
	for _, cn := range ct.liveConns(now) {
		e, dead := cn.snapshot(now, false)
		if dead || !match(&e) {
			continue
		}
		if ct.removeConnLocked(cn, true, false) {
			out = append(out, e)
		}
	}
	return out
}

// removeConnLocked removes a confirmed connection's tuples from the table
// and reports its DESTROY (with the state's full timeout for a connection
// a reset killed, as Linux does); it returns false if it was already
// removed. A tuple no longer in its list is unlinked, so removing it again
// is a no-op.
//
// +checklocks:ct.mu
func (ct *ConnTrack) removeConnLocked(cn *conn, byUser, killed bool) bool {
	if cn.markDead() {
		return false
	}
	for _, t := range []*tuple{&cn.original, &cn.reply} {
		bkt := &ct.buckets[ct.bucket(t.tupleID)]
		bkt.mu.Lock()
		bkt.tuples.Remove(t)
		bkt.mu.Unlock()
	}
	ct.emitFull(ConnTrackEventDestroy, cn, byUser, killed)
	return true
}
