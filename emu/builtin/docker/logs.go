package docker

import (
	"fmt"
	"strconv"

	engine "github.com/nsemu/nsemu/emu/docker"
)

// logsFlags are docker logs' flags.
var logsFlags = []flagSpec{{"follow", 'f', false}, {"timestamps", 't', false}, {"tail", 'n', true}, {"details", 0, false}, {"since", 0, true}}

// logsRequest is a parsed docker logs.
type logsRequest struct {
	container          string
	follow, timestamps bool
	tail               int // the last lines to print, -1 for all
}

// parseLogs parses docker logs' arguments.
func parseLogs(sub string, args []string) (logsRequest, error) {
	r := logsRequest{tail: -1}
	f, err := parseFlags(args, logsFlags, true)
	if err != nil {
		return r, usageErr(sub, err)
	}
	if len(f.args) != 1 {
		return r, needArgs(sub, 1, true, "logs [OPTIONS] CONTAINER", "Fetch the logs of a container")
	}
	r.container = f.args[0]
	r.follow, r.timestamps = f.bool("follow"), f.bool("timestamps")
	if n, err := strconv.Atoi(f.get("tail")); err == nil && n >= 0 {
		r.tail = n
	}
	return r, nil
}

func dockerLogs(d *cli, e *engine.Engine, args []string) error {
	req, err := parseLogs(d.sub, args)
	if err != nil {
		return err
	}
	ctr, err := d.container(e, req.container)
	if err != nil {
		return err
	}
	lines := ctr.Logs()
	printed := len(lines)
	if req.tail >= 0 && req.tail < len(lines) {
		lines = lines[len(lines)-req.tail:]
	}
	d.printLogs(req, lines)
	if req.follow {
		d.followLogs(req, ctr, printed)
	}
	return nil
}

// followLogs prints the lines after the first printed until the container
// exits or the command is interrupted.
func (d *cli) followLogs(req logsRequest, ctr *engine.Container, printed int) {
	for {
		changed, exited := ctr.LogsChanged(), ctr.Exited()
		all := ctr.Logs()
		if len(all) > printed {
			d.printLogs(req, all[printed:])
			printed = len(all)
			continue
		}
		if exited == nil {
			return
		}
		select {
		case <-changed:
		case <-exited:
		case <-d.c.Ctx.Done():
			return
		}
	}
}

// printLogs prints log lines, each on the stream it was written to.
func (d *cli) printLogs(req logsRequest, lines []engine.LogLine) {
	for _, l := range lines {
		w := d.c.Stdout
		if l.Stream == "stderr" {
			w = d.c.Stderr
		}
		if req.timestamps {
			fmt.Fprintf(w, "%s %s\n", l.Time.UTC().Format("2006-01-02T15:04:05.000000000Z"), l.Text)
		} else {
			fmt.Fprintf(w, "%s\n", l.Text)
		}
	}
}
