package curl

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Request is a curl command line.
type Request struct {
	// HTTP is the request to make; its URL is set once the command line
	// is parsed.
	HTTP Exchange
	// RawURL is the URL as given (the last one).
	RawURL string
	// Silent is -s, ShowError -S: with -s, errors are printed only with -S.
	Silent, ShowError bool
	// Head is -I (a HEAD request, the headers printed), Include -i (the
	// headers printed before the body).
	Head, Include bool
	// Verbose is -v: the exchange on standard error.
	Verbose bool
	// Fail is -f: an HTTP error is exit code 22.
	Fail bool
	// Location is -L: follow redirects.
	Location bool
	// Discard is -o or -O: the body goes to a file, which does not exist.
	Discard bool
	// WriteOut is -w's format.
	WriteOut string
}

// Error is a failed transfer: curl's exit code and message.
type Error struct {
	Code int
	Msg  string
}

func (e *Error) Error() string { return e.Msg }

// option is a row of curl's option table: its names, whether it takes a
// value, and what it does to the request. opt is the name as given.
type option struct {
	names []string
	arg   bool
	apply func(r *Request, opt, val string) error
}

// letterArgs are the short options that take a value: in a group of
// letters (-sSo FILE, -so/dev/null) the rest of the group is the value.
const letterArgs = "oHXdmwA"

func flag(field func(*Request) *bool) func(*Request, string, string) error {
	return func(r *Request, _, _ string) error { *field(r) = true; return nil }
}

func seconds(field func(*Request) *time.Duration) func(*Request, string, string) error {
	return func(r *Request, opt, v string) error {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 {
			return usage("option %s: expected a proper numerical parameter", opt)
		}
		*field(r) = time.Duration(f * float64(time.Second))
		return nil
	}
}

// options is curl's table of options.
var options = []option{
	{[]string{"-s", "--silent"}, false, flag(func(r *Request) *bool { return &r.Silent })},
	{[]string{"-S", "--show-error"}, false, flag(func(r *Request) *bool { return &r.ShowError })},
	{[]string{"-I", "--head"}, false, func(r *Request, _, _ string) error { r.Head, r.HTTP.Method = true, "HEAD"; return nil }},
	{[]string{"-i", "--include"}, false, flag(func(r *Request) *bool { return &r.Include })},
	{[]string{"-v", "--verbose"}, false, flag(func(r *Request) *bool { return &r.Verbose })},
	{[]string{"-f", "--fail"}, false, flag(func(r *Request) *bool { return &r.Fail })},
	{[]string{"-L", "--location"}, false, flag(func(r *Request) *bool { return &r.Location })},
	{[]string{"-k", "--insecure", "-4", "--ipv4", "-N", "--no-buffer", "--compressed"}, false, nil},
	{[]string{"-o", "--output"}, true, flag(func(r *Request) *bool { return &r.Discard })},
	{[]string{"-O", "--remote-name"}, false, flag(func(r *Request) *bool { return &r.Discard })},
	{[]string{"-H", "--header"}, true, func(r *Request, _, v string) error {
		if strings.HasPrefix(strings.ToLower(v), "user-agent:") {
			r.HTTP.UA = strings.TrimSpace(v[len("user-agent:"):])
		} else {
			r.HTTP.Headers = append(r.HTTP.Headers, v)
		}
		return nil
	}},
	{[]string{"-A", "--user-agent"}, true, func(r *Request, _, v string) error { r.HTTP.UA = v; return nil }},
	{[]string{"-X", "--request"}, true, func(r *Request, _, v string) error { r.HTTP.Method = v; return nil }},
	{[]string{"-d", "--data", "--data-raw", "--data-binary"}, true, func(r *Request, _, v string) error {
		r.HTTP.Body = v
		if r.HTTP.Method == "GET" {
			r.HTTP.Method = "POST"
		}
		return nil
	}},
	{[]string{"-m", "--max-time"}, true, seconds(func(r *Request) *time.Duration { return &r.HTTP.MaxTime })},
	{[]string{"--connect-timeout"}, true, seconds(func(r *Request) *time.Duration { return &r.HTTP.ConnectTimeout })},
	{[]string{"-w", "--write-out"}, true, func(r *Request, _, v string) error { r.WriteOut = v; return nil }},
}

func lookup(name string) (option, bool) {
	for _, o := range options {
		for _, n := range o.names {
			if n == name {
				return o, true
			}
		}
	}
	return option{}, false
}

// usage is a command line curl refuses, in its words, with its hint.
func usage(format string, a ...any) error {
	return fmt.Errorf("curl: "+format+"\ncurl: try 'curl --help' or 'curl --manual' for more information", a...)
}

// Parse turns curl's arguments (without the command name) into a
// Request. A bad command line is a plain error (exit code 2, always
// printed); a URL curl cannot fetch is an *Error.
func Parse(args []string) (Request, error) {
	r := Request{HTTP: Exchange{Method: "GET", UA: "curl/7.88.1"}}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") || a == "-" {
			r.RawURL = a
			continue
		}
		for _, o := range split(a) {
			used, err := r.apply(o, args[i+1:])
			if err != nil {
				return r, err
			}
			i += used
		}
	}
	if r.RawURL == "" {
		return r, usage("no URL specified!")
	}
	u, err := ParseURL(r.RawURL)
	r.HTTP.URL = u
	return r, err
}

// given is one option as the command line gives it: its name, and its
// value when a group of letters holds it (-so/dev/null).
type given struct {
	name, val string
	inline    bool
}

// split splits an argument into options: a long option is one, a group
// of letters (-sS, -sI, -so FILE) is one a letter, the value of the last
// being the rest of the group, if any.
func split(a string) []given {
	if strings.HasPrefix(a, "--") || len(a) <= 2 {
		return []given{{name: a}}
	}
	var opts []given
	for j := 1; j < len(a); j++ {
		g := given{name: "-" + string(rune(a[j]))}
		if strings.IndexByte(letterArgs, a[j]) >= 0 && j+1 < len(a) {
			g.val, g.inline = a[j+1:], true
			return append(opts, g)
		}
		opts = append(opts, g)
	}
	return opts
}

// apply applies one option; its value, when not inline, is the next
// argument, the first of rest. It returns how many of rest it used.
func (r *Request) apply(g given, rest []string) (int, error) {
	o, ok := lookup(g.name)
	if !ok {
		return 0, usage("option %s: is unknown", g.name)
	}
	used := 0
	if o.arg && !g.inline {
		if len(rest) == 0 {
			return 0, usage("option %s: requires parameter", g.name)
		}
		g.val, used = rest[0], 1
	}
	if o.apply == nil {
		return used, nil
	}
	return used, o.apply(r, g.name, g.val)
}

// ParseURL parses a URL as curl takes it: the scheme defaults to http,
// and http is the only one.
func ParseURL(raw string) (*url.URL, error) {
	s := raw
	if !strings.Contains(s, "://") {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return nil, &Error{3, "URL rejected: Malformed input to a URL function"}
	}
	switch u.Scheme {
	case "http":
	case "https":
		return nil, &Error{1, `Protocol "https" not supported or disabled in libcurl (nsemu has no TLS)`}
	default:
		return nil, &Error{1, fmt.Sprintf("Protocol %q not supported or disabled in libcurl", u.Scheme)}
	}
	return u, nil
}
