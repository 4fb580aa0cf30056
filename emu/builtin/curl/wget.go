package curl

import (
	"errors"
	"fmt"

	"github.com/nsemu/nsemu/emu/builtin/internal/getopt"
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

// wgetParser is busybox wget's grammar: getopt letters, a few long
// options, the URL.
var wgetParser = getopt.Parser[WgetRequest]{
	Prog: "wget",
	Options: []getopt.Option[WgetRequest]{
		{Letter: 'q', Apply: func(r *WgetRequest, _ string) error { r.Quiet = true; return nil }},
		{Letter: 'S', Apply: func(r *WgetRequest, _ string) error { r.ServerResponse = true; return nil }},
		{Letter: 'O', Arg: true, Apply: func(r *WgetRequest, v string) error { r.Out = v; return nil }},
		{Letter: 'T', Arg: true, Apply: func(r *WgetRequest, v string) error {
			d, err := shell.ParseSeconds(v)
			if err != nil {
				return fmt.Errorf("wget: invalid number '%s'", v)
			}
			r.HTTP.MaxTime = d
			return nil
		}},
	},
	Long: func(r *WgetRequest, a string) error {
		switch a {
		case "--quiet":
			r.Quiet = true
		case "--spider":
			r.Spider = true
		case "--server-response":
			r.ServerResponse = true
		default:
			return fmt.Errorf("wget: unrecognized option '%s'", a)
		}
		return nil
	},
	Operand: func(r *WgetRequest, a string) error { r.RawURL = a; return nil },
}

// ParseWget turns wget's arguments (without the command name) into a
// WgetRequest. Its errors are busybox's, exit status 1.
func ParseWget(args []string) (WgetRequest, error) {
	r := WgetRequest{HTTP: Exchange{Method: "GET", UA: "Wget"}}
	if err := wgetParser.Parse(&r, args); err != nil {
		return r, err
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
