package iperf3

import (
	"errors"
	"fmt"

	"github.com/nsemu/nsemu/emu/builtin/internal/getopt"
	"github.com/nsemu/nsemu/emu/shell"
)

// run is iperf3: parse, then serve or measure.
func run(c *shell.Cmd) int {
	r, err := Parse(c.Args[1:])
	if err != nil {
		return c.Exit(parseFailure(err))
	}
	switch {
	case r.Help:
		c.Printf("%s", usage)
		return 0
	case r.Version:
		c.Printf("iperf 3.12 (cJSON 1.7.15)\n")
		return 0
	case r.Server:
		return c.Exit(server(c, r))
	}
	return c.Exit(client(c, r))
}

// parseFailure is how iperf3 reports a bad command line: a parameter error
// with a blank line and the usage, getopt's complaint with the usage; the
// script's summary line is the complaint.
func parseFailure(err error) error {
	var pe *paramError
	var ge *getopt.Error
	var ne *notEmulated
	switch {
	case errors.As(err, &ne):
		return shell.Failf(1, "%s", ne.Error())
	case errors.As(err, &pe):
		return &shell.ExitError{Status: 1, Msg: fmt.Sprintf("%s\n\n%s", pe.Error(), usage), Cause: pe.Error()}
	case errors.As(err, &ge):
		return &shell.ExitError{Status: 1, Msg: fmt.Sprintf("%s\n%s", err.Error(), usage), Cause: err.Error()}
	}
	return &shell.ExitError{Status: 1, Msg: fmt.Sprintf("%s\n%s", err.Error(), usage), Cause: err.Error()}
}
