package tc

import (
	"errors"
	"io"
	"strings"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/shell"
)

// exitKernel is tc's status when the kernel refuses a request.
const exitKernel = 2

// run is tc: parse, act, print.
func run(c *shell.Cmd) int {
	r, err := Parse(c.Args[1:])
	if err != nil {
		return c.Exit(err)
	}
	io.WriteString(c.Stdout, r.Out)
	io.WriteString(c.Stderr, r.Note)
	if r.Out != "" || r.Cmd == CmdUsage {
		return 0
	}
	ns, err := namespace(c, r.Netns)
	if err != nil {
		return c.Exit(err)
	}
	if r.Cmd == CmdShow {
		return c.Exit(show(c.Stdout, ns, r))
	}
	return c.Exit(modify(ns, r))
}

// namespace is the namespace tc acts on: -n's (as ip -n finds it), or
// the current one.
func namespace(c *shell.Cmd, name string) (*emu.Namespace, error) {
	if name == "" {
		return c.NS, nil
	}
	if name == "." || name == ".." || strings.ContainsRune(name, '/') {
		return nil, shell.Failf(exitUsage, "Invalid netns name %q", name)
	}
	ns, err := c.World().Namespace(name)
	if err != nil {
		return nil, shell.Failf(exitUsage, "Cannot open network namespace %q: No such file or directory", name)
	}
	return ns, nil
}

// ops maps tc's commands to the kernel's operations.
var ops = map[Command]emu.QdiscOp{CmdAdd: emu.QdiscAdd, CmdChange: emu.QdiscChange, CmdReplace: emu.QdiscReplace, CmdDelete: emu.QdiscDelete}

// modify sends an add, change, replace or delete to the kernel.
func modify(ns *emu.Namespace, r *Request) error {
	if r.Dev == "" {
		// tc sends ifindex 0, which the kernel refuses.
		return shell.Failf(exitKernel, "RTNETLINK answers: No such device")
	}
	req := emu.QdiscRequest{Op: ops[r.Cmd], Root: r.Root, Handle: r.Handle, Kind: r.Kind, Netem: r.Netem, TBF: r.TBF}
	err := ns.ModifyQdisc(r.Dev, req)
	var nodev *emu.DeviceNotFound
	switch {
	case err == nil:
		return nil
	case errors.As(err, &nodev):
		return shell.Failf(exitBadArg, "%v", err)
	}
	return shell.Failf(exitKernel, "%v", err)
}

// show lists the root qdiscs of the namespace's devices, or of one.
func show(w io.Writer, ns *emu.Namespace, r *Request) error {
	devs := ns.Links()
	if r.Dev != "" {
		d, err := ns.Link(r.Dev)
		if err != nil {
			return shell.Failf(exitBadArg, "%v", err)
		}
		devs = []*emu.Device{d}
	}
	for _, d := range devs {
		q := d.Qdisc()
		if q.Kind == "noop" || (r.Handle != 0 && q.Handle != r.Handle) {
			continue
		}
		printQdisc(w, r, d, q)
	}
	return nil
}
