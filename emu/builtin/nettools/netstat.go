package nettools

import (
	"strings"

	"github.com/nsemu/nsemu/emu/shell"
)

// netstat: only -r, the routing table, is emulated.

// netstatReq is a parsed netstat command line.
type netstatReq struct {
	route, numeric bool
	ext            int // count of -e
}

// netstatOptions are netstat's options nsemu knows: long ones by name,
// short ones by letter, which combine (-rn).
var netstatOptions = []struct {
	names []string
	apply func(r *netstatReq)
}{
	{[]string{"--route", "r"}, func(r *netstatReq) { r.route = true }},
	{[]string{"--numeric", "n"}, func(r *netstatReq) { r.numeric = true }},
	{[]string{"--extend", "e"}, func(r *netstatReq) { r.ext++ }},
	{[]string{"v", "A"}, func(*netstatReq) {}},
}

var errNetstatView = shell.Failf(1, "netstat: only the routing table (netstat -r) is emulated by nsemu")

// parseNetstat parses netstat's arguments (without the command name).
func parseNetstat(args []string) (netstatReq, error) {
	var r netstatReq
	for _, a := range args {
		var names []string
		switch {
		case strings.HasPrefix(a, "--"):
			names = []string{a}
		case strings.HasPrefix(a, "-") && len(a) > 1:
			for _, l := range a[1:] {
				names = append(names, string(l))
			}
		default:
			return netstatReq{}, errNetstatView
		}
		for _, n := range names {
			if !netstatOption(&r, n) {
				return netstatReq{}, errNetstatView
			}
		}
	}
	if !r.route {
		return netstatReq{}, errNetstatView
	}
	return r, nil
}

func netstatOption(r *netstatReq, name string) bool {
	for _, o := range netstatOptions {
		for _, n := range o.names {
			if n == name {
				o.apply(r)
				return true
			}
		}
	}
	return false
}

// style is the routing table's: netstat -r shows MSS/Window/irtt; -e
// swaps in route's columns; -ee shows both.
func (r netstatReq) style() int {
	switch {
	case r.ext == 1:
		return styleRoute
	case r.ext >= 2:
		return styleBoth
	}
	return styleNetstat
}

// runNetstat is the netstat command.
func runNetstat(c *shell.Cmd) int {
	r, err := parseNetstat(c.Args[1:])
	if err != nil {
		return c.Exit(err)
	}
	c.Printf("%s", routeTable(c.NS.Stack(), r.numeric, r.style()))
	return 0
}
