// Package libc is what the built-in programs get from the C library: name
// resolution as getaddrinfo does it (/etc/hosts, then the name servers of
// /etc/resolv.conf, asked over the namespace's own stack) and error
// strings in strerror's words.
package libc

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/docker"
	"github.com/nsemu/nsemu/emu/vfs"
	"golang.org/x/net/dns/dnsmessage"
)

// HostsLookup returns the IPv4 addresses /etc/hosts of ns gives a name.
func HostsLookup(ns *emu.Namespace, name string) []netip.Addr {
	data, err := vfs.ReadFile(ns, "/etc/hosts")
	if err != nil {
		return nil
	}
	var out []netip.Addr
	for _, line := range strings.Split(string(data), "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		fs := strings.Fields(line)
		if len(fs) < 2 {
			continue
		}
		a, err := netip.ParseAddr(fs[0])
		if err != nil || !a.Is4() {
			continue
		}
		for _, n := range fs[1:] {
			if strings.EqualFold(n, name) {
				out = append(out, a)
			}
		}
	}
	return out
}

// ResolveError is a failed name lookup in getaddrinfo's words.
type ResolveError struct {
	host string
	// temporary: no name server answered (EAI_AGAIN).
	temporary bool
}

func (e *ResolveError) Error() string {
	if e.temporary {
		return "Temporary failure in name resolution"
	}
	return "Name or service not known"
}

// LookupHost resolves a host name (or IPv4 literal) from namespace ns as
// getaddrinfo does: /etc/hosts, then the name servers of /etc/resolv.conf.
func LookupHost(ctx context.Context, ns *emu.Namespace, host string) (netip.Addr, error) {
	if a, err := netip.ParseAddr(host); err == nil {
		if a.Is4() {
			return a, nil
		}
		return netip.Addr{}, &ResolveError{host: host}
	}
	if addrs := HostsLookup(ns, host); len(addrs) > 0 {
		return addrs[0], nil
	}
	if strings.EqualFold(host, "localhost") {
		return netip.MustParseAddr("127.0.0.1"), nil
	}
	conf, err := vfs.ReadFile(ns, "/etc/resolv.conf")
	if err != nil {
		return netip.Addr{}, &ResolveError{host: host}
	}
	servers, timeout, attempts := parseResolvConf(string(conf))
	if len(servers) == 0 {
		return netip.Addr{}, &ResolveError{host: host}
	}
	for try := 0; try < attempts; try++ {
		for _, s := range servers {
			addrs, found, err := queryA(ctx, ns, s, host, timeout)
			if err != nil {
				continue // no answer from this server
			}
			if !found || len(addrs) == 0 {
				return netip.Addr{}, &ResolveError{host: host}
			}
			return addrs[0], nil
		}
		if ctx.Err() != nil {
			break
		}
	}
	return netip.Addr{}, &ResolveError{host: host, temporary: true}
}

// parseResolvConf reads name servers and the timeout and attempts options.
func parseResolvConf(s string) (servers []netip.Addr, timeout time.Duration, attempts int) {
	timeout, attempts = 5*time.Second, 2
	for _, line := range strings.Split(s, "\n") {
		fs := strings.Fields(line)
		if len(fs) < 2 || strings.HasPrefix(fs[0], "#") {
			continue
		}
		switch fs[0] {
		case "nameserver":
			if a, err := netip.ParseAddr(fs[1]); err == nil && a.Is4() && len(servers) < 3 {
				servers = append(servers, a)
			}
		case "options":
			for _, o := range fs[1:] {
				k, v, _ := strings.Cut(o, ":")
				n, err := strconv.Atoi(v)
				if err != nil || n < 1 {
					continue
				}
				switch k {
				case "timeout":
					timeout = time.Duration(n) * time.Second
				case "attempts":
					attempts = n
				}
			}
		}
	}
	return servers, timeout, attempts
}

var errNoAnswer = errors.New("no answer")

// queryA asks a name server for a name's A records over UDP, from
// namespace ns. found is false for NXDOMAIN; err is set when no answer came
// within timeout (or the server is unreachable). The query's id comes from
// the world's seed.
func queryA(ctx context.Context, ns *emu.Namespace, server netip.Addr, name string, timeout time.Duration) ([]netip.Addr, bool, error) {
	qname, err := dnsmessage.NewName(strings.TrimSuffix(name, ".") + ".")
	if err != nil {
		return nil, false, &ResolveError{host: name}
	}
	id := uint16(ns.World().Uint64())
	b := dnsmessage.NewBuilder(nil, dnsmessage.Header{ID: id, RecursionDesired: true})
	b.StartQuestions()
	b.Question(dnsmessage.Question{Name: qname, Type: dnsmessage.TypeA, Class: dnsmessage.ClassINET})
	q, err := b.Finish()
	if err != nil {
		return nil, false, err
	}
	resp, err := Exchange(ctx, ns, netip.AddrPortFrom(server, 53), q, timeout)
	if err != nil {
		return nil, false, err
	}
	var p dnsmessage.Parser
	h, err := p.Start(resp)
	if err != nil {
		return nil, false, err
	}
	if h.RCode == dnsmessage.RCodeNameError {
		return nil, false, nil
	}
	if h.RCode != dnsmessage.RCodeSuccess {
		return nil, false, fmt.Errorf("rcode %v", h.RCode)
	}
	if err := p.SkipAllQuestions(); err != nil {
		return nil, false, err
	}
	var out []netip.Addr
	for {
		rh, err := p.AnswerHeader()
		if err != nil {
			break
		}
		if rh.Type != dnsmessage.TypeA {
			p.SkipAnswer()
			continue
		}
		r, err := p.AResource()
		if err != nil {
			break
		}
		out = append(out, netip.AddrFrom4(r.A))
	}
	return out, true, nil
}

// ErrNoAnswer is Exchange's error when no answer came in time.
var ErrNoAnswer = errNoAnswer

// Exchange sends the DNS query q to server over UDP, from namespace ns,
// and returns the first response carrying q's id. Its error is the
// socket's (an unreachable server: ConnError says it in strerror's words)
// or ErrNoAnswer when none came within timeout. Waiting for a server that
// never answers costs no wall time: the emulator's clock jumps. The
// embedded DNS server of Docker containers answers at once, and is waited
// for in real time (a jump could end the wait before its goroutine runs),
// except on purely emulated time, whose clock never jumps while a
// goroutine runs.
func Exchange(ctx context.Context, ns *emu.Namespace, server netip.AddrPort, q []byte, timeout time.Duration) ([]byte, error) {
	if len(q) < 12 {
		return nil, errors.New("short query")
	}
	conn, err := ns.DialUDP(server)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	done := make(chan struct{})
	defer close(done)
	if server.Addr() == docker.DNSAddr.Addr() && !ns.World().EmulatedTime() {
		t := time.AfterFunc(timeout, func() { conn.Close() })
		defer t.Stop()
	} else {
		stop := ns.World().Warp()
		defer stop()
		t := ns.World().Clock().AfterFunc(timeout, func() { conn.Close() })
		defer t.Stop()
	}
	go func() {
		select {
		case <-ctx.Done():
			conn.Close()
		case <-done:
		}
	}()
	if _, err := conn.Write(q); err != nil {
		return nil, err
	}
	buf := make([]byte, 65535)
	for {
		n, err := conn.Read(buf)
		if err != nil && ConnError(err) == "Connection refused" {
			return nil, err // an ICMP port unreachable came back
		}
		if err != nil {
			return nil, errNoAnswer
		}
		if n >= 12 && buf[0] == q[0] && buf[1] == q[1] && buf[2]&0x80 != 0 {
			return buf[:n], nil
		}
	}
}

// HostsName is the first name /etc/hosts of ns gives addr (a reverse
// lookup, as getnameinfo answers from files), false when none.
func HostsName(ns *emu.Namespace, addr netip.Addr) (string, bool) {
	data, err := vfs.ReadFile(ns, "/etc/hosts")
	if err != nil {
		return "", false
	}
	for _, line := range strings.Split(string(data), "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		fs := strings.Fields(line)
		if len(fs) < 2 {
			continue
		}
		if a, err := netip.ParseAddr(fs[0]); err == nil && a == addr {
			return fs[1], true
		}
	}
	return "", false
}
