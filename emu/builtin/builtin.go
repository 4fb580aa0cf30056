// Package builtin registers every built-in command with the interpreter.
// Each tool family is a package of its own under emu/builtin/ that exports
// Builtins(); adding a tool is adding its package and one line here.
// Importing this package (as cmd/nsemu and the tests do) makes the
// commands available to every shell.
package builtin

import (
	"github.com/nsemu/nsemu/emu/builtin/arping"
	"github.com/nsemu/nsemu/emu/builtin/awk"
	"github.com/nsemu/nsemu/emu/builtin/brctl"
	"github.com/nsemu/nsemu/emu/builtin/conntrack"
	"github.com/nsemu/nsemu/emu/builtin/coreutils"
	"github.com/nsemu/nsemu/emu/builtin/curl"
	"github.com/nsemu/nsemu/emu/builtin/dmesg"
	"github.com/nsemu/nsemu/emu/builtin/docker"
	"github.com/nsemu/nsemu/emu/builtin/ethtool"
	"github.com/nsemu/nsemu/emu/builtin/findutils"
	"github.com/nsemu/nsemu/emu/builtin/grep"
	"github.com/nsemu/nsemu/emu/builtin/iperf3"
	"github.com/nsemu/nsemu/emu/builtin/iproute2"
	"github.com/nsemu/nsemu/emu/builtin/iptables"
	"github.com/nsemu/nsemu/emu/builtin/kmod"
	"github.com/nsemu/nsemu/emu/builtin/nc"
	"github.com/nsemu/nsemu/emu/builtin/nettools"
	"github.com/nsemu/nsemu/emu/builtin/nsemu"
	"github.com/nsemu/nsemu/emu/builtin/nslookup"
	"github.com/nsemu/nsemu/emu/builtin/ping"
	"github.com/nsemu/nsemu/emu/builtin/python"
	"github.com/nsemu/nsemu/emu/builtin/sed"
	"github.com/nsemu/nsemu/emu/builtin/ss"
	"github.com/nsemu/nsemu/emu/builtin/sysctl"
	"github.com/nsemu/nsemu/emu/builtin/tc"
	"github.com/nsemu/nsemu/emu/builtin/tcpdump"
	"github.com/nsemu/nsemu/emu/builtin/tracepath"
	"github.com/nsemu/nsemu/emu/builtin/traceroute"
	"github.com/nsemu/nsemu/emu/shell"
)

func init() {
	for _, tool := range [][]*shell.Builtin{
		arping.Builtins(),
		awk.Builtins(),
		brctl.Builtins(),
		conntrack.Builtins(),
		coreutils.Builtins(),
		curl.Builtins(),
		dmesg.Builtins(),
		docker.Builtins(),
		ethtool.Builtins(),
		findutils.Builtins(),
		grep.Builtins(),
		iperf3.Builtins(),
		iproute2.Builtins(),
		iptables.Builtins(),
		kmod.Builtins(),
		nc.Builtins(),
		nettools.Builtins(),
		nsemu.Builtins(),
		nslookup.Builtins(),
		ping.Builtins(),
		python.Builtins(),
		sed.Builtins(),
		ss.Builtins(),
		sysctl.Builtins(),
		tc.Builtins(),
		tcpdump.Builtins(),
		tracepath.Builtins(),
		traceroute.Builtins(),
	} {
		shell.Register(tool...)
	}
}
