package nslookup

import (
	"strings"
	"testing"

	"golang.org/x/net/dns/dnsmessage"

	"github.com/nsemu/nsemu/emu/builtin/internal/parsetest"
)

var parseCases = []parsetest.Case[Request]{
	{Args: "web", Want: Request{Host: "web"}},
	{Args: "web 127.0.0.11", Want: Request{Host: "web", Server: "127.0.0.11"}},
	{Args: "-type=AAAA web", Want: Request{Host: "web", Types: []dnsmessage.Type{dnsmessage.TypeAAAA}}},
	{Args: "-query=ptr 2.0.18.172.in-addr.arpa", Want: Request{Host: "2.0.18.172.in-addr.arpa", Types: []dnsmessage.Type{dnsmessage.TypePTR}}},
	{Args: "", Err: usage},
	{Args: "-x web", Err: usage},
	{Args: "web db extra", Err: usage},
	{Args: "-type=foo web", Err: `nslookup: invalid query type "foo"`},
	{Args: "-type=mx web", Err: "nsemu: busybox nslookup -type=mx: not emulated"},
	{Args: "-debug web", Err: "nsemu: busybox nslookup -debug: not emulated"},
}

func TestParse(t *testing.T) {
	parsetest.Run(t, Parse, parseCases, nil)
}

// FuzzParse: no command line panics the parser; what it accepts has a
// host, and one query type at most.
func FuzzParse(f *testing.F) {
	parsetest.Seed(f, parseCases)
	f.Fuzz(func(t *testing.T, line string) {
		r, err := Parse(strings.Fields(line))
		if err != nil {
			return
		}
		if r.Host == "" || len(r.Types) > 1 {
			t.Fatalf("Parse(%q) = %v", line, r)
		}
	})
}

// TestQueries: an address asks for its PTR record, a name for A and AAAA.
func TestQueries(t *testing.T) {
	q := queries(Request{Host: "172.18.0.2"})
	if len(q) != 1 || q[0].name != "2.0.18.172.in-addr.arpa" || q[0].typ != dnsmessage.TypePTR {
		t.Errorf("queries(172.18.0.2) = %+v", q)
	}
	q = queries(Request{Host: "web"})
	if len(q) != 2 || q[0].typ != dnsmessage.TypeA || q[1].typ != dnsmessage.TypeAAAA {
		t.Errorf("queries(web) = %+v", q)
	}
}
