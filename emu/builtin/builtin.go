// Package builtin registers every built-in command with the interpreter.
// Each tool family is a package of its own under emu/builtin/ that exports
// Builtins(); adding a tool is adding its package and one line here.
// Importing this package (as cmd/nsemu and the tests do) makes the
// commands available to every shell.
package builtin

import (
	"github.com/nsemu/nsemu/emu/builtin/awk"
	"github.com/nsemu/nsemu/emu/builtin/coreutils"
	"github.com/nsemu/nsemu/emu/builtin/dmesg"
	"github.com/nsemu/nsemu/emu/builtin/docker"
	"github.com/nsemu/nsemu/emu/builtin/findutils"
	"github.com/nsemu/nsemu/emu/builtin/grep"
	"github.com/nsemu/nsemu/emu/builtin/iptables"
	"github.com/nsemu/nsemu/emu/builtin/nettools"
	"github.com/nsemu/nsemu/emu/builtin/nsemu"
	"github.com/nsemu/nsemu/emu/builtin/sed"
	"github.com/nsemu/nsemu/emu/builtin/sysctl"
	"github.com/nsemu/nsemu/emu/shell"
)

func init() {
	for _, tool := range [][]*shell.Builtin{
		awk.Builtins(),
		coreutils.Builtins(),
		dmesg.Builtins(),
		docker.Builtins(),
		findutils.Builtins(),
		grep.Builtins(),
		iptables.Builtins(),
		nettools.Builtins(),
		nsemu.Builtins(),
		sed.Builtins(),
		sysctl.Builtins(),
	} {
		shell.Register(tool...)
	}
}
