package nslookup

import (
	"fmt"
	"strings"

	"golang.org/x/net/dns/dnsmessage"

	"github.com/nsemu/nsemu/emu/shell"
)

// usage is busybox nslookup's, printed on a bad command line.
const usage = `BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) multi-call binary.

Usage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]

Query DNS about HOST

QUERY_TYPE: soa,ns,a,aaaa,cname,mx,txt,ptr,srv,any`

// Request is a busybox nslookup command line.
type Request struct {
	Host string
	// Server is DNS_SERVER; "" for /etc/resolv.conf's first.
	Server string
	// Types are the queries' types: A and AAAA by default.
	Types []dnsmessage.Type
}

// queryTypes are the -type values busybox knows; those nsemu prints the
// answers of map to a type, the others to 0.
var queryTypes = map[string]dnsmessage.Type{
	"a": dnsmessage.TypeA, "aaaa": dnsmessage.TypeAAAA, "ptr": dnsmessage.TypePTR, "cname": dnsmessage.TypeCNAME,
	"soa": 0, "ns": 0, "mx": 0, "txt": 0, "srv": 0, "any": 0,
}

// Parse reads busybox nslookup's arguments: options first, then HOST and
// an optional DNS_SERVER.
func Parse(args []string) (Request, error) {
	var r Request
	for len(args) > 0 && strings.HasPrefix(args[0], "-") && len(args[0]) > 1 {
		if err := option(&r, args[0]); err != nil {
			return Request{}, err
		}
		args = args[1:]
	}
	if len(args) < 1 || len(args) > 2 {
		return Request{}, shell.Failf(1, "%s", usage)
	}
	r.Host = args[0]
	if len(args) == 2 {
		r.Server = args[1]
	}
	return r, nil
}

func option(r *Request, a string) error {
	name, val, hasVal := strings.Cut(a[1:], "=")
	switch {
	case (name == "type" || name == "query" || name == "q" || name == "t") && hasVal:
		t, ok := queryTypes[strings.ToLower(val)]
		if !ok {
			return shell.Failf(1, "nslookup: invalid query type \"%s\"", val)
		}
		if t == 0 {
			return shell.Failf(1, "nsemu: busybox nslookup -type=%s: not emulated", val)
		}
		r.Types = []dnsmessage.Type{t}
		return nil
	case name == "debug" && !hasVal:
		return shell.Failf(1, "nsemu: busybox nslookup -debug: not emulated")
	}
	return shell.Failf(1, "%s", usage)
}

// String is for the tests' messages.
func (r Request) String() string { return fmt.Sprintf("%q %q %v", r.Host, r.Server, r.Types) }
