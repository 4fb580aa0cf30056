package traceroute

import (
	"fmt"
	"io"
	"net/netip"
	"strings"
	"time"
)

// printHop prints one hop as traceroute's print_probe does: "%2u ", then
// for each probe " *", or the address when it differs from the last
// one's, "  %.3f ms" and the annotation.
func printHop(w io.Writer, h hop, name func(netip.Addr) string) {
	var b strings.Builder
	fmt.Fprintf(&b, "%2d ", h.ttl)
	var last netip.Addr
	for _, a := range h.answers {
		if a.timeout {
			b.WriteString(" *")
			continue
		}
		if a.from != last {
			fmt.Fprintf(&b, " %s", name(a.from))
			last = a.from
		}
		fmt.Fprintf(&b, "  %.3f ms", float64(a.rtt)/float64(time.Millisecond))
		if a.note != "" {
			fmt.Fprintf(&b, " %s", a.note)
		}
	}
	fmt.Fprintln(w, b.String())
}
