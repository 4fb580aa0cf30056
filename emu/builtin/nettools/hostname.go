package nettools

import (
	"strings"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/libc"
	"github.com/nsemu/nsemu/emu/shell"
	"github.com/nsemu/nsemu/emu/vfs"
)

// hostname: the namespace's name (vfs.Hostname: a Docker container's, or
// the emulated machine's) and its addresses. Setting it is refused, as for
// a user who is not root.

// hostnameView is what hostname prints.
type hostnameView int

const (
	hostName  hostnameView = iota // the name (-f too: names are not qualified here)
	hostShort                     // -s: up to the first dot
	hostAddrs                     // -i: the name's addresses in /etc/hosts
	hostAll                       // -I: every address but loopback's
)

// hostnameOptions are hostname's options; only the first argument counts.
var hostnameOptions = []struct {
	names []string
	view  hostnameView
}{
	{[]string{"-s", "--short"}, hostShort},
	{[]string{"-f", "--fqdn", "--long"}, hostName},
	{[]string{"-i", "--ip-address"}, hostAddrs},
	{[]string{"-I", "--all-ip-addresses"}, hostAll},
}

// parseHostname parses hostname's arguments (without the command name).
func parseHostname(args []string) (hostnameView, error) {
	if len(args) == 0 {
		return hostName, nil
	}
	for _, o := range hostnameOptions {
		for _, n := range o.names {
			if n == args[0] {
				return o.view, nil
			}
		}
	}
	if strings.HasPrefix(args[0], "-") {
		return 0, shell.Failf(1, "hostname: invalid option -- '%s'", strings.TrimLeft(args[0], "-"))
	}
	return 0, shell.Failf(1, "hostname: you must be root to change the host name")
}

// runHostname is the hostname command.
func runHostname(c *shell.Cmd) int {
	view, err := parseHostname(c.Args[1:])
	if err != nil {
		return c.Exit(err)
	}
	name := vfs.Hostname(c.NS)
	switch view {
	case hostShort:
		name, _, _ = strings.Cut(name, ".")
	case hostAddrs:
		addrs := libc.HostsLookup(c.NS, name)
		if len(addrs) == 0 {
			return c.Exit(shell.Failf(1, "hostname: Name or service not known"))
		}
		var s []string
		for _, a := range addrs {
			s = append(s, a.String())
		}
		name = strings.Join(s, " ")
	case hostAll:
		name = strings.Join(addresses(c.NS), " ") + " "
	}
	c.Printf("%s\n", name)
	return 0
}

// addresses lists the namespace's addresses, loopback's left out.
func addresses(ns *emu.Namespace) []string {
	var s []string
	for _, d := range ns.Links() {
		if d.Kind == emu.KindLoopback {
			continue
		}
		for _, a := range d.Addrs() {
			s = append(s, a.Addr().String())
		}
	}
	return s
}
