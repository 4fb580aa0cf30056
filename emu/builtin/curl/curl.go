// Package curl is the HTTP clients: curl 7.88 and busybox wget, over the
// namespace's TCP sockets, with names resolved as getaddrinfo would
// (emu/libc). There is no TLS: https URLs are refused.
package curl

import "github.com/nsemu/nsemu/emu/shell"

// Builtins returns curl and wget.
func Builtins() []*shell.Builtin {
	return []*shell.Builtin{{
		Name:  "curl",
		Group: shell.GroupPrograms,
		Usage: "curl [-s] [-S] [-o FILE] [-I] [-i] [-v] [-f] [-L] [-m SEC] [--connect-timeout SEC] [-H HEADER] [-X METHOD] [-d DATA] [-A UA] [-w FORMAT] URL",
		Help: `Fetches an http:// URL from the current namespace, like curl 7.88: the body on
standard output (-o FILE discards it: there are no files), errors as
"curl: (7) Failed to connect to 172.17.0.2 port 80 after 0 ms: Couldn't
connect to server" with curl's exit codes (6 resolve, 7 connect, 22 -f and an
HTTP error, 28 timeout). -w understands %{http_code} %{remote_ip}
%{remote_port} %{size_download} %{time_total} and \n.`,
		Run: runCurl,
	}, {
		Name:  "wget",
		Group: shell.GroupPrograms,
		Usage: "wget [-q] [-O FILE|-] [-T SEC] [--spider] [-S] URL",
		Help:  `Fetches an http:// URL from the current namespace (busybox wget): -O- or -qO- prints the body; otherwise it is saved to "index.html" (discarded: there are no files).`,
		Run:   runWget,
	}}
}
