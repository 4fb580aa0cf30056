package ethtool

import (
	"errors"
	"fmt"
	"strings"
)

// Mode is what an ethtool command line asks for.
type Mode int

// Modes.
const (
	ModeSettings    Mode = iota // ethtool DEV
	ModeDriver                  // -i
	ModeFeatures                // -k
	ModeSetFeatures             // -K
	ModeStats                   // -S
	ModeVersion                 // --version
)

// Change is one "NAME on|off" of -K, as typed (a legacy flag such as
// tso, or a feature name such as tx-tcp-segmentation).
type Change struct {
	Name string
	On   bool
}

// Request is an ethtool command line.
type Request struct {
	Mode    Mode
	Dev     string
	Changes []Change
}

// errBadCmdline is ethtool's answer to a command line it cannot read.
var errBadCmdline = errors.New("ethtool: bad command line argument(s)\nFor more information run ethtool -h")

// modes maps the options nsemu has to their mode.
var modes = map[string]Mode{
	"-i": ModeDriver, "--driver": ModeDriver,
	"-k": ModeFeatures, "--show-features": ModeFeatures, "--show-offload": ModeFeatures,
	"-K": ModeSetFeatures, "--features": ModeSetFeatures, "--offload": ModeSetFeatures,
	"-S": ModeStats, "--statistics": ModeStats,
}

// realOnly are ethtool 6.1's other options: nsemu says it does not have
// them.
var realOnly = strings.Fields(`-a -A -c -C -g -G -x -X -n -N -u -U -t -T -e -E -p -r -s -l -L -m -d -P -w -W -f -b -B -D -M -q -Q -h
--help --show-pause --pause --show-coalesce --coalesce --show-ring --set-ring --show-rxfh-indir
--show-rxfh --rxfh --config-nfc --config-ntuple --show-nfc --show-ntuple --test --show-time-stamping
--show-eee --set-eee --identify --negotiate --change --show-channels --set-channels --dump-module-eeprom
--module-info --register-dump --eeprom-dump --show-permaddr --get-dump --set-dump --flash
--show-priv-flags --set-priv-flags --show-fec --set-fec --per-queue --json --debug --all-groups
--include-statistics --show-tunnels --monitor --show-module --set-module --cable-test --cable-test-tdr`)

// Parse turns ethtool's arguments (without the command name) into a
// Request.
func Parse(args []string) (Request, error) {
	if len(args) == 0 {
		return Request{}, errBadCmdline
	}
	a := args[0]
	if a == "--version" {
		return Request{Mode: ModeVersion}, nil
	}
	m, ok := modes[a]
	switch {
	case ok:
		args = args[1:]
	case containsString(realOnly, a):
		return Request{}, fmt.Errorf("nsemu: ethtool %s: not emulated", a)
	case strings.HasPrefix(a, "-"):
		return Request{}, errBadCmdline
	}
	if len(args) == 0 {
		return Request{}, errBadCmdline
	}
	r := Request{Mode: m, Dev: args[0]}
	if m == ModeSetFeatures {
		return r, r.parseChanges(args[1:])
	}
	if len(args) > 1 {
		return r, fmt.Errorf("ethtool: unexpected parameter '%s'", args[1])
	}
	return r, nil
}

// parseChanges reads -K's NAME on|off pairs, in ethtool's words when a
// value is missing or wrong ("(null)" is what ethtool prints there).
func (r *Request) parseChanges(args []string) error {
	for i := 0; i < len(args); i += 2 {
		if i+1 >= len(args) {
			return errors.New("ethtool (-K): flag '(null)' for parameter '(null)' is not followed by 'on' or 'off'")
		}
		var on bool
		switch args[i+1] {
		case "on":
			on = true
		case "off":
		default:
			return fmt.Errorf("ethtool (-K): flag '%s' for parameter '(null)' is not followed by 'on' or 'off'", args[i+1])
		}
		r.Changes = append(r.Changes, Change{Name: args[i], On: on})
	}
	return nil
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
