package curl

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// hint is the line curl adds to a usage error.
const hint = "\ncurl: try 'curl --help' or 'curl --manual' for more information"

func curlReq(f func(r *Request)) Request {
	r := Request{HTTP: Exchange{Method: "GET", UA: "curl/7.88.1"}, RawURL: "u"}
	f(&r)
	return r
}

var parseCases = []struct {
	args string
	want Request // HTTP.URL not compared
	err  string
	code int // the *Error's code; 0 for a usage error
}{
	{args: "u", want: curlReq(func(*Request) {})},
	{args: "-sS -f -L u", want: curlReq(func(r *Request) { r.Silent, r.ShowError, r.Fail, r.Location = true, true, true, true })},
	{args: "-sI u", want: curlReq(func(r *Request) { r.Silent, r.Head, r.HTTP.Method = true, true, "HEAD" })},
	{args: "-i -v -k -4 --compressed u", want: curlReq(func(r *Request) { r.Include, r.Verbose = true, true })},
	{args: "-so /dev/null -w %{http_code} u", want: curlReq(func(r *Request) { r.Silent, r.Discard, r.WriteOut = true, true, "%{http_code}" })},
	{args: "-so/dev/null -O u", want: curlReq(func(r *Request) { r.Silent, r.Discard = true, true })},
	{args: "-H X-A:1 --header User-Agent:ua -A other u", want: curlReq(func(r *Request) { r.HTTP.Headers, r.HTTP.UA = []string{"X-A:1"}, "other" })},
	{args: "-HUser-agent:ua u", want: curlReq(func(r *Request) { r.HTTP.UA = "ua" })},
	{args: "-d a=1 u", want: curlReq(func(r *Request) { r.HTTP.Body, r.HTTP.Method = "a=1", "POST" })},
	{args: "-XPUT --data-raw a u", want: curlReq(func(r *Request) { r.HTTP.Body, r.HTTP.Method = "a", "PUT" })},
	{args: "-m 1.5 --connect-timeout 2 u", want: curlReq(func(r *Request) { r.HTTP.MaxTime, r.HTTP.ConnectTimeout = 1500*time.Millisecond, 2*time.Second })},
	{args: "-sm3 u", want: curlReq(func(r *Request) { r.Silent, r.HTTP.MaxTime = true, 3*time.Second })},
	{args: "a u", want: curlReq(func(*Request) {})},
	{args: "", err: "curl: no URL specified!" + hint},
	{args: "-s", err: "curl: no URL specified!" + hint},
	{args: "-Z u", err: "curl: option -Z: is unknown" + hint},
	{args: "-sZ u", err: "curl: option -Z: is unknown" + hint},
	{args: "--nope u", err: "curl: option --nope: is unknown" + hint},
	{args: "u -o", err: "curl: option -o: requires parameter" + hint},
	{args: "u -so", err: "curl: option -o: requires parameter" + hint},
	{args: "-m x u", err: "curl: option -m: expected a proper numerical parameter" + hint},
	{args: "--max-time -1 u", err: "curl: option --max-time: expected a proper numerical parameter" + hint},
	{args: "https://h/", err: `Protocol "https" not supported or disabled in libcurl (nsemu has no TLS)`, code: 1},
	{args: "ftp://h/", err: `Protocol "ftp" not supported or disabled in libcurl`, code: 1},
	{args: "http://", err: "URL rejected: Malformed input to a URL function", code: 3},
}

func TestParse(t *testing.T) {
	for _, c := range parseCases {
		got, err := Parse(strings.Fields(c.args))
		if c.err != "" {
			var e *Error
			code := 0
			if errors.As(err, &e) {
				code = e.Code
			}
			if err == nil || err.Error() != c.err || code != c.code {
				t.Errorf("Parse(%q): error %v (code %d), want %q (code %d)", c.args, err, code, c.err, c.code)
			}
			continue
		}
		if err != nil || got.HTTP.URL == nil || got.HTTP.URL.Scheme != "http" {
			t.Errorf("Parse(%q): %+v, %v", c.args, got, err)
			continue
		}
		got.HTTP.URL = nil
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("Parse(%q):\n got %+v\nwant %+v", c.args, got, c.want)
		}
	}
}

// FuzzParse: no command line panics curl's parser; what it accepts has
// an http URL.
func FuzzParse(f *testing.F) {
	for _, c := range parseCases {
		f.Add(c.args)
	}
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

var wgetCases = []struct {
	args string
	want WgetRequest // HTTP.URL not compared
	err  string
}{
	{args: "u", want: wgetReq(func(*WgetRequest) {})},
	{args: "-qO- u", want: wgetReq(func(r *WgetRequest) { r.Quiet, r.Out = true, "-" })},
	{args: "-qO - u", want: wgetReq(func(r *WgetRequest) { r.Quiet, r.Out = true, "-" })},
	{args: "-q -O out.html u", want: wgetReq(func(r *WgetRequest) { r.Quiet, r.Out = true, "out.html" })},
	{args: "--quiet -Oout -S u", want: wgetReq(func(r *WgetRequest) { r.Quiet, r.Out, r.ServerResponse = true, "out", true })},
	{args: "--spider --server-response u", want: wgetReq(func(r *WgetRequest) { r.Spider, r.ServerResponse, r.HTTP.Method = true, true, "HEAD" })},
	{args: "-T 2 u", want: wgetReq(func(r *WgetRequest) { r.HTTP.MaxTime = 2 * time.Second })},
	{args: "-T0.5 u", want: wgetReq(func(r *WgetRequest) { r.HTTP.MaxTime = 500 * time.Millisecond })},
	{args: "", err: usageWget},
	{args: "-q", err: usageWget},
	{args: "u -O", err: "wget: option requires an argument -- 'O'"},
	{args: "u -T", err: "wget: option requires an argument -- 'T'"},
	{args: "-T x u", err: "wget: invalid number 'x'"},
	{args: "--nope u", err: "wget: unrecognized option '--nope'"},
	// Letters group as getopt groups them (busybox's wget -qO FILE).
	{args: "-qO /dev/null u", want: wgetReq(func(r *WgetRequest) { r.Quiet, r.Out = true, "/dev/null" })},
	{args: "-qSOpage u", want: wgetReq(func(r *WgetRequest) { r.Quiet, r.ServerResponse, r.Out = true, true, "page" })},
	{args: "-qT 1 u", want: wgetReq(func(r *WgetRequest) { r.Quiet, r.HTTP.MaxTime = true, time.Second })},
	{args: "-x u", err: "wget: invalid option -- 'x'"},
	{args: "https://h/", err: "wget: unsupported protocol: https://h/"},
}

func TestParseWget(t *testing.T) {
	for _, c := range wgetCases {
		got, err := ParseWget(strings.Fields(c.args))
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("ParseWget(%q): error %v, want %q", c.args, err, c.err)
			}
			continue
		}
		if err != nil || got.HTTP.URL == nil {
			t.Errorf("ParseWget(%q): %+v, %v", c.args, got, err)
			continue
		}
		got.HTTP.URL = nil
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("ParseWget(%q):\n got %+v\nwant %+v", c.args, got, c.want)
		}
	}
}

// FuzzParseWget: no command line panics wget's parser; what it accepts
// has an http URL.
func FuzzParseWget(f *testing.F) {
	for _, c := range wgetCases {
		f.Add(c.args)
	}
	f.Fuzz(func(t *testing.T, line string) {
		r, err := ParseWget(strings.Fields(line))
		if err == nil && (r.HTTP.URL == nil || r.HTTP.URL.Scheme != "http") {
			t.Fatalf("ParseWget(%q) accepted %+v", line, r)
		}
	})
}
