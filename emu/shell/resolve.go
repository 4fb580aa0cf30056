package shell

import (
	"strings"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/libc"
	"github.com/nsemu/nsemu/emu/vfs"
)

// Names: each namespace's /etc/hosts, /etc/resolv.conf and /etc/hostname
// (a Docker container's as Docker writes them, elsewhere the emulated
// machine's), the hostname built-in, and the resolver ping, nc, curl and
// wget use: /etc/hosts, then the resolv.conf name servers over the
// emulated network (a container of a user-defined network asks Docker's
// embedded server at 127.0.0.11).

func init() {
	Register(&Builtin{
		Name:  "hostname",
		Usage: "hostname [-i|-I|-s|-f]",
		Help: `Prints the host name: a Docker container's (its short ID unless --hostname),
or the emulated machine's ("nsemu") outside containers. -i the addresses of the
host name (from /etc/hosts), -I every address of the namespace.`,
		Run: runHostname,
	})
}

func runHostname(c *Cmd) int {
	name := vfs.Hostname(c.NS)
	if len(c.Args) == 1 {
		c.Printf("%s\n", name)
		return 0
	}
	switch c.Args[1] {
	case "-s", "--short":
		short, _, _ := strings.Cut(name, ".")
		c.Printf("%s\n", short)
	case "-f", "--fqdn", "--long":
		c.Printf("%s\n", name)
	case "-i", "--ip-address":
		addrs := libc.HostsLookup(c.NS, name)
		if len(addrs) == 0 {
			return c.Errorf("hostname: Name or service not known")
		}
		var s []string
		for _, a := range addrs {
			s = append(s, a.String())
		}
		c.Printf("%s\n", strings.Join(s, " "))
	case "-I", "--all-ip-addresses":
		var s []string
		for _, d := range c.NS.Links() {
			if d.Kind == emu.KindLoopback {
				continue
			}
			for _, a := range d.Addrs() {
				s = append(s, a.Addr().String())
			}
		}
		c.Printf("%s \n", strings.Join(s, " "))
	default:
		if strings.HasPrefix(c.Args[1], "-") {
			return c.Errorf("hostname: invalid option -- '%s'", strings.TrimLeft(c.Args[1], "-"))
		}
		return c.Errorf("hostname: you must be root to change the host name")
	}
	return 0
}
