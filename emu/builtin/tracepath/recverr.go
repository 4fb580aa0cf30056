package tracepath

import (
	"fmt"
	"strings"
	"syscall"
	"time"

	"github.com/nsemu/nsemu/emu/libc"
	"github.com/nsemu/nsemu/stack"
	"gvisor.dev/gvisor/pkg/tcpip/header"
)

// recverr reads the error queue as tracepath's recverr does, printing a
// line for each error: -1 when the queue was empty, 0 when an error ends
// the trace, else the MTU (progress).
func (t *tracer) recverr() int {
	progress := -1
	for {
		e, ok := t.p.NextError()
		if !ok {
			return progress
		}
		progress = t.mtu
		now := t.clock.NowMonotonic()
		sndhops, h := t.slot(e)
		t.printOrigin(e, sndhops)
		if h != nil {
			d := now.Sub(h.sent)
			t.printf("%3d.%03dms ", d/time.Millisecond, d%time.Millisecond/time.Microsecond)
		}
		if !t.outcome(e, sndhops, returnHops(e)) {
			return 0
		}
		progress = t.mtu
	}
}

// slot finds the probe an ICMP error is about by the port it quotes. A
// local error names none (its port is 0).
func (t *tracer) slot(e stack.ProbeError) (sndhops int, h *history) {
	s := int(e.Port) - t.basePort
	if e.Local || s < 0 || s >= hisSize-1 || t.his[s].sentTTL == 0 {
		return -1, nil
	}
	// A router quotes the probe's data, which holds its TTL and when it
	// left: tracepath reads both from it even for a probe answered
	// already.
	h = &t.his[s]
	h.hops = 0
	return h.sentTTL, h
}

// printOrigin prints the line's start: the TTL (with ? when the error's
// probe is unknown) and who answered, in a column of 52.
func (t *tracer) printOrigin(e stack.ProbeError, sndhops int) {
	if e.Local {
		t.printf("%2d?: %-32s ", t.ttl, "[LOCALHOST]")
		return
	}
	if sndhops > 0 {
		t.printf("%2d:  ", sndhops)
	} else {
		t.printf("%2d?: ", t.ttl)
	}
	addr := e.From.String()
	name := ""
	if !t.r.Numeric || t.r.Both {
		// An address /etc/hosts does not name would be asked of DNS,
		// which no emulated namespace reaches: getnameinfo fails
		// (EAI_AGAIN) and tracepath writes ???, as in a namespace of
		// the real kernel without a way to its resolver.
		name = "???"
		if n, ok := libc.HostsName(t.c.NS, e.From); ok {
			name = n
		}
	}
	first, second := name, addr
	if t.r.Numeric {
		first, second = addr, name
	}
	col := first
	if t.r.Both {
		col += " (" + second + ")"
	}
	t.printf("%s%s", col, strings.Repeat(" ", 52-min(len(col), 51)))
}

// returnHops guesses the hops back from the error's TTL on arrival, as
// tracepath does: from 64, 128 or 255. A local error has no TTL (-1).
func returnHops(e stack.ProbeError) int {
	ttl := -1
	if !e.Local {
		ttl = int(e.TTL)
	}
	switch {
	case ttl <= 64:
		return 65 - ttl
	case ttl <= 128:
		return 129 - ttl
	}
	return 256 - ttl
}

// outcome ends the line by the error's errno and reports whether the
// trace goes on: a new path MTU, a hop passed (with asymm when the way
// back differs), or the end ("reached", !H, !N).
func (t *tracer) outcome(e stack.ProbeError, sndhops, rethops int) bool {
	switch errno := errnoOf(e); errno {
	case syscall.EMSGSIZE:
		t.printf("pmtu %d\n", e.MTU)
		t.mtu = int(e.MTU)
		return true
	case syscall.ECONNREFUSED:
		t.printf("reached\n")
		t.hopsTo, t.hopsFrom = sndhops, rethops
		if sndhops < 0 {
			t.hopsTo = t.ttl
		}
		return false
	case syscall.EHOSTUNREACH:
		if e.Type != header.ICMPv4TimeExceeded || e.Code != header.ICMPv4TTLExceeded {
			t.printf("!H\n")
			return false
		}
		if sndhops >= 0 && rethops != sndhops || sndhops < 0 && rethops != t.ttl {
			t.printf("asymm %2d ", rethops)
		}
		t.printf("\n")
		return true
	case syscall.ENETUNREACH:
		t.printf("!N\n")
		return false
	default:
		t.printf("\n")
		msg := errno.Error()
		fmt.Fprintf(t.c.Stderr, "tracepath: NET ERROR: %s%s\n", strings.ToUpper(msg[:1]), msg[1:])
		return false
	}
}

// errnoOf is the errno Linux queues for an error (icmp_err_convert).
func errnoOf(e stack.ProbeError) syscall.Errno {
	if e.Local {
		return syscall.EMSGSIZE
	}
	if e.Type == header.ICMPv4TimeExceeded {
		return syscall.EHOSTUNREACH
	}
	switch e.Code {
	case 0, 6, 9, 11:
		return syscall.ENETUNREACH
	case 2:
		return syscall.ENOPROTOOPT
	case 3:
		return syscall.ECONNREFUSED
	case 4:
		return syscall.EMSGSIZE
	case 5:
		return syscall.EOPNOTSUPP
	case 7:
		return syscall.EHOSTDOWN
	case 8:
		return syscall.ENONET
	}
	return syscall.EHOSTUNREACH
}

// resume prints the last line: the path MTU, and the hops there and back
// when the destination answered.
func (t *tracer) resume() {
	var b strings.Builder
	fmt.Fprintf(&b, "     Resume: pmtu %d ", t.mtu)
	if t.hopsTo >= 0 {
		fmt.Fprintf(&b, "hops %d ", t.hopsTo)
	}
	if t.hopsFrom >= 0 {
		fmt.Fprintf(&b, "back %d ", t.hopsFrom)
	}
	t.printf("%s\n", b.String())
}
