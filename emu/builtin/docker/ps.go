package docker

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	engine "github.com/nsemu/nsemu/emu/docker"
	"github.com/nsemu/nsemu/emu/shell"
)

// psFlags are docker ps's flags.
var psFlags = []flagSpec{
	{"all", 'a', false}, {"quiet", 'q', false}, {"filter", 'f', true}, {"format", 0, true},
	{"no-trunc", 0, false}, {"latest", 'l', false}, {"last", 'n', true}, {"size", 's', false},
}

// psFormat is docker ps's default format.
const psFormat = "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}"

// psFilter is one --filter KEY=VALUE.
type psFilter struct{ key, val string }

// psRequest is a parsed docker ps.
type psRequest struct {
	all, quiet, latest, noTrunc bool
	last                        int // -n: the last n containers, -1 when not given
	filters                     []psFilter
	format                      string
}

// parsePs parses docker ps's arguments.
func parsePs(sub string, args []string) (psRequest, error) {
	r := psRequest{last: -1}
	f, err := parseFlags(args, psFlags, true)
	if err != nil {
		return r, usageErr(sub, err)
	}
	if len(f.args) > 0 {
		return r, shell.Failf(1, "\"docker ps\" accepts no arguments.\nSee 'docker ps --help'.\n\nUsage:  docker ps [OPTIONS]\n\nList containers")
	}
	if r.filters, err = parsePsFilters(f.all("filter")); err != nil {
		return r, err
	}
	r.all = f.bool("all") || hasStatusFilter(r.filters)
	r.quiet, r.latest, r.noTrunc = f.bool("quiet"), f.bool("latest"), f.bool("no-trunc")
	if n, err := strconv.Atoi(f.get("last")); err == nil && n >= 0 {
		r.last = n
	}
	r.format = f.get("format")
	if r.format == "" {
		r.format = psFormat
	}
	return r, nil
}

func parsePsFilters(args []string) ([]psFilter, error) {
	var filters []psFilter
	for _, x := range args {
		k, v, ok := strings.Cut(x, "=")
		if !ok {
			return nil, shell.Failf(1, "bad format of filter (expected name=value)")
		}
		switch k {
		case "name", "id", "network", "status", "ancestor", "exited":
		default:
			return nil, shell.Failf(1, "Error response from daemon: invalid filter '%s'", k)
		}
		filters = append(filters, psFilter{k, v})
	}
	return filters, nil
}

func hasStatusFilter(fs []psFilter) bool {
	for _, f := range fs {
		if f.key == "status" || f.key == "exited" {
			return true
		}
	}
	return false
}

func dockerPs(d *cli, e *engine.Engine, args []string) error {
	req, err := parsePs(d.sub, args)
	if err != nil {
		return err
	}
	rows := psRows(e, req)
	if req.quiet {
		for _, r := range rows {
			d.c.Printf("%s\n", r.ID())
		}
		return nil
	}
	items := make([]any, len(rows))
	for i, r := range rows {
		items[i] = r
	}
	return d.writeTable(req.format, psHeader{}, items)
}

// psRows lists the containers docker ps shows, newest first.
func psRows(e *engine.Engine, req psRequest) []psRow {
	ctrs := e.Containers(req.all)
	if req.latest && len(ctrs) > 0 {
		ctrs = e.Containers(true)[:1]
	}
	if req.last >= 0 {
		ctrs = e.Containers(true)
		if req.last < len(ctrs) {
			ctrs = ctrs[:req.last]
		}
	}
	var rows []psRow
	for _, ctr := range ctrs {
		r := psRow{e: e, c: ctr, j: e.Inspect(ctr), noTrunc: req.noTrunc}
		if matchPs(e, r, req.filters) {
			rows = append(rows, r)
		}
	}
	return rows
}

// matchPs reports whether a row passes the filters: any value of a key,
// every key.
func matchPs(e *engine.Engine, r psRow, fs []psFilter) bool {
	byKey := map[string][]string{}
	for _, f := range fs {
		byKey[f.key] = append(byKey[f.key], f.val)
	}
	for k, vals := range byKey {
		ok := false
		for _, v := range vals {
			ok = ok || matchPsFilter(e, r, k, v)
		}
		if !ok {
			return false
		}
	}
	return true
}

func matchPsFilter(e *engine.Engine, r psRow, k, v string) bool {
	switch k {
	case "name":
		re, err := regexp.Compile(v)
		return (err == nil && re.MatchString("/"+r.c.Name)) || strings.Contains(r.c.Name, v)
	case "id":
		return strings.HasPrefix(r.c.ID, v)
	case "status":
		return r.j.State.Status == v
	case "exited":
		return r.j.State.Status == "exited" && fmt.Sprint(r.j.State.ExitCode) == v
	case "ancestor":
		return r.c.Image == v || engine.ImageBase(r.c.Image) == engine.ImageBase(v)
	case "network":
		for _, n := range e.ContainerNetworks(r.c) {
			net, err := e.Network(v)
			if n == v || (err == nil && net.Name == n) {
				return true
			}
		}
	}
	return false
}

// psRow is a row of docker ps, with the fields its --format templates use.
type psRow struct {
	e       *engine.Engine
	c       *engine.Container
	j       engine.ContainerJSON
	noTrunc bool
}

func (r psRow) ID() string {
	if r.noTrunc {
		return r.c.ID
	}
	return r.c.ShortID()
}
func (r psRow) Image() string { return r.c.Image }
func (r psRow) Command() string {
	cmd := strings.Join(append([]string{r.j.Path}, r.j.Args...), " ")
	if !r.noTrunc {
		cmd = ellipsis(cmd, 20)
	}
	return strconv.Quote(cmd)
}
func (r psRow) created() time.Time { t, _ := time.Parse(time.RFC3339Nano, r.j.Created); return t }
func (r psRow) CreatedAt() string {
	return r.created().Format("2006-01-02 15:04:05 -0700 MST")
}
func (r psRow) RunningFor() string { return humanDuration(r.e.Now().Sub(r.created())) + " ago" }
func (r psRow) State() string      { return r.j.State.Status }
func (r psRow) Status() string {
	switch r.j.State.Status {
	case "running":
		t, _ := time.Parse(time.RFC3339Nano, r.j.State.StartedAt)
		return "Up " + humanDuration(r.e.Now().Sub(t))
	case "exited":
		t, _ := time.Parse(time.RFC3339Nano, r.j.State.FinishedAt)
		return fmt.Sprintf("Exited (%d) %s ago", r.j.State.ExitCode, humanDuration(r.e.Now().Sub(t)))
	}
	return "Created"
}
func (r psRow) Ports() string {
	var out []string
	keys := make([]string, 0, len(r.j.NetworkSettings.Ports))
	for k := range r.j.NetworkSettings.Ports {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		bs := r.j.NetworkSettings.Ports[k]
		if len(bs) == 0 {
			out = append(out, k)
		}
		for _, b := range bs {
			out = append(out, fmt.Sprintf("%s:%s->%s", b.HostIP, b.HostPort, k))
		}
	}
	return strings.Join(out, ", ")
}
func (r psRow) Names() string    { return r.c.Name }
func (r psRow) Networks() string { return strings.Join(r.e.ContainerNetworks(r.c), ",") }
func (r psRow) Size() string     { return "0B (virtual 0B)" }
func (r psRow) Labels() string   { return "" }
func (r psRow) Mounts() string   { return "" }

// psHeader is the header row of a table format.
type psHeader struct{}

func (psHeader) ID() string         { return "CONTAINER ID" }
func (psHeader) Image() string      { return "IMAGE" }
func (psHeader) Command() string    { return "COMMAND" }
func (psHeader) CreatedAt() string  { return "CREATED AT" }
func (psHeader) RunningFor() string { return "CREATED" }
func (psHeader) State() string      { return "STATE" }
func (psHeader) Status() string     { return "STATUS" }
func (psHeader) Ports() string      { return "PORTS" }
func (psHeader) Names() string      { return "NAMES" }
func (psHeader) Networks() string   { return "NETWORKS" }
func (psHeader) Size() string       { return "SIZE" }
func (psHeader) Labels() string     { return "LABELS" }
func (psHeader) Mounts() string     { return "MOUNTS" }
