package docker

import (
	"fmt"
	"net/netip"
	"strings"

	engine "github.com/nsemu/nsemu/emu/docker"
	"github.com/nsemu/nsemu/emu/shell"
)

// docker network and its subcommands.

const networkUsage = `
Usage:  docker network COMMAND

Manage networks

Commands:
  connect     Connect a container to a network
  create      Create a network
  disconnect  Disconnect a container from a network
  inspect     Display detailed information on one or more networks
  ls          List networks
  rm          Remove one or more networks
`

var networkSubcommands = map[string]subcommand{
	"ls":         networkLs,
	"list":       networkLs,
	"create":     networkCreate,
	"inspect":    networkInspect,
	"rm":         networkRm,
	"remove":     networkRm,
	"connect":    networkConnect,
	"disconnect": networkDisconnect,
}

func dockerNetwork(d *cli, e *engine.Engine, args []string) error {
	if len(args) == 0 {
		d.c.Printf("%s", networkUsage)
		return nil
	}
	sub := args[0]
	d.sub = "network " + sub
	f, ok := networkSubcommands[sub]
	if !ok {
		return shell.Failf(1, "docker: 'network %s' is not a docker command.\nSee 'docker network --help'", sub)
	}
	return f(d, e, args[1:])
}

// ---- docker network ls ----

var networkLsFlags = []flagSpec{{"quiet", 'q', false}, {"format", 0, true}, {"no-trunc", 0, false}, {"filter", 'f', true}}

// networkLsFormat is docker network ls's default format.
const networkLsFormat = "table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}"

func networkLs(d *cli, e *engine.Engine, args []string) error {
	f, err := d.flags(args, networkLsFlags, true)
	if err != nil {
		return err
	}
	var items []any
	for _, n := range e.Networks() {
		if matchNetwork(n, f.all("filter")) {
			items = append(items, netRow{n: n, noTrunc: f.bool("no-trunc")})
		}
	}
	if f.bool("quiet") {
		for _, it := range items {
			d.c.Printf("%s\n", it.(netRow).ID())
		}
		return nil
	}
	format := f.get("format")
	if format == "" {
		format = networkLsFormat
	}
	return d.writeTable(format, netHeader{}, items)
}

// matchNetwork reports whether a network passes every --filter KEY=VALUE
// (unknown keys pass).
func matchNetwork(n *engine.Network, filters []string) bool {
	for _, flt := range filters {
		k, v, _ := strings.Cut(flt, "=")
		switch {
		case k == "name" && !strings.Contains(n.Name, v),
			k == "driver" && n.Driver != v,
			k == "id" && !strings.HasPrefix(n.ID, v):
			return false
		}
	}
	return true
}

// netRow is a row of docker network ls, with the fields its --format
// templates use.
type netRow struct {
	n       *engine.Network
	noTrunc bool
}

func (r netRow) ID() string {
	if r.noTrunc {
		return r.n.ID
	}
	return r.n.ShortID()
}
func (r netRow) Name() string     { return r.n.Name }
func (r netRow) Driver() string   { return r.n.Driver }
func (r netRow) Scope() string    { return "local" }
func (r netRow) IPv6() string     { return "false" }
func (r netRow) Internal() string { return "false" }
func (r netRow) CreatedAt() string {
	return r.n.Created.Format("2006-01-02 15:04:05.999999999 -0700 MST")
}
func (r netRow) Labels() string { return "" }

// netHeader is the header row of a table format.
type netHeader struct{}

func (netHeader) ID() string        { return "NETWORK ID" }
func (netHeader) Name() string      { return "NAME" }
func (netHeader) Driver() string    { return "DRIVER" }
func (netHeader) Scope() string     { return "SCOPE" }
func (netHeader) IPv6() string      { return "IPV6" }
func (netHeader) Internal() string  { return "INTERNAL" }
func (netHeader) CreatedAt() string { return "CREATED" }
func (netHeader) Labels() string    { return "LABELS" }

// ---- docker network create, rm ----

var networkCreateFlags = []flagSpec{{"subnet", 0, true}, {"gateway", 0, true}, {"driver", 'd', true},
	{"attachable", 0, false}, {"label", 0, true}, {"opt", 'o', true}}

// parseNetworkCreate parses docker network create's arguments.
func parseNetworkCreate(sub string, args []string) (engine.NetworkOptions, error) {
	f, err := parseFlags(args, networkCreateFlags, true)
	if err != nil {
		return engine.NetworkOptions{}, usageErr(sub, err)
	}
	if len(f.args) != 1 {
		return engine.NetworkOptions{}, needArgs(sub, 1, true, "network create [OPTIONS] NETWORK", "Create a network")
	}
	if len(f.all("subnet")) > 1 || len(f.all("gateway")) > 1 {
		return engine.NetworkOptions{}, shell.Failf(1, "Error response from daemon: nsemu emulates one subnet per network")
	}
	return engine.NetworkOptions{Name: f.args[0], Driver: f.get("driver"), Subnet: f.get("subnet"), Gateway: f.get("gateway")}, nil
}

func networkCreate(d *cli, e *engine.Engine, args []string) error {
	o, err := parseNetworkCreate(d.sub, args)
	if err != nil {
		return err
	}
	n, err := e.CreateNetwork(o)
	if err != nil {
		return daemonErr(err)
	}
	d.c.Printf("%s\n", n.ID)
	return nil
}

func networkRm(d *cli, e *engine.Engine, args []string) error {
	f, err := d.flags(args, []flagSpec{{"force", 'f', false}}, true)
	if err != nil {
		return err
	}
	if len(f.args) == 0 {
		return needArgs(d.sub, 1, false, "network rm NETWORK [NETWORK...]", "Remove one or more networks")
	}
	return d.each(f.args, e.RemoveNetwork)
}

// ---- docker network inspect ----

func networkInspect(d *cli, e *engine.Engine, args []string) error {
	f, err := d.flags(args, []flagSpec{{"format", 'f', true}, {"verbose", 'v', false}}, true)
	if err != nil {
		return err
	}
	if len(f.args) == 0 {
		return needArgs(d.sub, 1, false, "network inspect [OPTIONS] NETWORK [NETWORK...]", "Display detailed information on one or more networks")
	}
	var vals []any
	var errs []error
	for _, ref := range f.args {
		n, err := e.Network(ref)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		vals = append(vals, e.InspectNetwork(n))
	}
	if err := d.printInspect(f.get("format"), vals); err != nil {
		return err
	}
	for _, err := range errs {
		d.c.Exit(daemonErr(err))
	}
	return exitStatus(min(len(errs), 1))
}

// ---- docker network connect, disconnect ----

// connectRequest is a parsed docker network connect or disconnect.
type connectRequest struct {
	network, container string
	ip                 netip.Addr // --ip, connect only
}

var (
	connectFlags    = []flagSpec{{"ip", 0, true}, {"alias", 0, true}}
	disconnectFlags = []flagSpec{{"force", 'f', false}}
)

// parseConnect parses docker network connect's arguments.
func parseConnect(sub string, args []string) (connectRequest, error) {
	f, err := parseFlags(args, connectFlags, true)
	if err != nil {
		return connectRequest{}, usageErr(sub, err)
	}
	if len(f.args) != 2 {
		return connectRequest{}, needArgs(sub, 2, true, "network connect [OPTIONS] NETWORK CONTAINER", "Connect a container to a network")
	}
	r := connectRequest{network: f.args[0], container: f.args[1]}
	if s := f.get("ip"); s != "" {
		a, err := netip.ParseAddr(s)
		if err != nil || !a.Is4() {
			return r, usageErr(sub, fmt.Errorf("invalid argument %q for \"--ip\" flag: invalid string being converted to IP address: %s", s, s))
		}
		r.ip = a
	}
	return r, nil
}

func networkConnect(d *cli, e *engine.Engine, args []string) error {
	req, err := parseConnect(d.sub, args)
	if err != nil {
		return err
	}
	if err := e.Connect(req.network, req.container, req.ip); err != nil {
		return daemonErr(err)
	}
	return nil
}

func networkDisconnect(d *cli, e *engine.Engine, args []string) error {
	f, err := d.flags(args, disconnectFlags, true)
	if err != nil {
		return err
	}
	if len(f.args) != 2 {
		return needArgs(d.sub, 2, true, "network disconnect [OPTIONS] NETWORK CONTAINER", "Disconnect a container from a network")
	}
	if err := e.Disconnect(f.args[0], f.args[1]); err != nil {
		return daemonErr(err)
	}
	return nil
}
