package ethtool

import (
	"fmt"
	"strings"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/shell"
)

// run is ethtool: parse, find the device, act, print.
func run(c *shell.Cmd) int {
	r, err := Parse(c.Args[1:])
	if err != nil {
		return c.Exit(parseFailure(err))
	}
	if r.Mode == ModeVersion {
		c.Printf("ethtool version 6.1\n")
		return 0
	}
	d, err := c.NS.Link(r.Dev)
	if err != nil {
		return c.Exit(noDevice(r))
	}
	switch r.Mode {
	case ModeDriver:
		return c.Exit(printDriver(c, d))
	case ModeFeatures:
		printFeatures(c.Stdout, d)
		return 0
	case ModeSetFeatures:
		return c.Exit(setFeatures(c, d, r))
	case ModeStats:
		return c.Exit(printStats(c, d))
	}
	printSettings(c.Stdout, d)
	return 0
}

// parseFailure: a bad command line's status is 1; its first line is the
// failing step's cause.
func parseFailure(err error) error {
	msg := err.Error()
	first, _, _ := strings.Cut(msg, "\n")
	return &shell.ExitError{Status: 1, Msg: msg, Cause: first}
}

// noDevice is each mode's answer for a device that does not exist, with
// ethtool's status (the netlink requests of -k and -K, the ioctls of -i
// and -S, the five requests of a plain ethtool DEV).
func noDevice(r Request) error {
	const nl = "netlink error: no device matches name (offset 24)\nnetlink error: No such device"
	switch r.Mode {
	case ModeFeatures:
		return &shell.ExitError{Status: 1, Msg: nl}
	case ModeSetFeatures:
		return &shell.ExitError{Status: 92, Msg: nl}
	case ModeDriver:
		return shell.Failf(71, "Cannot get driver information: No such device")
	case ModeStats:
		return shell.Failf(96, "Cannot get stats strings information: No such device")
	}
	return &shell.ExitError{Status: 75, Msg: strings.Repeat(nl+"\n", 5) + "No data available"}
}

// setFeatures is -K: every name must be known (else nothing changes), the
// changeable ones are applied, and what did not end as asked, or changed
// unasked, is listed as ethtool lists it.
func setFeatures(c *shell.Cmd, d *emu.Device, r Request) error {
	want, unknown := expand(r.Changes)
	if unknown != "" {
		// The offset is where the name's attribute sits in ethtool's
		// netlink request: after the header with the device's name.
		off := 44 + (len(r.Dev)+1+3)/4*4
		return &shell.ExitError{Status: 92, Msg: fmt.Sprintf("netlink error: bit name not found (offset %d)\nnetlink error: Operation not supported", off)}
	}
	before := featuresOf(d)
	apply(d, want)
	after := featuresOf(d)
	lines, anyMet := changes(before, after, want)
	if len(want) == 0 || !anyMet {
		fmt.Fprintln(c.Stderr, "Could not change any device features")
		if len(lines) > 0 {
			c.Printf("Actual changes:\n%s", strings.Join(lines, ""))
		}
		return &shell.ExitError{Status: 1, Cause: "Could not change any device features"}
	}
	if len(lines) > 0 {
		c.Printf("Actual changes:\n%s", strings.Join(lines, ""))
	}
	return nil
}

// changes are -K's "Actual changes" lines, in the kernel's bit order, and
// whether the device took any of the requests (the feature is now wanted
// as asked, even if it cannot be on yet: tso without tx). As ethtool, it lists
// the changes only when something did not go as asked (a request refused,
// a feature that changed unasked); then every change is listed.
func changes(before, after features, want map[string]bool) (lines []string, anyMet bool) {
	surprise := false
	defer func() {
		if !surprise {
			lines = nil
		}
	}()
	for _, n := range bitOrder {
		w, asked := want[n]
		b, a := before[n], after[n]
		anyMet = anyMet || (asked && a.wanted == w)
		switch {
		case asked && a.on != w:
			surprise = true
			lines = append(lines, fmt.Sprintf("%s: %s [requested %s]\n", n, onOff(a.on), onOff(w)))
		case asked:
			if a.on != b.on {
				lines = append(lines, fmt.Sprintf("%s: %s\n", n, onOff(a.on)))
			}
		case a.on != b.on:
			surprise = true
			lines = append(lines, fmt.Sprintf("%s: %s [not requested]\n", n, onOff(a.on)))
		}
	}
	return lines, anyMet
}

func onOff(on bool) string {
	if on {
		return "on"
	}
	return "off"
}

var errNoStats = &shell.ExitError{Status: 94, Msg: "no stats available"}
