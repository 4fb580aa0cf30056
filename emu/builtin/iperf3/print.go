package iperf3

import (
	"fmt"
	"io"
	"strconv"
)

// iperf3 3.12's report lines (src/iperf_locale.c).
const (
	separator          = "- - - - - - - - - - - - - - - - - - - - - - - - -\n"
	headerBW           = "[ ID] Interval           Transfer     Bitrate\n"
	headerRetr         = "[ ID] Interval           Transfer     Bitrate         Retr\n"
	headerRetrCwnd     = "[ ID] Interval           Transfer     Bitrate         Retr  Cwnd\n"
	headerUDP          = "[ ID] Interval           Transfer     Bitrate         Jitter    Lost/Total Datagrams\n"
	headerUDPSender    = "[ ID] Interval           Transfer     Bitrate         Total Datagrams\n"
	reportDone         = "iperf Done.\n"
	serverSeparator    = "-----------------------------------------------------------\n"
	fmtConnected       = "[%3d] local %s port %d connected to %s port %d\n"
	fmtConnecting      = "Connecting to host %s, port %d\n"
	fmtReverse         = "Reverse mode, remote host %s is sending\n"
	fmtAccepted        = "Accepted connection from %s, port %d\n"
	fmtServerListening = "Server listening on %d (test #%d)\n"
)

func (s *session) format() byte { return s.unit }

func intervalHeader(x sample) string {
	switch {
	case x.udp && x.sender:
		return headerUDPSender
	case x.udp:
		return headerUDP
	case x.sender:
		return headerRetrCwnd
	}
	return headerBW
}

// id is the "[  5]" or "[SUM]" column.
func id(fd int) string {
	if fd < 0 {
		return "[SUM]"
	}
	return fmt.Sprintf("[%3d]", fd)
}

// head is the columns every line starts with: id, interval, transfer,
// bitrate.
func head(x sample, f byte) string {
	return fmt.Sprintf("%s %6.2f-%-6.2f sec  %ss  %ss/sec", id(x.fd), x.start, x.end,
		unitString(float64(x.bytes), 'A'), unitString(x.rate(), f))
}

// intervalLine is one stream's interval line.
func intervalLine(x sample, f byte) string {
	switch {
	case x.udp && x.sender:
		return fmt.Sprintf("%s  %d  \n", head(x, f), x.packets)
	case x.udp:
		return udpLine(x, f, "")
	case x.sender:
		return fmt.Sprintf("%s  %3d   %ss       \n", head(x, f), x.retr, unitString(float64(x.cwnd), 'A'))
	}
	return head(x, f) + "                  \n"
}

// sumLine is a [SUM] line: an interval's (role "") or the summary's.
func sumLine(x sample, f byte, role string) string {
	switch {
	case x.udp && x.sender && role == "":
		return fmt.Sprintf("%s  %d  \n", head(x, f), x.packets)
	case x.udp:
		return udpLine(x, f, role)
	case x.retrValid:
		return fmt.Sprintf("%s  %3d             %s\n", head(x, f), x.retr, role)
	}
	return fmt.Sprintf("%s                  %s\n", head(x, f), role)
}

func udpLine(x sample, f byte, role string) string {
	return fmt.Sprintf("%s  %5.3f ms  %d/%d (%s%%)  %s\n", head(x, f), x.jitter*1000, x.lost, x.packets,
		percent(x.lost, x.packets), role)
}

// percent is C's "%.2g" of the loss percentage.
func percent(lost, total int64) string {
	p := 0.0
	if total > 0 {
		p = 100 * float64(lost) / float64(total)
	}
	return strconv.FormatFloat(p, 'g', 2, 64)
}

// sum adds the streams' samples up (the jitter is their mean).
func sum(xs []sample) sample {
	t := xs[0]
	t.fd = -1
	t.bytes, t.retr, t.packets, t.lost, t.jitter = 0, 0, 0, 0, 0
	for _, x := range xs {
		t.bytes += x.bytes
		t.retr += x.retr
		t.packets += x.packets
		t.lost += x.lost
		t.jitter += x.jitter
		t.end = max(t.end, x.end)
	}
	t.jitter /= float64(len(xs))
	return t
}

// summaryLines are the end of test's lines: for each stream its sender and
// receiver lines (the peer's figures where this side has them), then the
// sums. sent and recvd pair up by stream.
func printSummary(w io.Writer, sent, recvd []sample, f byte) {
	fmt.Fprint(w, separator)
	x := append(sent, recvd...)[0]
	switch {
	case x.udp:
		fmt.Fprint(w, headerUDP)
	case len(sent) > 0:
		fmt.Fprint(w, headerRetr)
	default:
		fmt.Fprint(w, headerBW)
	}
	n := max(len(sent), len(recvd))
	for i := range n {
		if i < len(sent) {
			fmt.Fprint(w, summaryLine(sent[i], f, "sender"))
		}
		if i < len(recvd) {
			fmt.Fprint(w, summaryLine(recvd[i], f, "receiver"))
		}
	}
	if n > 1 {
		if len(sent) > 0 {
			fmt.Fprint(w, sumLine(sum(sent), f, "sender"))
		}
		if len(recvd) > 0 {
			fmt.Fprint(w, sumLine(sum(recvd), f, "receiver"))
		}
	}
}

func summaryLine(x sample, f byte, role string) string {
	if x.udp {
		return udpLine(x, f, role)
	}
	if x.retrValid {
		return fmt.Sprintf("%s  %3d             %s\n", head(x, f), x.retr, role)
	}
	return fmt.Sprintf("%s                  %s\n", head(x, f), role)
}
