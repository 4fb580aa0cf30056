package curl

import (
	"errors"
	"fmt"
	"strings"

	"github.com/nsemu/nsemu/emu/shell"
)

// WgetRequest is a wget command line.
type WgetRequest struct {
	// HTTP is the request to make.
	HTTP Exchange
	// RawURL is the URL as given.
	RawURL string
	// Quiet is -q: no progress on standard error.
	Quiet bool
	// Spider is --spider: a HEAD request, only to check the URL.
	Spider bool
	// ServerResponse is -S: the response headers on standard error.
	ServerResponse bool
	// Out is -O: "-" for standard output; otherwise a file name (the
	// body is discarded), "" for index.html.
	Out string
}

// ParseWget turns wget's arguments (without the command name) into a
// WgetRequest. Its errors are busybox's, exit status 1.
func ParseWget(args []string) (WgetRequest, error) {
	r := WgetRequest{HTTP: Exchange{Method: "GET", UA: "Wget"}}
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-q" || a == "--quiet":
			r.Quiet = true
		case a == "--spider":
			r.Spider = true
		case a == "-S" || a == "--server-response":
			r.ServerResponse = true
		case a == "-qO-" || a == "-qO" && i+1 < len(args) && args[i+1] == "-":
			r.Quiet, r.Out = true, "-"
			if a == "-qO" {
				i++
			}
		case strings.HasPrefix(a, "-O") || strings.HasPrefix(a, "-T"):
			v := a[2:]
			if v == "" {
				i++
				if i >= len(args) {
					return r, fmt.Errorf("wget: option requires an argument -- '%c'", a[1])
				}
				v = args[i]
			}
			if a[1] == 'O' {
				r.Out = v
				break
			}
			d, err := shell.ParseSeconds(v)
			if err != nil {
				return r, fmt.Errorf("wget: invalid number '%s'", v)
			}
			r.HTTP.MaxTime = d
		case strings.HasPrefix(a, "-") && a != "-":
			return r, fmt.Errorf("wget: unrecognized option '%s'", a)
		default:
			r.RawURL = a
		}
	}
	if r.RawURL == "" {
		return r, errors.New("BusyBox v1.36.1 (nsemu) multi-call binary.\n\nUsage: wget [-cqS] [--spider] [-O FILE] [-T SEC] URL...")
	}
	u, err := ParseURL(r.RawURL)
	if err != nil {
		return r, fmt.Errorf("wget: unsupported protocol: %s", r.RawURL)
	}
	r.HTTP.URL = u
	if r.Spider {
		r.HTTP.Method = "HEAD"
	}
	return r, nil
}
