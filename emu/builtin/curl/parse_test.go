package curl

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/nsemu/nsemu/emu/builtin/internal/parsetest"
)

// hint is the line curl adds to a usage error.
const hint = "\ncurl: try 'curl --help' or 'curl --manual' for more information"

func curlReq(f func(r *Request)) Request {
	r := Request{HTTP: Exchange{Method: "GET", UA: "curl/7.88.1"}, RawURL: "u"}
	f(&r)
	return r
}

var parseCases = []parsetest.Case[Request]{
	{Args: "u", Want: curlReq(func(*Request) {})},
	{Args: "-sS -f -L u", Want: curlReq(func(r *Request) { r.Silent, r.ShowError, r.Fail, r.Location = true, true, true, true })},
	{Args: "-sI u", Want: curlReq(func(r *Request) { r.Silent, r.Head, r.HTTP.Method = true, true, "HEAD" })},
	{Args: "-i -v -k -4 --compressed u", Want: curlReq(func(r *Request) { r.Include, r.Verbose = true, true })},
	{Args: "-so /dev/null -w %{http_code} u", Want: curlReq(func(r *Request) { r.Silent, r.Discard, r.WriteOut = true, true, "%{http_code}" })},
	{Args: "-so/dev/null -O u", Want: curlReq(func(r *Request) { r.Silent, r.Discard = true, true })},
	{Args: "-H X-A:1 --header User-Agent:ua -A other u", Want: curlReq(func(r *Request) { r.HTTP.Headers, r.HTTP.UA = []string{"X-A:1"}, "other" })},
	{Args: "-HUser-agent:ua u", Want: curlReq(func(r *Request) { r.HTTP.UA = "ua" })},
	{Args: "-d a=1 u", Want: curlReq(func(r *Request) { r.HTTP.Body, r.HTTP.Method = "a=1", "POST" })},
	{Args: "-XPUT --data-raw a u", Want: curlReq(func(r *Request) { r.HTTP.Body, r.HTTP.Method = "a", "PUT" })},
	{Args: "-m 1.5 --connect-timeout 2 u", Want: curlReq(func(r *Request) { r.HTTP.MaxTime, r.HTTP.ConnectTimeout = 1500*time.Millisecond, 2*time.Second })},
	{Args: "-sm3 u", Want: curlReq(func(r *Request) { r.Silent, r.HTTP.MaxTime = true, 3*time.Second })},
	{Args: "a u", Want: curlReq(func(*Request) {})},
	{Args: "", Err: "curl: no URL specified!" + hint},
	{Args: "-s", Err: "curl: no URL specified!" + hint},
	{Args: "-Z u", Err: "curl: option -Z: is unknown" + hint},
	{Args: "-sZ u", Err: "curl: option -Z: is unknown" + hint},
	{Args: "--nope u", Err: "curl: option --nope: is unknown" + hint},
	{Args: "u -o", Err: "curl: option -o: requires parameter" + hint},
	{Args: "u -so", Err: "curl: option -o: requires parameter" + hint},
	{Args: "-m x u", Err: "curl: option -m: expected a proper numerical parameter" + hint},
	{Args: "--max-time -1 u", Err: "curl: option --max-time: expected a proper numerical parameter" + hint},
	{Args: "https://h/", Err: `(1) Protocol "https" not supported or disabled in libcurl (nsemu has no TLS)`},
	{Args: "ftp://h/", Err: `(1) Protocol "ftp" not supported or disabled in libcurl`},
	{Args: "http://", Err: "(3) URL rejected: Malformed input to a URL function"},
}

// parse is Parse with an *Error's code written before its message.
func parse(args []string) (Request, error) {
	r, err := Parse(args)
	var e *Error
	if errors.As(err, &e) {
		err = fmt.Errorf("(%d) %s", e.Code, e.Msg)
	}
	return r, err
}

// clearURL checks that an accepted request has an http URL, and clears
// it: the cases hold none.
func clearURL(t *testing.T, raw string, u **url.URL) {
	if *u == nil || (*u).Scheme != "http" {
		t.Errorf("%q: URL %v", raw, *u)
	}
	*u = nil
}

func noURL(t *testing.T, r *Request) { clearURL(t, r.RawURL, &r.HTTP.URL) }

func TestParse(t *testing.T) { parsetest.Run(t, parse, parseCases, noURL) }

// FuzzParse: no command line panics curl's parser; what it accepts has
// an http URL.
func FuzzParse(f *testing.F) {
	parsetest.Seed(f, parseCases)
	f.Fuzz(func(t *testing.T, line string) {
		r, err := Parse(strings.Fields(line))
		if err == nil && (r.HTTP.URL == nil || r.HTTP.URL.Scheme != "http" || r.HTTP.Method == "") {
			t.Fatalf("Parse(%q) accepted %+v", line, r)
		}
	})
}

func wgetReq(f func(r *WgetRequest)) WgetRequest {
	r := WgetRequest{HTTP: Exchange{Method: "GET", UA: "Wget"}, RawURL: "u"}
	f(&r)
	return r
}

// usageWget is busybox's answer to wget without a URL.
const usageWget = "BusyBox v1.36.1 (nsemu) multi-call binary.\n\nUsage: wget [-cqS] [--spider] [-O FILE] [-T SEC] URL..."

var wgetCases = []parsetest.Case[WgetRequest]{
	{Args: "u", Want: wgetReq(func(*WgetRequest) {})},
	{Args: "-qO- u", Want: wgetReq(func(r *WgetRequest) { r.Quiet, r.Out = true, "-" })},
	{Args: "-qO - u", Want: wgetReq(func(r *WgetRequest) { r.Quiet, r.Out = true, "-" })},
	{Args: "-q -O out.html u", Want: wgetReq(func(r *WgetRequest) { r.Quiet, r.Out = true, "out.html" })},
	{Args: "--quiet -Oout -S u", Want: wgetReq(func(r *WgetRequest) { r.Quiet, r.Out, r.ServerResponse = true, "out", true })},
	{Args: "--spider --server-response u", Want: wgetReq(func(r *WgetRequest) { r.Spider, r.ServerResponse, r.HTTP.Method = true, true, "HEAD" })},
	{Args: "-T 2 u", Want: wgetReq(func(r *WgetRequest) { r.HTTP.MaxTime = 2 * time.Second })},
	{Args: "-T0.5 u", Want: wgetReq(func(r *WgetRequest) { r.HTTP.MaxTime = 500 * time.Millisecond })},
	{Args: "", Err: usageWget},
	{Args: "-q", Err: usageWget},
	{Args: "u -O", Err: "wget: option requires an argument -- 'O'"},
	{Args: "u -T", Err: "wget: option requires an argument -- 'T'"},
	{Args: "-T x u", Err: "wget: invalid number 'x'"},
	{Args: "--nope u", Err: "wget: unrecognized option '--nope'"},
	// Letters group as getopt groups them (busybox's wget -qO FILE).
	{Args: "-qO /dev/null u", Want: wgetReq(func(r *WgetRequest) { r.Quiet, r.Out = true, "/dev/null" })},
	{Args: "-qSOpage u", Want: wgetReq(func(r *WgetRequest) { r.Quiet, r.ServerResponse, r.Out = true, true, "page" })},
	{Args: "-qT 1 u", Want: wgetReq(func(r *WgetRequest) { r.Quiet, r.HTTP.MaxTime = true, time.Second })},
	{Args: "-x u", Err: "wget: invalid option -- 'x'"},
	{Args: "https://h/", Err: "wget: unsupported protocol: https://h/"},
}

func noWgetURL(t *testing.T, r *WgetRequest) { clearURL(t, r.RawURL, &r.HTTP.URL) }

func TestParseWget(t *testing.T) { parsetest.Run(t, ParseWget, wgetCases, noWgetURL) }

// FuzzParseWget: no command line panics wget's parser; what it accepts
// has an http URL.
func FuzzParseWget(f *testing.F) {
	parsetest.Seed(f, wgetCases)
	f.Fuzz(func(t *testing.T, line string) {
		r, err := ParseWget(strings.Fields(line))
		if err == nil && (r.HTTP.URL == nil || r.HTTP.URL.Scheme != "http") {
			t.Fatalf("ParseWget(%q) accepted %+v", line, r)
		}
	})
}
