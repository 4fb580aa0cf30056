// Package ss is iproute2's ss on the emulated world: the TCP and UDP
// sockets of a namespace's stack, with their states, queues, the program
// that holds each (-p, from the stack's registry of socket owners), the
// timers gVisor runs (-o), the summary (-s), and ss's filter language
// (state names, dst/src/dport/sport conditions, and/or/not, parentheses).
//
// Parsing follows iproute2 6.1 (misc/ss.c, misc/ssfilter.y): options as
// GNU getopt takes them, errors in ss's words and exit statuses (255 for
// a bad option or filter syntax, 1 for an address it cannot parse), the
// table measured and padded as ss's render() does. parse.go and filter.go
// are pure; run.go reads the stack; print.go lays out the table.
package ss

import "github.com/nsemu/nsemu/emu/shell"

// Builtins returns ss.
func Builtins() []*shell.Builtin {
	return []*shell.Builtin{{
		Group: shell.GroupIproute2,
		Name:  "ss",
		Usage: "ss [ -t | -u | -x | -w | -4 ] [ -l | -a ] [ -n ] [ -p ] [ -o ] [ -e ] [ -s ] [ -H ] [ -N NS ] [ state STATE ] [ FILTER ]",
		Help: `Lists the sockets of the emulated namespace's stack, as iproute2's ss does:

  ss -tulpn                 listening TCP and UDP sockets, numeric, with programs
  ss -tan                   every TCP socket, connections included
  ss -s                     the summary (Total, TCP, the Transport table)
  ss -tno state established '( dport = :80 or sport = :80 )'

Programs that open sockets (nc, python3 -m http.server, iperf3, nginx and
httpd in containers, docker-proxy, dockerd's DNS at 127.0.0.11) are shown
with -p as users:(("nc",pid=4001,fd=3)); a background job's pid is the one
jobs -l prints, a container's main process the one docker inspect shows.
-o shows the retransmit, zero-window probe and keepalive timers; -e an
emulated inode and socket id. IPv6 (-6), unix sockets' contents and -i/-m
are not emulated.`,
		Run: run,
	}}
}
