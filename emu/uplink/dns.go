package uplink

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strings"
	"time"

	"golang.org/x/net/dns/dnsmessage"
	"gvisor.dev/gvisor/pkg/tcpip/adapters/gonet"
)

// Resolver is what the gateway's name server at 10.0.2.3 asks: the real
// machine's resolver (net.DefaultResolver: /etc/hosts, then its name
// servers), or a test's.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
	LookupAddr(ctx context.Context, addr string) ([]string, error)
	LookupCNAME(ctx context.Context, host string) (string, error)
	LookupMX(ctx context.Context, name string) ([]*net.MX, error)
	LookupTXT(ctx context.Context, name string) ([]string, error)
}

// dnsTimeout bounds one question to the real resolver; dnsTTL is the TTL
// of the answers (Go's resolver does not say the real ones).
const (
	dnsTimeout = 5 * time.Second
	dnsTTL     = 60
)

// serveDNS answers the queries of one emulated UDP flow to 10.0.2.3:53,
// one at a time, until the flow is idle.
func (g *gateway) serveDNS(c *gonet.UDPConn) {
	buf := make([]byte, 65535)
	for {
		_ = c.SetReadDeadline(time.Now().Add(idleTimeout))
		n, err := c.Read(buf)
		if err != nil {
			return
		}
		ctx, cancel := context.WithTimeout(g.ctx, dnsTimeout)
		resp := answerDNS(ctx, g.resolver, buf[:n])
		cancel()
		if resp != nil {
			_, _ = c.Write(resp)
		}
	}
}

// answerDNS answers one DNS query (its first question) from r: A, AAAA,
// PTR, CNAME, MX and TXT; other types get "not implemented". It returns
// nil for a message it cannot parse at all.
func answerDNS(ctx context.Context, r Resolver, q []byte) []byte {
	var p dnsmessage.Parser
	hdr, err := p.Start(q)
	if err != nil {
		return nil
	}
	resp := dnsmessage.Header{ID: hdr.ID, Response: true, OpCode: hdr.OpCode, RecursionDesired: hdr.RecursionDesired, RecursionAvailable: true}
	qs, err := p.AllQuestions()
	switch {
	case hdr.Response:
		return nil
	case err != nil || len(qs) == 0:
		resp.RCode = dnsmessage.RCodeFormatError
		return buildDNS(resp, nil, nil)
	case hdr.OpCode != 0:
		resp.RCode = dnsmessage.RCodeNotImplemented
		return buildDNS(resp, qs[:1], nil)
	}
	rrs, rcode := lookup(ctx, r, qs[0])
	resp.RCode = rcode
	return buildDNS(resp, qs[:1], rrs)
}

// lookup asks r one question.
func lookup(ctx context.Context, r Resolver, q dnsmessage.Question) ([]dnsmessage.Resource, dnsmessage.RCode) {
	name := strings.TrimSuffix(q.Name.String(), ".")
	rr := func(body dnsmessage.ResourceBody) dnsmessage.Resource {
		return dnsmessage.Resource{Header: dnsmessage.ResourceHeader{Name: q.Name, Class: dnsmessage.ClassINET, TTL: dnsTTL}, Body: body}
	}
	var out []dnsmessage.Resource
	var err error
	switch q.Type {
	case dnsmessage.TypeA, dnsmessage.TypeAAAA:
		network := map[dnsmessage.Type]string{dnsmessage.TypeA: "ip4", dnsmessage.TypeAAAA: "ip6"}[q.Type]
		var addrs []netip.Addr
		addrs, err = r.LookupNetIP(ctx, network, name)
		for _, a := range addrs {
			if a = a.Unmap(); a.Is4() && q.Type == dnsmessage.TypeA {
				out = append(out, rr(&dnsmessage.AResource{A: a.As4()}))
			} else if a.Is6() && q.Type == dnsmessage.TypeAAAA {
				out = append(out, rr(&dnsmessage.AAAAResource{AAAA: a.As16()}))
			}
		}
	case dnsmessage.TypePTR:
		out, err = lookupPTR(ctx, r, name, rr)
	case dnsmessage.TypeCNAME:
		var c string
		if c, err = r.LookupCNAME(ctx, name); err == nil {
			out, err = appendName(out, c, func(n dnsmessage.Name) dnsmessage.ResourceBody { return &dnsmessage.CNAMEResource{CNAME: n} }, rr)
		}
	case dnsmessage.TypeMX:
		var mxs []*net.MX
		mxs, err = r.LookupMX(ctx, name)
		for _, mx := range mxs {
			out, err = appendName(out, mx.Host, func(n dnsmessage.Name) dnsmessage.ResourceBody { return &dnsmessage.MXResource{Pref: mx.Pref, MX: n} }, rr)
		}
	case dnsmessage.TypeTXT:
		var txts []string
		txts, err = r.LookupTXT(ctx, name)
		for _, t := range txts {
			out = append(out, rr(&dnsmessage.TXTResource{TXT: []string{t}}))
		}
	default:
		return nil, dnsmessage.RCodeNotImplemented
	}
	return out, rcodeOf(err)
}

// lookupPTR answers a reverse question (4.3.2.1.in-addr.arpa).
func lookupPTR(ctx context.Context, r Resolver, name string, rr func(dnsmessage.ResourceBody) dnsmessage.Resource) ([]dnsmessage.Resource, error) {
	rev, ok := strings.CutSuffix(strings.ToLower(name), ".in-addr.arpa")
	parts := strings.Split(rev, ".")
	if !ok || len(parts) != 4 {
		return nil, &net.DNSError{Err: "not found", Name: name, IsNotFound: true}
	}
	a, err := netip.ParseAddr(parts[3] + "." + parts[2] + "." + parts[1] + "." + parts[0])
	if err != nil {
		return nil, &net.DNSError{Err: "not found", Name: name, IsNotFound: true}
	}
	names, err := r.LookupAddr(ctx, a.String())
	var out []dnsmessage.Resource
	for _, n := range names {
		out, _ = appendName(out, n, func(n dnsmessage.Name) dnsmessage.ResourceBody { return &dnsmessage.PTRResource{PTR: n} }, rr)
	}
	return out, err
}

// appendName appends a record whose body names host.
func appendName(out []dnsmessage.Resource, host string, body func(dnsmessage.Name) dnsmessage.ResourceBody, rr func(dnsmessage.ResourceBody) dnsmessage.Resource) ([]dnsmessage.Resource, error) {
	if !strings.HasSuffix(host, ".") {
		host += "."
	}
	n, err := dnsmessage.NewName(host)
	if err != nil {
		return out, err
	}
	return append(out, rr(body(n))), nil
}

// rcodeOf turns a resolver's error into a response code: a name that does
// not exist is NXDOMAIN, any other failure SERVFAIL.
func rcodeOf(err error) dnsmessage.RCode {
	var de *net.DNSError
	switch {
	case err == nil:
		return dnsmessage.RCodeSuccess
	case errors.As(err, &de) && de.IsNotFound:
		return dnsmessage.RCodeNameError
	}
	return dnsmessage.RCodeServerFailure
}

// buildDNS builds a response; one that would not fit a 512-byte datagram
// is sent truncated, without its answers (the client may ask over TCP,
// which the gateway does not serve).
func buildDNS(h dnsmessage.Header, qs []dnsmessage.Question, rrs []dnsmessage.Resource) []byte {
	m := dnsmessage.Message{Header: h, Questions: qs, Answers: rrs}
	b, err := m.Pack()
	if err == nil && len(b) <= 512 {
		return b
	}
	m.Header.Truncated = err == nil
	if err != nil {
		m.Header.RCode = dnsmessage.RCodeServerFailure
	}
	m.Answers = nil
	b, _ = m.Pack()
	return b
}
