// Package conntrack is conntrack-tools' conntrack (1.4.7, Debian 12) on a
// namespace's connection tracker, the one its NAT and -m conntrack use
// (gVisor's, with nsemu's patch 0003 giving Linux's view of each
// connection: TCP states, [UNREPLIED], [ASSURED], timeouts):
//
//	conntrack -L [-p tcp|udp|icmp] [-s|-d|-r|-q ADDR] [--sport|--dport N] [--state S] [-n|-g|-j [IP]] [-o extended,id]
//	conntrack -G -p PROTO -s ADDR -d ADDR (--sport N --dport N | --icmp-type T --icmp-code C --icmp-id I)
//	conntrack -D [the filters of -L]
//	conntrack -F
//	conntrack -C
//	conntrack -E [-e NEW,UPDATE,DESTROY] [the filters of -L]
//
// parse.go reads the command line into a Request (pure, fuzzed), with
// conntrack's words and exit status 2 for a bad one; run.go acts on the
// tracker; match.go is the filter; print.go the output lines, as
// libnetfilter_conntrack prints them, and the summary lines on standard
// error. Expectations, -I, -U, -S, marks, zones and labels are not
// emulated and say so.
package conntrack

import "github.com/nsemu/nsemu/emu/shell"

// Builtins returns conntrack.
func Builtins() []*shell.Builtin {
	return []*shell.Builtin{{
		Group: shell.GroupNetfilter,
		Name:  "conntrack",
		Usage: "conntrack -L|-G|-D|-F|-C|-E [-p PROTO] [-s ADDR] [-d ADDR] [--sport N] [--dport N] [-n|-g] [-o extended,id]",
		Help: `Lists, gets, deletes, flushes, counts and follows the namespace's tracked
connections, as conntrack-tools' conntrack does:

  conntrack -L [-p tcp|udp|icmp] [-s ADDR] [-d ADDR] [-r ADDR] [-q ADDR]
      [--sport N] [--dport N] [--state STATE] [-n [IP]] [-g [IP]] [-o extended,id]
  conntrack -G -p tcp -s ADDR -d ADDR --sport N --dport N
  conntrack -D [filters]      remove the selected entries (a NATed flow's
                              next packet makes a new entry, NAT decided again)
  conntrack -F                empty the table
  conntrack -C                count the entries
  conntrack -E [-e NEW,UPDATE,DESTROY] [filters]
                              print the events until interrupted or the end of
                              the script step

A namespace tracks connections once it has netfilter hooks: an iptables rule,
forwarding on, or br_netfilter. States and timeouts are Linux's (30 s for
ICMP and unanswered UDP, 5 days for an established TCP connection).`,
		Run: run,
	}}
}
