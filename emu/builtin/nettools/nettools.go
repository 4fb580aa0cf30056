// Package nettools is net-tools 2.10's ifconfig, route, arp and netstat
// -r, and hostname, over the current namespace, in the real tools' output
// formats. Each command's arguments parse, without touching the world, into
// a request value; its runner applies the request and prints the result.
package nettools

import "github.com/nsemu/nsemu/emu/shell"

// Builtins returns ifconfig, route, arp, netstat and hostname.
func Builtins() []*shell.Builtin {
	return []*shell.Builtin{
		{
			Group: shell.GroupNetTools,
			Name:  "ifconfig",
			Usage: "ifconfig [-a] [DEV] | ifconfig DEV [ADDR[/LEN]] [netmask MASK] [mtu N] [hw ether MAC] [up|down]",
			Help: `Shows the current namespace's devices in net-tools' format (up ones, or all
with -a), or configures one: address (replacing the primary one), netmask, MTU,
MAC, up or down. IPv6 addresses are not emulated, so no inet6 lines.`,
			Run: runIfconfig,
		},
		{
			Group: shell.GroupNetTools,
			Name:  "route",
			Usage: "route [-n] [-e] | route add|del [-net|-host] TARGET[/LEN] [netmask MASK] [gw GW] [metric N] [dev] DEV",
			Help:  "Shows (\"Kernel IP routing table\") or changes the current namespace's routes, as net-tools' route does.",
			Run:   runRoute,
		},
		{
			Group: shell.GroupNetTools,
			Name:  "arp",
			Usage: "arp [-n] [-a|-e] [-v] [-i DEV] [HOST] | arp -s HOST MAC [-i DEV] | arp -d HOST [-i DEV]",
			Help:  "Shows or edits the current namespace's neighbour (ARP) table in net-tools' format.",
			Run:   runArp,
		},
		{
			Group: shell.GroupNetTools,
			Name:  "netstat",
			Usage: "netstat -r [-n] [-e]",
			Help:  "Shows the routing table as netstat -r does. Other netstat views (sockets, interfaces) are not emulated.",
			Run:   runNetstat,
		},
		{
			Group: shell.GroupNetTools,
			Name:  "hostname",
			Usage: "hostname [-i|-I|-s|-f]",
			Help: `Prints the host name: a Docker container's (its short ID unless --hostname),
or the emulated machine's ("nsemu") outside containers. -i the addresses of the
host name (from /etc/hosts), -I every address of the namespace.`,
			Run: runHostname,
		},
	}
}
