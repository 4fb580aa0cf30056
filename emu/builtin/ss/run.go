package ss

import (
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/shell"
	"github.com/nsemu/nsemu/stack"
	"github.com/nsemu/nsemu/stack/netfilter"
)

// version is what ss -V prints.
const version = "ss utility, iproute2-6.1.0"

// run is ss: parse, read the namespace's sockets, print.
func run(c *shell.Cmd) int {
	r, err := Parse(c.Args[1:])
	if err != nil {
		return c.Exit(err)
	}
	switch {
	case r.Help:
		c.Printf("%s\n", usage)
		return 0
	case r.Version:
		c.Printf("%s\n", version)
		return 0
	}
	ns, err := namespace(c, r.Netns)
	if err != nil {
		return c.Exit(err)
	}
	socks := ns.Stack().Sockets()
	if r.Summary {
		printSummary(c.Stdout, socks)
		if r.OnlySummary {
			return 0
		}
	}
	if msg := r.nothing(); msg != "" {
		fmt.Fprintln(c.Stderr, msg)
		return 0
	}
	list(c.Stdout, r, socks, ephemeral(ns))
	return 0
}

// nothing is ss's complaint when the options leave nothing to show.
func (r *Request) nothing() string {
	switch {
	case r.DBs == 0:
		return "ss: no socket tables to show with such filter."
	case r.States == 0:
		return "ss: no socket states to show with such filter."
	}
	return ""
}

// namespace is -N's namespace, or the command's.
func namespace(c *shell.Cmd, name string) (*emu.Namespace, error) {
	if name == "" {
		return c.NS, nil
	}
	ns, err := c.World().Namespace(name)
	if err != nil || strings.ContainsRune(name, '/') {
		return nil, shell.Failf(1, "Cannot open network namespace \"%s\": No such file or directory", name)
	}
	return ns, nil
}

// ephemeral reports whether a port is in the namespace's
// net.ipv4.ip_local_port_range (ss resolves no service name there, and
// autobound matches it).
func ephemeral(ns *emu.Namespace) func(uint16) bool {
	lo, hi := 32768, 60999
	if v, err := ns.Sysctl("net.ipv4.ip_local_port_range"); err == nil {
		if f := strings.Fields(v); len(f) == 2 {
			a, err1 := strconv.Atoi(f[0])
			b, err2 := strconv.Atoi(f[1])
			if err1 == nil && err2 == nil {
				lo, hi = a, b
			}
		}
	}
	return func(p uint16) bool { return int(p) >= lo && int(p) <= hi }
}

// list prints the sockets the request selects, as ss does: UDP before
// TCP, listeners before connections.
func list(w io.Writer, r *Request, socks []stack.Socket, eph func(uint16) bool) {
	t := &table{cols: newColumns()}
	if r.DBs&(r.DBs-1) == 0 {
		t.cols[colNetid].disabled = true
	}
	if r.States&(r.States-1) == 0 {
		t.cols[colState].disabled = true
	}
	if r.Header {
		t.header()
	}
	for _, proto := range []string{"udp", "tcp"} {
		db := map[string]dbMask{"udp": dbUDP, "tcp": dbTCP}[proto]
		if r.DBs&db == 0 {
			continue
		}
		for _, s := range socks {
			if s.Proto != proto || r.States&(1<<s.State) == 0 || !r.Filter.Match(s.Local, s.Remote, eph) {
				continue
			}
			t.rows = append(t.rows, row(r, s, eph))
		}
	}
	t.render(w)
}

// row is one socket's fields.
func row(r *Request, s stack.Socket, eph func(uint16) bool) []string {
	f := make([]string, colMax)
	f[colNetid] = s.Proto
	f[colState] = stateNamesOut[s.State]
	f[colRecvQ] = fmt.Sprintf("%-6d", s.RecvQ)
	f[colSendQ] = fmt.Sprintf("%-6d", s.SendQ)
	f[colAddr] = host(s.Local.Addr(), s.Dev) + ":"
	f[colServ] = service(r, s.Proto, s.Local.Port(), eph)
	f[colRAddr] = host(s.Remote.Addr(), "") + ":"
	f[colRServ] = service(r, s.Proto, s.Remote.Port(), eph)
	var ext strings.Builder
	if r.Procs && s.Owner != nil {
		fmt.Fprintf(&ext, " users:((%q,pid=%d,fd=%d))", s.Owner.Name, s.Owner.PID, s.Owner.FD)
	}
	if r.Timers && s.Timer != 0 {
		fmt.Fprintf(&ext, " timer:(%s,%s,%d)", timerNames[min(s.Timer, 5)], msTimer(s.TimerLeft), 0)
	}
	if r.Details {
		// An emulated inode number and socket address: stable for the
		// socket's life, distinct within the namespace.
		fmt.Fprintf(&ext, " ino:%d sk:%x %c-%c", 30000+s.ID, 0x1000+s.ID, pickByte(s.Shutdown&1 != 0, '-', '<'), pickByte(s.Shutdown&2 != 0, '-', '>'))
	}
	f[colExt] = ext.String()
	return f
}

func pickByte(c bool, a, b byte) byte {
	if c {
		return a
	}
	return b
}

// host prints an address as ss -n does (ss resolves no host name unless
// -r), with the bound device after a %.
func host(a netip.Addr, dev string) string {
	if dev != "" {
		return a.String() + "%" + dev
	}
	return a.String()
}

// service prints a port as resolve_service does: * for 0, the number with
// -n or in the ephemeral range, else its name in /etc/services.
func service(r *Request, proto string, port uint16, eph func(uint16) bool) string {
	if port == 0 {
		return "*"
	}
	if !r.Numeric && !eph(port) {
		if name, ok := netfilter.ServiceName(proto, port); ok {
			return name
		}
	}
	return strconv.Itoa(int(port))
}

// printSummary is ss -s, from the namespace's sockets (Linux reads
// /proc/net/sockstat and /proc/net/snmp).
func printSummary(w io.Writer, socks []stack.Socket) {
	var udp, tcp, tw, estab, orphan int
	for _, s := range socks {
		switch {
		case s.Proto == "udp":
			udp++
		case s.State == stack.StateTimeWait:
			tw++
		default:
			tcp++
			if s.State == ssEstablished || s.State == ssCloseWait {
				estab++
			}
			if s.Orphan {
				orphan++
			}
		}
	}
	fmt.Fprintf(w, "Total: %d\n", udp+tcp)
	fmt.Fprintf(w, "TCP:   %d (estab %d, closed %d, orphaned %d, timewait %d)\n", tcp+tw, estab, tw, orphan, tw)
	fmt.Fprintf(w, "\nTransport Total     IP        IPv6\n")
	for _, l := range []struct {
		name string
		n    int
	}{{"RAW", 0}, {"UDP", udp}, {"TCP", tcp}, {"INET", udp + tcp}, {"FRAG", 0}} {
		fmt.Fprintf(w, "%s\t  %-9d %-9d %-9d\n", l.name, l.n, l.n, 0)
	}
	fmt.Fprintln(w)
}
