package conntrack

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"sync/atomic"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	gstack "gvisor.dev/gvisor/pkg/tcpip/stack"

	"github.com/nsemu/nsemu/emu/shell"
)

// run is conntrack: parse, act on the namespace's tracker, print.
func run(c *shell.Cmd) int {
	r, err := Parse(c.Args[1:])
	if err != nil {
		return c.Exit(exitError(err))
	}
	ct := c.NS.Stack().Netfilter().ConnTrack()
	switch r.Cmd {
	case CmdHelp:
		io.WriteString(c.Stdout, usage)
		return 0
	case CmdVersion:
		fmt.Fprintln(c.Stdout, "conntrack v1.4.7 (conntrack-tools)")
		return 0
	case CmdList:
		return list(c, ct, r)
	case CmdGet:
		return get(c, ct, r)
	case CmdDelete:
		return del(c, ct, r)
	case CmdFlush:
		ct.DeleteMatching(func(e *gstack.ConnTrackEntry) bool { return family(e) == r.Family })
		fmt.Fprintf(c.Stderr, "%sconnection tracking table has been emptied.\n", prefix)
		return 0
	case CmdCount:
		fmt.Fprintln(c.Stdout, len(ct.Entries()))
		return 0
	}
	return events(c, ct, r)
}

// exitError gives a parse error conntrack's exit status: 2 for a bad
// command line, 1 for what nsemu does not emulate.
func exitError(err error) error {
	var pe *ParseError
	if errors.As(err, &pe) {
		return &shell.ExitError{Status: 2, Msg: err.Error(), Cause: prefix + pe.Msg}
	}
	return &shell.ExitError{Status: 1, Msg: err.Error()}
}

// selected returns the entries r's filter selects, oldest first.
func selected(ct *gstack.ConnTrack, r Request) []gstack.ConnTrackEntry {
	var out []gstack.ConnTrackEntry
	for _, e := range ct.Entries() {
		if r.matches(&e) {
			out = append(out, e)
		}
	}
	sortEntries(out)
	return out
}

// sortEntries orders a listing by protocol and tuple: the kernel's order is
// its hash table's, which means nothing to a reader; a fixed order keeps a
// script's output the same from run to run.
func sortEntries(es []gstack.ConnTrackEntry) {
	sort.SliceStable(es, func(i, j int) bool {
		a, b := &es[i], &es[j]
		if pa, pb := protoRank(a.TransProto), protoRank(b.TransProto); pa != pb {
			return pa < pb
		}
		if c := addrOf(a.Original.SrcAddr).Compare(addrOf(b.Original.SrcAddr)); c != 0 {
			return c < 0
		}
		if c := addrOf(a.Original.DstAddr).Compare(addrOf(b.Original.DstAddr)); c != 0 {
			return c < 0
		}
		if a.Original.SrcPort != b.Original.SrcPort {
			return a.Original.SrcPort < b.Original.SrcPort
		}
		return a.Original.DstPort < b.Original.DstPort
	})
}

// protoRank orders TCP, UDP, then ICMP.
func protoRank(p tcpip.TransportProtocolNumber) int {
	switch p {
	case header.TCPProtocolNumber:
		return 0
	case header.UDPProtocolNumber:
		return 1
	}
	return 2
}

func list(c *shell.Cmd, ct *gstack.ConnTrack, r Request) int {
	es := selected(ct, r)
	for i := range es {
		io.WriteString(c.Stdout, formatEntry(&es[i], listSeconds(es[i].Timeout), lineOpts{extended: r.Extended, id: r.ID, use: 1}))
	}
	io.WriteString(c.Stderr, summary(len(es), "entries have been shown"))
	return 0
}

// get is -G: the entry with the whole tuple given, in either direction.
func get(c *shell.Cmd, ct *gstack.ConnTrack, r Request) int {
	for _, e := range selected(ct, Request{Family: r.Family, Filter: Filter{Proto: Any, Ports: [4]int{Any, Any, Any, Any}, ICMP: [3]int{Any, Any, Any}}}) {
		if r.Filter.sameTuple(&e, &e.Original, false) || r.Filter.sameTuple(&e, &e.Reply, true) {
			io.WriteString(c.Stdout, formatEntry(&e, listSeconds(e.Timeout), lineOpts{extended: r.Extended, id: r.ID, use: 2}))
			io.WriteString(c.Stderr, summary(1, "entries have been shown"))
			return 0
		}
	}
	return c.Exit(shell.Failf(1, "%sOperation failed: such conntrack doesn't exist", prefix))
}

// del is -D: the selected entries are removed and printed.
func del(c *shell.Cmd, ct *gstack.ConnTrack, r Request) int {
	gone := ct.DeleteMatching(r.matches)
	sortEntries(gone)
	for i := range gone {
		io.WriteString(c.Stdout, formatEntry(&gone[i], listSeconds(gone[i].Timeout), lineOpts{use: 1}))
	}
	io.WriteString(c.Stderr, summary(len(gone), "entries have been deleted"))
	if len(gone) == 0 {
		return 1
	}
	return 0
}

// events is -E: a running program printing the tracker's events until it
// is interrupted or its script step ends, then the count on standard
// error. The hook runs on the packet path: it only copies into ch, and a
// full ch counts the event as lost.
func events(c *shell.Cmd, ct *gstack.ConnTrack, r Request) int {
	ch := make(chan gstack.ConnTrackEvent, 4096)
	var lost atomic.Int64
	remove := ct.AddEventHook(func(ev gstack.ConnTrackEvent) {
		if !r.wantsEvent(&ev) {
			return
		}
		select {
		case ch <- ev:
		default:
			lost.Add(1)
		}
	})
	n := 0
	for done := false; !done; {
		select {
		case ev := <-ch:
			printEvent(c.Stdout, &ev, r)
			n++
		case <-c.Ctx.Done():
			remove()
			n += drain(c.Stdout, ch, r)
			done = true
		}
	}
	if k := lost.Load(); k > 0 {
		fmt.Fprintf(c.Diag, "nsemu: conntrack -E: %d events lost (the reader fell behind)\n", k)
	}
	io.WriteString(c.Diag, summary(n, "events have been shown"))
	return 0
}

func drain(w io.Writer, ch chan gstack.ConnTrackEvent, r Request) int {
	for n := 0; ; n++ {
		select {
		case ev := <-ch:
			printEvent(w, &ev, r)
		default:
			return n
		}
	}
}

// eventTags are the events' tags, by type.
var eventTags = map[gstack.ConnTrackEventType]string{
	gstack.ConnTrackEventNew:     "[NEW]",
	gstack.ConnTrackEventUpdate:  " [UPDATE]",
	gstack.ConnTrackEventDestroy: "[DESTROY]",
}

func printEvent(w io.Writer, ev *gstack.ConnTrackEvent, r Request) {
	o := lineOpts{event: eventTags[ev.Type], extended: r.Extended, id: r.ID}
	// NEW and UPDATE carry the state's full timeout, DESTROY the time
	// left (none once expired), in whole seconds.
	secs := int(ev.Entry.Timeout / time.Second)
	if ev.Type == gstack.ConnTrackEventDestroy {
		o.noTimeout = secs == 0
		if ev.ByUser {
			// The netlink port of the deleting conntrack: nsemu's
			// processes have none, so the entry's ID stands in.
			o.portid = ev.Entry.ID | 1
		}
	}
	io.WriteString(w, formatEntry(&ev.Entry, secs, o))
}

func (r *Request) wantsEvent(ev *gstack.ConnTrackEvent) bool {
	bit := map[gstack.ConnTrackEventType]EventMask{
		gstack.ConnTrackEventNew:     EvNew,
		gstack.ConnTrackEventUpdate:  EvUpdate,
		gstack.ConnTrackEventDestroy: EvDestroy,
	}[ev.Type]
	if r.Events != 0 && r.Events&bit == 0 {
		return false
	}
	return r.matches(&ev.Entry)
}

func family(e *gstack.ConnTrackEntry) int {
	if e.NetProto == header.IPv6ProtocolNumber {
		return 6
	}
	return 4
}
