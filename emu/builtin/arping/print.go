package arping

import (
	_ "embed"
	"fmt"
	"io"
	"strings"

	"github.com/nsemu/nsemu/stack"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
)

// usage is arping's usage text, on standard error with status 2.
//
//go:embed usage.txt
var usage string

// version is what -V prints (Debian 12's build).
const version = "arping from iputils 20221126\nlibcap: yes, IDN: yes, NLS: no, error.h: yes, getrandom(): yes, __fpending(): yes\n"

// printAnswer prints an answer as recv_pack does: "Unicast reply from
// 10.0.0.2 [MAC]  0.538ms", with "for ADDR" and "[MAC]" when the frame
// was for another address or MAC than this probe's.
func (s *session) printAnswer(f stack.ARPFrame) {
	var b strings.Builder
	kind, op := "Broadcast", "request"
	if f.Unicast {
		kind = "Unicast"
	}
	if f.Op == header.ARPReply {
		op = "reply"
	}
	fmt.Fprintf(&b, "%s %s from %s [%s] ", kind, op, f.SIP, hexMAC(f.SHA))
	forPrinted := false
	if f.TIP != s.src {
		fmt.Fprintf(&b, "for %s ", f.TIP)
		forPrinted = true
	}
	if f.THA != s.sock.MAC() {
		if !forPrinted {
			b.WriteString("for ")
		}
		fmt.Fprintf(&b, "[%s]", hexMAC(f.THA))
	}
	if s.sentOnce {
		b.WriteString(" " + elapsed(f.At.Sub(s.last).Nanoseconds()) + "\n")
	} else {
		b.WriteString(" UNSOLICITED?\n")
	}
	io.WriteString(s.c.Stdout, b.String())
}

// elapsed writes a time as arping 20221126 does, which rounds to the
// microsecond and then shows half a millisecond more than it measured
// (msecs = (us+500)/1000, then us -= msecs*1000-500): 38 µs is "0.538ms".
func elapsed(ns int64) string {
	us := (ns + 500) / 1000
	ms := (us + 500) / 1000
	us -= ms*1000 - 500
	return fmt.Sprintf("%d.%03dms", ms, us)
}

// hexMAC writes a MAC as arping's print_hex: upper case, colons.
func hexMAC(m tcpip.LinkAddress) string {
	parts := make([]string, len(m))
	for i := 0; i < len(m); i++ {
		parts[i] = fmt.Sprintf("%02X", m[i])
	}
	return strings.Join(parts, ":")
}

// printTally prints finish's two lines.
func printTally(w io.Writer, t tally) {
	fmt.Fprintf(w, "Sent %d probes (%d broadcast(s))\n", t.sent, t.brdSent)
	fmt.Fprintf(w, "Received %d response(s)", t.received)
	if t.brdRecv > 0 || t.reqRecv > 0 {
		var parts []string
		if t.reqRecv > 0 {
			parts = append(parts, fmt.Sprintf("%d request(s)", t.reqRecv))
		}
		if t.brdRecv > 0 {
			parts = append(parts, fmt.Sprintf("%d broadcast(s)", t.brdRecv))
		}
		fmt.Fprintf(w, " (%s)", strings.Join(parts, ", "))
	}
	fmt.Fprintln(w)
}
