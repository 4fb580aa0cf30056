package uplink

import (
	"context"
	"strings"
	"testing"

	"golang.org/x/net/dns/dnsmessage"
)

func dnsQuery(t testing.TB, name string, typ dnsmessage.Type) []byte {
	t.Helper()
	b := dnsmessage.NewBuilder(nil, dnsmessage.Header{ID: 42, RecursionDesired: true})
	b.StartQuestions()
	if err := b.Question(dnsmessage.Question{Name: dnsmessage.MustNewName(name), Type: typ, Class: dnsmessage.ClassINET}); err != nil {
		t.Fatal(err)
	}
	q, err := b.Finish()
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// TestAnswerDNS: each question type the gateway answers, and the errors.
func TestAnswerDNS(t *testing.T) {
	cases := []struct {
		name  string
		typ   dnsmessage.Type
		rcode dnsmessage.RCode
		want  string // the answers, one per line
	}{
		{"web.test.", dnsmessage.TypeA, dnsmessage.RCodeSuccess, "A 198.51.100.7"},
		{"web.test.", dnsmessage.TypeAAAA, dnsmessage.RCodeSuccess, "AAAA 2001:db8::7"},
		{"7.100.51.198.in-addr.arpa.", dnsmessage.TypePTR, dnsmessage.RCodeSuccess, "PTR web.test."},
		{"web.test.", dnsmessage.TypeCNAME, dnsmessage.RCodeSuccess, "CNAME web.test."},
		{"mail.test.", dnsmessage.TypeMX, dnsmessage.RCodeSuccess, "MX 10 mx.mail.test."},
		{"web.test.", dnsmessage.TypeTXT, dnsmessage.RCodeSuccess, "TXT v=test"},
		{"nosuch.test.", dnsmessage.TypeA, dnsmessage.RCodeNameError, ""},
		{"bad.in-addr.arpa.", dnsmessage.TypePTR, dnsmessage.RCodeNameError, ""},
		{"broken.test.", dnsmessage.TypeTXT, dnsmessage.RCodeServerFailure, ""},
		{"web.test.", dnsmessage.TypeSRV, dnsmessage.RCodeNotImplemented, ""},
	}
	for _, c := range cases {
		resp := answerDNS(context.Background(), testResolver, dnsQuery(t, c.name, c.typ))
		var m dnsmessage.Message
		if err := m.Unpack(resp); err != nil {
			t.Errorf("%s %v: unpacking the answer: %v", c.name, c.typ, err)
			continue
		}
		if m.ID != 42 || !m.Response || !m.RecursionAvailable || m.RCode != c.rcode || len(m.Questions) != 1 {
			t.Errorf("%s %v: header %+v, %d questions; want rcode %v", c.name, c.typ, m.Header, len(m.Questions), c.rcode)
		}
		if got := answers(m); got != c.want {
			t.Errorf("%s %v: answers %q, want %q", c.name, c.typ, got, c.want)
		}
	}
	if resp := answerDNS(context.Background(), testResolver, []byte{1, 2, 3}); resp != nil {
		t.Errorf("a 3-byte message was answered: % x", resp)
	}
	hdrOnly := []byte{0, 7, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	var m dnsmessage.Message
	if err := m.Unpack(answerDNS(context.Background(), testResolver, hdrOnly)); err != nil || m.RCode != dnsmessage.RCodeFormatError {
		t.Errorf("no question: %v %v", m.RCode, err)
	}
}

func answers(m dnsmessage.Message) string {
	var out []string
	for _, a := range m.Answers {
		switch b := a.Body.(type) {
		case *dnsmessage.AResource:
			out = append(out, "A "+ipString(b.A[:]))
		case *dnsmessage.AAAAResource:
			out = append(out, "AAAA "+ipString(b.AAAA[:]))
		case *dnsmessage.PTRResource:
			out = append(out, "PTR "+b.PTR.String())
		case *dnsmessage.CNAMEResource:
			out = append(out, "CNAME "+b.CNAME.String())
		case *dnsmessage.MXResource:
			out = append(out, "MX "+itoa(int(b.Pref))+" "+b.MX.String())
		case *dnsmessage.TXTResource:
			out = append(out, "TXT "+strings.Join(b.TXT, " "))
		}
	}
	return strings.Join(out, "\n")
}

// FuzzAnswerDNS: any query gets a well-formed answer or none, never a
// crash.
func FuzzAnswerDNS(f *testing.F) {
	f.Add(dnsQuery(f, "web.test.", dnsmessage.TypeA))
	f.Add(dnsQuery(f, "7.100.51.198.in-addr.arpa.", dnsmessage.TypePTR))
	f.Add(dnsQuery(f, "mail.test.", dnsmessage.TypeMX))
	f.Fuzz(func(t *testing.T, q []byte) {
		resp := answerDNS(context.Background(), testResolver, q)
		if resp == nil {
			return
		}
		var m dnsmessage.Message
		if err := m.Unpack(resp); err != nil {
			t.Fatalf("answer to % x does not parse: %v", q, err)
		}
		if len(resp) > 512 {
			t.Fatalf("answer of %d bytes", len(resp))
		}
	})
}
