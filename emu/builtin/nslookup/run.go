package nslookup

import (
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strings"
	"time"

	"golang.org/x/net/dns/dnsmessage"

	"github.com/nsemu/nsemu/emu/docker"
	"github.com/nsemu/nsemu/emu/libc"
	"github.com/nsemu/nsemu/emu/shell"
	"github.com/nsemu/nsemu/emu/vfs"
)

// timeout is how long busybox waits for the server's answers.
const timeout = 5 * time.Second

// run is nslookup: busybox's in a busybox or alpine container.
func run(c *shell.Cmd) int {
	if !docker.Busybox(c.NS) {
		return c.Fail(1, "nsemu: nslookup: not emulated (busybox's is, in a busybox or alpine container)")
	}
	r, err := Parse(c.Args[1:])
	if err != nil {
		return c.Exit(err)
	}
	server, err := serverAddr(c, r.Server)
	if err != nil {
		return c.Exit(err)
	}
	return lookup(c, r, server)
}

// serverAddr is DNS_SERVER, resolved as busybox does, or the first name
// server of /etc/resolv.conf (127.0.0.1 without one).
func serverAddr(c *shell.Cmd, name string) (netip.Addr, error) {
	if name == "" {
		return resolvConfServer(c), nil
	}
	a, err := libc.LookupHost(c.Ctx, c.NS, name)
	if err != nil {
		return netip.Addr{}, shell.Failf(1, "nslookup: bad address '%s'", name)
	}
	return a, nil
}

func resolvConfServer(c *shell.Cmd) netip.Addr {
	data, err := vfs.ReadFile(c.NS, "/etc/resolv.conf")
	if err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			f := strings.Fields(line)
			if len(f) >= 2 && f[0] == "nameserver" {
				if a, err := netip.ParseAddr(f[1]); err == nil && a.Is4() {
					return a
				}
			}
		}
	}
	return netip.MustParseAddr("127.0.0.1")
}

// query is one question to ask.
type query struct {
	name string
	typ  dnsmessage.Type
}

// queries are the questions for r: PTR for an address, else A and AAAA
// (or -type's).
func queries(r Request) []query {
	if a, err := netip.ParseAddr(r.Host); err == nil && a.Is4() {
		b := a.As4()
		return []query{{fmt.Sprintf("%d.%d.%d.%d.in-addr.arpa", b[3], b[2], b[1], b[0]), dnsmessage.TypePTR}}
	}
	types := r.Types
	if len(types) == 0 {
		types = []dnsmessage.Type{dnsmessage.TypeA, dnsmessage.TypeAAAA}
	}
	var out []query
	for _, t := range types {
		out = append(out, query{r.Host, t})
	}
	return out
}

// lookup asks each query and prints the answers; the server's lines come
// with its first answer. Its status is 0 when a query succeeded.
func lookup(c *shell.Cmd, r Request, server netip.Addr) int {
	status := 1
	for i, q := range queries(r) {
		resp, err := ask(c, server, q)
		if err != nil {
			return c.Exit(noAnswer(c, server, err))
		}
		if i == 0 {
			fmt.Fprintf(c.Stdout, "Server:\t\t%s\nAddress:\t%s\n\n", server, netip.AddrPortFrom(server, 53))
		}
		if printReply(c.Stdout, q, resp) {
			status = 0
		}
	}
	return status
}

// noAnswer is the end of a lookup no server answered.
func noAnswer(c *shell.Cmd, server netip.Addr, err error) error {
	switch libc.ConnError(err) {
	case "Network is unreachable":
		return shell.Failf(1, "nslookup: can't connect to remote host (%s): Network is unreachable", server)
	case "Connection refused":
		fmt.Fprintf(c.Diag, "nslookup: write to '%s': Connection refused\n", server) // at once, before the stdout line
	}
	io.WriteString(c.Stdout, ";; connection timed out; no servers could be reached\n\n")
	return &shell.ExitError{Status: 1}
}

// ask sends one query and returns the server's response.
func ask(c *shell.Cmd, server netip.Addr, q query) ([]byte, error) {
	name, err := dnsmessage.NewName(strings.TrimSuffix(q.name, ".") + ".")
	if err != nil {
		return nil, errors.New("bad name")
	}
	b := dnsmessage.NewBuilder(nil, dnsmessage.Header{ID: uint16(c.World().Uint64()), RecursionDesired: true})
	b.StartQuestions()
	b.Question(dnsmessage.Question{Name: name, Type: q.typ, Class: dnsmessage.ClassINET})
	msg, err := b.Finish()
	if err != nil {
		return nil, err
	}
	return libc.Exchange(c.Ctx, c.NS, netip.AddrPortFrom(server, 53), msg, timeout)
}
