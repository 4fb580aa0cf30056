package iproute2

import (
	"errors"
	"strings"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/shell"
)

// iproute2's errors in its words, with its exit statuses: 255 for a bad
// command line, 1 for a missing device or a failed check in ip itself, 2
// when the kernel (here, the emulator) refuses the change.

func invarg(msg, arg string) error {
	return shell.Failf(255, "Error: argument %q is wrong: %s", arg, msg)
}

func duparg2(key, arg string) error {
	return shell.Failf(255, "Error: either %q is duplicate, or %q is a garbage.", key, arg)
}

func duparg(key, arg string) error {
	return shell.Failf(255, "Error: duplicate %q: %q is the second value.", key, arg)
}

func incomplete() error {
	return shell.Failf(255, "Command line is not complete. Try option \"help\"")
}

// usage is a usage text printed for `help` or a bad command line.
func usage(text string) error { return shell.Failf(255, "%s", text) }

func nodev(name string) error { return shell.Failf(1, "Cannot find device %q", name) }

func noSuchDevice(name string) error { return shell.Failf(1, "Device %q does not exist.", name) }

// errPrefix is iproute2's get_prefix complaint. nsemu emulates IPv4 only,
// so the family is always inet.
func errPrefix(arg string) error {
	return shell.Failf(1, "Error: inet prefix is expected rather than %q.", arg)
}

func errAddress(arg string) error {
	return shell.Failf(1, "Error: inet address is expected rather than %q.", arg)
}

// rtnl is a refusal by the kernel: exit status 2.
func rtnl(format string, a ...any) error { return shell.Failf(2, format, a...) }

var (
	errFileExists   = &shell.ExitError{Status: 2, Msg: "RTNETLINK answers: File exists"}
	errNoSuchProc   = &shell.ExitError{Status: 2, Msg: "RTNETLINK answers: No such process"}
	errNoSuchFile   = &shell.ExitError{Status: 2, Msg: "RTNETLINK answers: No such file or directory"}
	errNoSuchDevice = &shell.ExitError{Status: 2, Msg: "RTNETLINK answers: No such device"}
	errInvalidArg   = &shell.ExitError{Status: 2, Msg: "RTNETLINK answers: Invalid argument"}
	errNotSupported = &shell.ExitError{Status: 2, Msg: "RTNETLINK answers: Operation not supported"}
)

// emuErr turns an error from the emu or stack API into an exit error.
func emuErr(err error) error {
	if err == nil {
		return nil
	}
	if e, ok := err.(*shell.ExitError); ok {
		return e
	}
	var dnf *emu.DeviceNotFound
	if errors.As(err, &dnf) {
		return nodev(dnf.Name)
	}
	msg := err.Error()
	switch {
	case err == emu.ErrExists:
		return errFileExists
	case strings.HasPrefix(msg, "RTNETLINK answers:"), strings.HasPrefix(msg, "Error:"):
		return shell.Failf(2, "%s", msg)
	}
	return shell.Failf(2, "RTNETLINK answers: %s", msg)
}
