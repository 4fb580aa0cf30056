package tcpdump

import (
	"fmt"
	"io"
	"time"

	"github.com/nsemu/nsemu/capture"
	"github.com/nsemu/nsemu/emu/trace"
)

// printListening prints what tcpdump says on standard error as it starts.
func printListening(w io.Writer, r Request, dev string) {
	if !r.Verbose && r.Write == "" {
		fmt.Fprintf(w, "tcpdump: verbose output suppressed, use -v[v]... for full protocol decode\n")
	}
	if dev == "any" {
		fmt.Fprintf(w, "listening on any, link-type LINUX_SLL2 (Linux cooked v2), snapshot length 262144 bytes\n")
		return
	}
	fmt.Fprintf(w, "listening on %s, link-type EN10MB (Ethernet), snapshot length 262144 bytes\n", dev)
}

// printStats prints the counts tcpdump ends with.
func printStats(w io.Writer, captured int, received, dropped int64) {
	fmt.Fprintf(w, "\n%d packets captured\n%d packets received by filter\n%d packets dropped by kernel\n",
		captured, received, dropped)
}

// printEvent prints a captured frame; on "any", with its device and
// direction.
func printEvent(w io.Writer, e *trace.Event, anyDev, ether bool) {
	line := tsString(e.Time) + " "
	if anyDev {
		dir := "In "
		if e.Kind == trace.FrameSent {
			dir = "Out"
		}
		line += e.Dev + " " + dir + " "
	}
	fmt.Fprintf(w, "%s%s\n", line, capture.Summary(e.Frame, ether))
}

// printFrame prints a frame read from a file, with the name of the
// interface it was captured on, if any.
func printFrame(w io.Writer, t time.Time, iface string, data []byte, ether bool) {
	line := tsString(t) + " "
	if iface != "" {
		line += iface + " "
	}
	fmt.Fprintf(w, "%s%s\n", line, capture.Summary(data, ether))
}

// tsString is tcpdump's timestamp: the time of day, in microseconds.
func tsString(t time.Time) string {
	return t.UTC().Format("15:04:05.000000")
}
