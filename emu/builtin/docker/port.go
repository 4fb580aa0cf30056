package docker

import (
	"fmt"
	"strings"

	engine "github.com/nsemu/nsemu/emu/docker"
	"github.com/nsemu/nsemu/emu/shell"
)

// portRequest is a parsed docker port.
type portRequest struct {
	container string
	// private is the port asked for as given, want the same as PORT/PROTO;
	// want is "" when none was asked for (all are listed).
	private, want string
}

// parsePort parses docker port's arguments.
func parsePort(sub string, args []string) (portRequest, error) {
	f, err := parseFlags(args, nil, true)
	if err != nil {
		return portRequest{}, usageErr(sub, err)
	}
	if len(f.args) < 1 || len(f.args) > 2 {
		return portRequest{}, needArgs(sub, 1, false, "port CONTAINER [PRIVATE_PORT[/PROTO]]", "List port mappings or a specific mapping for the container")
	}
	r := portRequest{container: f.args[0]}
	if len(f.args) == 2 {
		r.private, r.want = f.args[1], f.args[1]
		if !strings.Contains(r.want, "/") {
			r.want += "/tcp"
		}
	}
	return r, nil
}

func dockerPort(d *cli, e *engine.Engine, args []string) error {
	req, err := parsePort(d.sub, args)
	if err != nil {
		return err
	}
	ctr, err := d.container(e, req.container)
	if err != nil {
		return err
	}
	want := req.want
	found := false
	for _, b := range ctr.PublishedPorts() {
		key := fmt.Sprintf("%d/%s", b.ContainerPort, b.Proto)
		switch {
		case want == "":
			d.c.Printf("%s -> %s:%d\n", key, b.HostIPString(), b.HostPort)
		case want == key:
			d.c.Printf("%s:%d\n", b.HostIPString(), b.HostPort)
		default:
			continue
		}
		found = true
	}
	if want != "" && !found {
		return shell.Failf(1, "Error: No public port '%s' published for %s", req.private, req.container)
	}
	return nil
}
