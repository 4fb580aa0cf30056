package ping

import (
	"fmt"
	"io"
	"math"
	"net/netip"
	"strings"
	"time"

	"github.com/nsemu/nsemu/stack"
)

// printHeader prints iputils' first line: the destination and the sizes
// of a probe's data and of its IP packet.
func printHeader(w io.Writer, r Request, dst netip.Addr) {
	fmt.Fprintf(w, "PING %s (%s) %d(%d) bytes of data.\n", r.Dst, dst, r.Size, r.Size+28)
}

// printReply prints one answer: an echo reply, or the ICMP error that
// came instead.
func printReply(w io.Writer, r stack.PingReply) {
	if r.Error != "" {
		fmt.Fprintf(w, "From %s icmp_seq=%d %s\n", r.From, r.Seq, r.Error)
		return
	}
	dup := ""
	if r.Dup {
		dup = " (DUP!)"
	}
	fmt.Fprintf(w, "%d bytes from %s: icmp_seq=%d ttl=%d time=%s ms%s\n", r.Bytes, r.From, r.Seq, r.TTL, fmtMs(r.RTT), dup)
}

// printSummary prints the statistics ping ends with; total is the time
// from the first probe to the last one sent.
func printSummary(w io.Writer, dst string, st *stats, total time.Duration) {
	fmt.Fprintf(w, "\n--- %s ping statistics ---\n", dst)
	line := fmt.Sprintf("%d packets transmitted, %d received", st.sent, st.received)
	if st.dups > 0 {
		line += fmt.Sprintf(", +%d duplicates", st.dups)
	}
	if st.errs > 0 {
		line += fmt.Sprintf(", +%d errors", st.errs)
	}
	loss := 0
	if st.sent > 0 {
		loss = (st.sent - st.received) * 100 / st.sent
	}
	fmt.Fprintf(w, "%s, %d%% packet loss, time %dms\n", line, loss, total.Milliseconds())
	var tail []string
	if len(st.rtts) > 0 {
		tail = append(tail, fmt.Sprintf("rtt min/avg/max/mdev = %s ms", rttStats(st.rtts)))
	}
	if st.pipe > 1 {
		tail = append(tail, fmt.Sprintf("pipe %d", st.pipe))
	}
	// iputils ends the statistics with this line even when it has nothing
	// to say (an empty line).
	fmt.Fprintln(w, strings.Join(tail, ", "))
}

// fmtMs writes a round trip time in milliseconds with iputils' precision:
// three decimals below 10 ms, one below 100, none above.
func fmtMs(d time.Duration) string {
	ms := float64(d) / float64(time.Millisecond)
	switch {
	case ms >= 100:
		return fmt.Sprintf("%.0f", ms)
	case ms >= 10:
		return fmt.Sprintf("%.1f", ms)
	}
	return fmt.Sprintf("%.3f", ms)
}

// rttStats is the summary's min/avg/max/mdev, in milliseconds; rtts is
// not empty.
func rttStats(rtts []time.Duration) string {
	lo, hi := rtts[0], rtts[0]
	var sum, sum2 float64
	for _, r := range rtts {
		lo, hi = min(lo, r), max(hi, r)
		ms := float64(r) / float64(time.Millisecond)
		sum += ms
		sum2 += ms * ms
	}
	n := float64(len(rtts))
	avg := sum / n
	mdev := math.Sqrt(math.Max(0, sum2/n-avg*avg))
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	return fmt.Sprintf("%.3f/%.3f/%.3f/%.3f", ms(lo), avg, ms(hi), mdev)
}
