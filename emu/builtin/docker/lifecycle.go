package docker

import (
	engine "github.com/nsemu/nsemu/emu/docker"
)

// docker stop, start, restart, kill and rm: each acts on the containers
// named, printing each name it acted on and the daemon's error for each
// it could not.

// lifecycleCmd is one of these subcommands.
type lifecycleCmd struct {
	flags       []flagSpec
	usage, what string
	op          func(e *engine.Engine, f *flags, c *engine.Container) error
}

var (
	dockerStop = lifecycleCmd{
		flags: []flagSpec{{"time", 't', true}, {"signal", 's', true}},
		usage: "stop [OPTIONS] CONTAINER [CONTAINER...]", what: "Stop one or more running containers",
		op: func(e *engine.Engine, _ *flags, c *engine.Container) error { return e.Stop(c) },
	}.run
	dockerKill = lifecycleCmd{
		flags: []flagSpec{{"signal", 's', true}},
		usage: "kill [OPTIONS] CONTAINER [CONTAINER...]", what: "Kill one or more running containers",
		op: func(e *engine.Engine, _ *flags, c *engine.Container) error { return e.Kill(c) },
	}.run
	dockerRestart = lifecycleCmd{
		flags: []flagSpec{{"time", 't', true}, {"signal", 's', true}},
		usage: "restart [OPTIONS] CONTAINER [CONTAINER...]", what: "Restart one or more containers",
		op: func(e *engine.Engine, _ *flags, c *engine.Container) error { return e.Restart(c) },
	}.run
	dockerStart = lifecycleCmd{
		flags: []flagSpec{{"attach", 'a', false}, {"interactive", 'i', false}},
		usage: "start [OPTIONS] CONTAINER [CONTAINER...]", what: "Start one or more stopped containers",
		op: func(e *engine.Engine, _ *flags, c *engine.Container) error { return e.Start(c, engine.AttachIO{}) },
	}.run
	dockerRm = lifecycleCmd{
		flags: []flagSpec{{"force", 'f', false}, {"volumes", 'v', false}, {"link", 'l', false}},
		usage: "rm [OPTIONS] CONTAINER [CONTAINER...]", what: "Remove one or more containers",
		op: func(e *engine.Engine, f *flags, c *engine.Container) error { return e.Remove(c, f.bool("force")) },
	}.run
)

func (l lifecycleCmd) run(d *cli, e *engine.Engine, args []string) error {
	f, err := d.flags(args, l.flags, true)
	if err != nil {
		return err
	}
	if len(f.args) == 0 {
		return needArgs(d.sub, 1, false, l.usage, l.what)
	}
	return d.each(f.args, func(ref string) error {
		ctr, err := e.Container(ref)
		if err != nil {
			return err
		}
		return l.op(e, f, ctr)
	})
}

// each runs op for each reference, printing the reference on success and
// the daemon's error otherwise; it fails (exit 1) if any op did.
func (d *cli) each(refs []string, op func(ref string) error) error {
	status := 0
	for _, ref := range refs {
		if err := op(ref); err != nil {
			status = d.c.Exit(daemonErr(err))
			continue
		}
		d.c.Printf("%s\n", ref)
	}
	return exitStatus(status)
}
