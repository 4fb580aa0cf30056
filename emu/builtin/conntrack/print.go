package conntrack

import (
	_ "embed"
	"fmt"
	"strings"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	gstack "gvisor.dev/gvisor/pkg/tcpip/stack"
)

// prefix starts conntrack's messages on standard error.
const prefix = "conntrack v1.4.7 (conntrack-tools): "

// usage is conntrack -h, as 1.4.7 prints it.
//
//go:embed help.txt
var usage string

// lineOpts says how an entry is printed.
type lineOpts struct {
	extended, id bool
	// event is the event's tag ("[NEW]"…); "" in a listing, which adds
	// mark= and use=.
	event string
	// use is the reference count printed in a listing: 1, or 2 for -G
	// (the kernel holds the entry for the reply).
	use int
	// noTimeout leaves the timeout out (a DESTROY of an expired entry).
	noTimeout bool
	// portid is the deleting process of a DESTROY it caused; 0 for none.
	portid uint32
}

// formatEntry is one line of conntrack's default output
// (libnetfilter_conntrack's __snprintf_conntrack_default), with its
// newline.
func formatEntry(e *gstack.ConnTrackEntry, seconds int, o lineOpts) string {
	var b strings.Builder
	if o.event != "" {
		fmt.Fprintf(&b, "%9s ", o.event)
	}
	if o.extended {
		fam, num := "ipv4", 2
		if e.NetProto == header.IPv6ProtocolNumber {
			fam, num = "ipv6", 10
		}
		fmt.Fprintf(&b, "%-8s %d ", fam, num)
	}
	fmt.Fprintf(&b, "%-8s %d ", protoName(e), e.TransProto)
	if !o.noTimeout {
		fmt.Fprintf(&b, "%d ", seconds)
	}
	if e.TCPState != "" {
		b.WriteString(e.TCPState + " ")
	}
	writeTuple(&b, e, &e.Original, false)
	if !e.SeenReply {
		b.WriteString("[UNREPLIED] ")
	}
	writeTuple(&b, e, &e.Reply, true)
	if e.Assured {
		b.WriteString("[ASSURED] ")
	}
	if o.event == "" {
		fmt.Fprintf(&b, "mark=0 use=%d ", o.use)
	}
	if o.portid != 0 {
		fmt.Fprintf(&b, "[USERSPACE] portid=%d ", o.portid)
	}
	if o.id {
		fmt.Fprintf(&b, "id=%d ", e.ID)
	}
	return strings.TrimSuffix(b.String(), " ") + "\n"
}

func protoName(e *gstack.ConnTrackEntry) string {
	switch e.TransProto {
	case header.TCPProtocolNumber:
		return "tcp"
	case header.UDPProtocolNumber:
		return "udp"
	case header.ICMPv4ProtocolNumber:
		return "icmp"
	case header.ICMPv6ProtocolNumber:
		return "icmpv6"
	}
	return "unknown"
}

// writeTuple writes one direction: addresses, then ports or ICMP's
// type, code and identifier (gVisor tracks echo only).
func writeTuple(b *strings.Builder, e *gstack.ConnTrackEntry, t *gstack.ConnTrackTuple, reply bool) {
	fmt.Fprintf(b, "src=%s dst=%s ", t.SrcAddr, t.DstAddr)
	switch e.TransProto {
	case header.TCPProtocolNumber, header.UDPProtocolNumber:
		fmt.Fprintf(b, "sport=%d dport=%d ", t.SrcPort, t.DstPort)
	case header.ICMPv4ProtocolNumber, header.ICMPv6ProtocolNumber:
		typ, id := icmpTypes(e.TransProto)[0], t.SrcPort
		if reply {
			typ, id = icmpTypes(e.TransProto)[1], t.DstPort
		}
		fmt.Fprintf(b, "type=%d code=0 id=%d ", typ, id)
	}
}

// icmpTypes are the echo request's and reply's types.
func icmpTypes(p tcpip.TransportProtocolNumber) [2]int {
	if p == header.ICMPv6ProtocolNumber {
		return [2]int{128, 129}
	}
	return [2]int{8, 0}
}

// listSeconds is the timeout a listing shows: whole seconds left, as the
// kernel divides jiffies (a fresh 30 s entry lists as 29).
func listSeconds(d time.Duration) int {
	if d <= 0 {
		return 0
	}
	return int((d - 1) / time.Second)
}

func summary(n int, what string) string {
	return fmt.Sprintf("%s%d flow %s.\n", prefix, n, what)
}
