// Package brctl is bridge-utils 1.7's brctl on the emulated bridges: show,
// showmacs, addbr, delbr, addif, delif, setageing and stp. STP is not
// emulated: `brctl stp BR on` is accepted with a warning, and ports forward
// at once.
//
// parse.go turns a command line into a request (the command and its
// arguments, counted), run.go applies it and print.go holds brctl's
// tables.
package brctl

import (
	"errors"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/shell"
)

// Builtins returns brctl.
func Builtins() []*shell.Builtin {
	return []*shell.Builtin{
		{
			Group: shell.GroupBridge,
			Name:  "brctl",
			Usage: "brctl { show [BR] | showmacs BR | addbr BR | delbr BR | addif BR DEV | delif BR DEV }",
			Help: `Manages the emulated bridges as bridge-utils' brctl does. STP is not
emulated: "brctl stp BR on" is accepted, and ports forward at once.`,
			Run: runBrctl,
		},
	}
}

// brctl is one run of brctl.
type brctl struct {
	c  *shell.Cmd
	ns *emu.Namespace
}

func runBrctl(c *shell.Cmd) int {
	r, err := parse(c.Args[1:])
	var u *usageError
	if errors.As(err, &u) {
		c.Printf("%s", help())
		return c.Exit(shell.Failf(1, "%s", u.msg))
	}
	if err != nil {
		return c.Exit(err)
	}
	b := &brctl{c: c, ns: c.NS}
	if r.cmd.run == nil {
		return c.Exit(shell.Failf(1, "nsemu: \"brctl %s\" is not emulated (STP is not emulated)", r.cmd.name))
	}
	return c.Exit(r.cmd.run(b, r.args))
}
