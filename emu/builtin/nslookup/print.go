package nslookup

import (
	"fmt"
	"io"
	"net/netip"
	"strings"

	"golang.org/x/net/dns/dnsmessage"
)

// rcodeNames are the response codes as busybox names them.
var rcodeNames = map[dnsmessage.RCode]string{
	dnsmessage.RCodeFormatError:    "FORMERR",
	dnsmessage.RCodeServerFailure:  "SERVFAIL",
	dnsmessage.RCodeNameError:      "NXDOMAIN",
	dnsmessage.RCodeNotImplemented: "NOTIMP",
	dnsmessage.RCodeRefused:        "REFUSED",
}

// printReply prints one response as busybox's parse_reply does and says
// whether it was a success.
func printReply(w io.Writer, q query, resp []byte) bool {
	var p dnsmessage.Parser
	h, err := p.Start(resp)
	if err == nil {
		err = p.SkipAllQuestions()
	}
	if err != nil {
		fmt.Fprintf(w, "** server can't find %s: FORMERR\n\n", q.name)
		return false
	}
	if h.RCode != dnsmessage.RCodeSuccess {
		name, ok := rcodeNames[h.RCode]
		if !ok {
			name = fmt.Sprintf("%d", h.RCode)
		}
		fmt.Fprintf(w, "** server can't find %s: %s\n\n", q.name, name)
		return false
	}
	if h.Authoritative {
		io.WriteString(w, "Authoritative answer:\n")
	} else {
		io.WriteString(w, "Non-authoritative answer:\n")
	}
	for {
		rh, err := p.AnswerHeader()
		if err != nil {
			break
		}
		if !printAnswer(w, &p, rh) {
			break
		}
	}
	io.WriteString(w, "\n")
	return true
}

// printAnswer prints one answer record; false when the rest cannot be read.
func printAnswer(w io.Writer, p *dnsmessage.Parser, rh dnsmessage.ResourceHeader) bool {
	name := strings.TrimSuffix(rh.Name.String(), ".")
	switch rh.Type {
	case dnsmessage.TypeA:
		r, err := p.AResource()
		if err != nil {
			return false
		}
		fmt.Fprintf(w, "Name:\t%s\nAddress: %s\n", name, netip.AddrFrom4(r.A))
	case dnsmessage.TypeAAAA:
		r, err := p.AAAAResource()
		if err != nil {
			return false
		}
		fmt.Fprintf(w, "Name:\t%s\nAddress: %s\n", name, netip.AddrFrom16(r.AAAA))
	case dnsmessage.TypeCNAME:
		r, err := p.CNAMEResource()
		if err != nil {
			return false
		}
		fmt.Fprintf(w, "%s\tcanonical name = %s\n", name, strings.TrimSuffix(r.CNAME.String(), "."))
	case dnsmessage.TypePTR:
		r, err := p.PTRResource()
		if err != nil {
			return false
		}
		fmt.Fprintf(w, "%s\tname = %s\n", name, strings.TrimSuffix(r.PTR.String(), "."))
	default:
		return p.SkipAnswer() == nil
	}
	return true
}
