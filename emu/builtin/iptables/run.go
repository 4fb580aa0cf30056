package iptables

import (
	"errors"
	"fmt"
	"io"

	"github.com/nsemu/nsemu/emu/shell"
	"github.com/nsemu/nsemu/stack/netfilter"
)

// runIPTables is iptables: parse, apply to the namespace's tables (which
// prints the listings), report.
func runIPTables(c *shell.Cmd) int {
	cmd, err := netfilter.Parse(c.Args[1:])
	if err != nil {
		return exit(c, err)
	}
	for _, w := range cmd.Warnings {
		fmt.Fprintln(c.Stderr, w)
	}
	switch cmd.Cmd {
	case 'h':
		io.WriteString(c.Stdout, netfilter.Help)
		return 0
	case 'V':
		fmt.Fprintln(c.Stdout, netfilter.Version)
		return 0
	}
	return exit(c, c.NS.Stack().Netfilter().Exec(cmd, c.Stdout))
}

// runIPTablesSave is iptables-save: parse, print the tables.
func runIPTablesSave(c *shell.Cmd) int {
	req, err := netfilter.ParseSave(c.Args[1:])
	if err != nil {
		return exit(c, err)
	}
	return exit(c, c.NS.Stack().Netfilter().Save(c.Stdout, req, c.World().Clock().Now()))
}

// exit reports err as iptables does and returns the exit status: the
// status an *netfilter.Error carries, 3 for a missing table, 1 otherwise.
func exit(c *shell.Cmd, err error) int {
	var ie *netfilter.Error
	var te *netfilter.TableError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ie):
		io.WriteString(c.Stderr, ie.Msg)
		return ie.Status
	case errors.As(err, &te):
		fmt.Fprintf(c.Stderr, "%s\nPerhaps iptables or your kernel needs to be upgraded.\n", te.Error())
		return 3
	}
	fmt.Fprintf(c.Stderr, "%s\n", err)
	return 1
}
