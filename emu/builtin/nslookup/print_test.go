package nslookup

import (
	"strings"
	"testing"

	"golang.org/x/net/dns/dnsmessage"
)

// reply builds a response to q with the answers given.
func reply(t testing.TB, q query, rcode dnsmessage.RCode, answers func(b *dnsmessage.Builder)) []byte {
	name := dnsmessage.MustNewName(q.name + ".")
	b := dnsmessage.NewBuilder(nil, dnsmessage.Header{ID: 1, Response: true, RCode: rcode})
	b.StartQuestions()
	b.Question(dnsmessage.Question{Name: name, Type: q.typ, Class: dnsmessage.ClassINET})
	b.StartAnswers()
	if answers != nil {
		answers(&b)
	}
	out, err := b.Finish()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func hdr(name string, typ dnsmessage.Type) dnsmessage.ResourceHeader {
	return dnsmessage.ResourceHeader{Name: dnsmessage.MustNewName(name), Type: typ, Class: dnsmessage.ClassINET, TTL: 60}
}

// replyCases are responses and what busybox prints for them.
var replyCases = []struct {
	q      query
	rcode  dnsmessage.RCode
	add    func(b *dnsmessage.Builder)
	want   string
	answer bool
}{
	{query{"web", dnsmessage.TypeA}, dnsmessage.RCodeSuccess, func(b *dnsmessage.Builder) {
		b.AResource(hdr("web.", dnsmessage.TypeA), dnsmessage.AResource{A: [4]byte{172, 18, 0, 2}})
	}, "Non-authoritative answer:\nName:\tweb\nAddress: 172.18.0.2\n\n", true},
	{query{"www.example", dnsmessage.TypeAAAA}, dnsmessage.RCodeSuccess, func(b *dnsmessage.Builder) {
		b.CNAMEResource(hdr("www.example.", dnsmessage.TypeCNAME), dnsmessage.CNAMEResource{CNAME: dnsmessage.MustNewName("web.example.")})
		b.AAAAResource(hdr("web.example.", dnsmessage.TypeAAAA), dnsmessage.AAAAResource{AAAA: [16]byte{0x20, 0x01, 0x0d, 0xb8, 15: 1}})
	}, "Non-authoritative answer:\nwww.example\tcanonical name = web.example\nName:\tweb.example\nAddress: 2001:db8::1\n\n", true},
	{query{"2.0.18.172.in-addr.arpa", dnsmessage.TypePTR}, dnsmessage.RCodeSuccess, func(b *dnsmessage.Builder) {
		b.PTRResource(hdr("2.0.18.172.in-addr.arpa.", dnsmessage.TypePTR), dnsmessage.PTRResource{PTR: dnsmessage.MustNewName("web.n.")})
	}, "Non-authoritative answer:\n2.0.18.172.in-addr.arpa\tname = web.n\n\n", true},
	{query{"nosuch", dnsmessage.TypeA}, dnsmessage.RCodeNameError, nil, "** server can't find nosuch: NXDOMAIN\n\n", false},
	{query{"up", dnsmessage.TypeA}, dnsmessage.RCodeServerFailure, nil, "** server can't find up: SERVFAIL\n\n", false},
}

func TestPrintReply(t *testing.T) {
	for _, c := range replyCases {
		var b strings.Builder
		ok := printReply(&b, c.q, reply(t, c.q, c.rcode, c.add))
		if b.String() != c.want || ok != c.answer {
			t.Errorf("printReply(%v): %v %q, want %v %q", c.q, ok, b.String(), c.answer, c.want)
		}
	}
}

// FuzzPrintReply: no response from a server (an upstream's, through an
// uplink) panics the printer, and what it prints ends with a blank line.
func FuzzPrintReply(f *testing.F) {
	for _, c := range replyCases {
		f.Add(reply(f, c.q, c.rcode, c.add))
	}
	f.Fuzz(func(t *testing.T, resp []byte) {
		var b strings.Builder
		printReply(&b, query{"web", dnsmessage.TypeA}, resp)
		if !strings.HasSuffix(b.String(), "\n\n") {
			t.Fatalf("printReply(%x) = %q", resp, b.String())
		}
	})
}
