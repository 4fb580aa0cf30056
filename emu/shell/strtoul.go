package shell

import "github.com/nsemu/nsemu/stack/netfilter"

// iptStrtoul is C's strtoul on a whole string, as net-tools' parsers
// (nettools.go) read numbers; it lives with iptables' parser now. This
// line goes when net-tools leaves the interpreter for its own package.
var iptStrtoul = netfilter.Strtoul
