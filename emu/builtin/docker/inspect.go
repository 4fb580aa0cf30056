package docker

import (
	"fmt"

	engine "github.com/nsemu/nsemu/emu/docker"
)

// inspectFlags are docker inspect's flags.
var inspectFlags = []flagSpec{{"format", 'f', true}, {"type", 0, true}, {"size", 's', false}}

// inspectRequest is a parsed docker inspect.
type inspectRequest struct {
	refs   []string
	typ    string // container, network, or "" for either
	format string
}

// parseInspect parses docker inspect's arguments.
func parseInspect(sub string, args []string) (inspectRequest, error) {
	f, err := parseFlags(args, inspectFlags, true)
	if err != nil {
		return inspectRequest{}, usageErr(sub, err)
	}
	if len(f.args) == 0 {
		return inspectRequest{}, needArgs(sub, 1, false, "inspect [OPTIONS] NAME|ID [NAME|ID...]", "Return low-level information on Docker objects")
	}
	return inspectRequest{refs: f.args, typ: f.get("type"), format: f.get("format")}, nil
}

func dockerInspect(d *cli, e *engine.Engine, args []string) error {
	req, err := parseInspect(d.sub, args)
	if err != nil {
		return err
	}
	var vals []any
	var missing []string
	for _, ref := range req.refs {
		if v := inspectObject(e, req.typ, ref); v != nil {
			vals = append(vals, v)
		} else {
			missing = append(missing, ref)
		}
	}
	if err := d.printInspect(req.format, vals); err != nil {
		return err
	}
	for _, ref := range missing {
		fmt.Fprintf(d.c.Stderr, "Error: No such object: %s\n", ref)
	}
	return exitStatus(min(len(missing), 1))
}

// inspectObject returns the view of a container or a network, nil if there
// is none of that name.
func inspectObject(e *engine.Engine, typ, ref string) any {
	if typ == "" || typ == "container" {
		if c, err := e.Container(ref); err == nil {
			return e.Inspect(c)
		}
	}
	if typ == "" || typ == "network" {
		if n, err := e.Network(ref); err == nil {
			return e.InspectNetwork(n)
		}
	}
	return nil
}
