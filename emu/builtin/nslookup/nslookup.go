// Package nslookup is busybox's nslookup (1.35), what a busybox or alpine
// container's nslookup is: the queries go from the container's namespace
// to the name server of its /etc/resolv.conf (Docker's embedded one at
// 127.0.0.11) or the one named, and the answers are printed in busybox's
// words (`Server:\t\t127.0.0.11`, `Non-authoritative answer:`,
// `Name:\tweb`, `Address: 172.18.0.2`, `** server can't find nosuch:
// NXDOMAIN`). Elsewhere nslookup would be bind9's, which is not emulated.
//
// parse.go reads the command line (pure, fuzzed); run.go asks the server
// (emu/libc's Exchange) and prints.
package nslookup

import "github.com/nsemu/nsemu/emu/shell"

// Builtins returns nslookup.
func Builtins() []*shell.Builtin {
	return []*shell.Builtin{{
		Name:  "nslookup",
		Group: shell.GroupPrograms,
		Usage: "nslookup [-type=a|aaaa|ptr] HOST [DNS_SERVER]",
		Help: `In a busybox or alpine container, busybox's nslookup: asks the name server of
/etc/resolv.conf (Docker's embedded one, 127.0.0.11) or DNS_SERVER for HOST's
A and AAAA records (PTR for an address) and prints busybox's answer lines.
Exit status 1 when no query succeeded. bind9's nslookup (other images, the
host, named namespaces) is not emulated.`,
		Run: run,
	}}
}
