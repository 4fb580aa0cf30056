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

package tcp

import "time"

// Socket timer kinds, numbered as Linux's inet_diag reports them (idiag_timer).
const (
	SocketTimerOff       = 0
	SocketTimerRetrans   = 1
	SocketTimerKeepalive = 2
	SocketTimerPersist   = 4
)

// SocketQueues is what a socket diagnostic tool (ss) reads of a TCP
// endpoint, as Linux's inet_diag reports it: the queues and the timer that
// runs.
type SocketQueues struct {
	// AcceptLen and AcceptCap are a listener's accept queue: the
	// connections ready to be accepted, and its capacity (the backlog).
	AcceptLen, AcceptCap int
	// SendUsed is the bytes in the send buffer, sent and unacknowledged
	// or not yet sent.
	SendUsed int
	// Timer is the timer that runs (SocketTimer*), and TimerLeft the time
	// to its expiry.
	Timer     int
	TimerLeft time.Duration
	// Shutdown is Linux's sk_shutdown: 1 when receiving has ended (a FIN
	// arrived, or shutdown(SHUT_RD)), 2 when sending has (shutdown(SHUT_WR)
	// or close).
	Shutdown int
	// Closed is whether the endpoint's owner closed it (an orphan, in
	// Linux's words, while the protocol finishes).
	Closed bool
}

// SocketQueues reads the endpoint's queues and timers. It takes the
// accept queue's lock, then the endpoint's user lock and under it the send
// queue's, the receive queue's and the keepalive lock, one after the other.
func (e *Endpoint) SocketQueues() SocketQueues {
	var q SocketQueues
	e.acceptMu.Lock()
	q.AcceptLen, q.AcceptCap = e.acceptQueue.endpoints.Len(), e.acceptQueue.capacity
	e.acceptMu.Unlock()

	e.LockUser()
	defer e.UnlockUser()
	q.Closed = e.closed
	e.sndQueueInfo.sndQueueMu.Lock()
	q.SendUsed = e.sndQueueInfo.SndBufUsed
	if e.sndQueueInfo.SndClosed {
		q.Shutdown |= 2
	}
	e.sndQueueInfo.sndQueueMu.Unlock()
	e.rcvQueueMu.Lock()
	if e.RcvClosed {
		q.Shutdown |= 1
	}
	e.rcvQueueMu.Unlock()
	now := e.stack.Clock().NowMonotonic()
	if s := e.snd; s != nil && e.EndpointState().connected() {
		switch {
		case s.zeroWindowProbing && s.resendTimer.enabled():
			q.Timer, q.TimerLeft = SocketTimerPersist, s.resendTimer.target.Sub(now)
		case s.resendTimer.enabled():
			q.Timer, q.TimerLeft = SocketTimerRetrans, s.resendTimer.target.Sub(now)
		case s.probeTimer.enabled():
			q.Timer, q.TimerLeft = SocketTimerRetrans, s.probeTimer.target.Sub(now)
		}
	}
	if q.Timer == SocketTimerOff {
		e.keepalive.Lock()
		if e.keepalive.timer.enabled() {
			q.Timer, q.TimerLeft = SocketTimerKeepalive, e.keepalive.timer.target.Sub(now)
		}
		e.keepalive.Unlock()
	}
	return q
}
