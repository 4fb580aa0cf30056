package stack

import (
	"fmt"

	"gvisor.dev/gvisor/pkg/tcpip/header"

	"github.com/nsemu/nsemu/emu/trace"
)

// ttlEvent is the trace event of expireTTL's decision: a packet to forward
// whose TTL runs out here is dropped, and its sender told (ICMP time
// exceeded, which gVisor sends).
func ttlEvent(ip header.IPv4) trace.Event {
	src, dst := ip.SourceAddress(), ip.DestinationAddress()
	return trace.Event{Kind: trace.Dropped, Addr: dst.String(),
		Reason: fmt.Sprintf("drops %s → %s: its TTL (%d) runs out here; ICMP time exceeded goes back to %s", src, dst, ip.TTL(), src)}
}
