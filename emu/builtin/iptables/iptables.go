// Package iptables is the iptables and iptables-save commands: thin
// runners over the namespace's netfilter tables (stack/netfilter), which
// own the rule model, the parsing of the command lines, the listings and
// the compilation to gVisor.
package iptables

import "github.com/nsemu/nsemu/emu/shell"

// Builtins returns iptables and iptables-save.
func Builtins() []*shell.Builtin {
	return []*shell.Builtin{
		{
			Group: shell.GroupNetfilter,
			Name:  "iptables",
			Usage: "iptables [-t TABLE] -A|-I|-R|-D|-C|-L|-S|-F|-Z|-N|-X|-E|-P ... (iptables v1.8.9 syntax)",
			Help: `Edits the current namespace's iptables: tables filter, nat, mangle and raw,
with counters. Matches: -s -d -p tcp|udp|icmp -i -o --sport --dport (-m tcp,
-m udp), each may be negated with !. Targets: ACCEPT DROP RETURN, REJECT
[--reject-with], LOG [--log-prefix], MASQUERADE, SNAT --to-source ADDR[:PORT],
DNAT --to-destination ADDR[:PORT], TRACE and NOTRACK (raw), user chains.
Listing: -L [-n] [-v] [-x] [--line-numbers], -S. Messages and exit statuses
are iptables v1.8.9's; what nsemu does not model (other matches and targets,
ranges) is refused, never ignored. -n lists protocols by name, as every
iptables but 1.8.9 does.`,
			Run: runIPTables,
		},
		{
			Group: shell.GroupNetfilter,
			Name:  "iptables-save",
			Usage: "iptables-save [-c] [-t TABLE]",
			Help:  "Prints the current namespace's tables in iptables-restore format (-c: with counters).",
			Run:   runIPTablesSave,
		},
	}
}
