package shell

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

func init() {
	for _, name := range []string{"sh", "bash"} {
		Register(&Builtin{
			Name:  name,
			Group: GroupInterpreter,
			Usage: name + " -c 'COMMANDS'",
			Help:  "Runs shell text in the current namespace (only -c is supported in scripts).",
			Run:   runSh,
		})
	}
	Register(&Builtin{
		Name:  "nsemu-type",
		Usage: "type NAME... | command -v|-V NAME... | which NAME...",
		Help:  "Says what a command name is: a shell builtin, a function, or a program of the emulated machine (in /usr/bin). The host's programs are never looked up.",
		Run:   runType,
	})
	for _, b := range []*Builtin{
		{Name: "nsemu-jobs", Usage: "jobs [-l] [-p]", Help: "Lists the background jobs, as bash does.", Run: func(c *Cmd) int { return c.Sh.jobsCmd(c) }},
		{Name: "nsemu-fg", Usage: "fg [%N]", Help: "Waits for a background job in the foreground (Ctrl-C ends it).", Run: func(c *Cmd) int { return c.Sh.fgCmd(c) }},
		{Name: "nsemu-bg", Usage: "bg [%N]", Help: "Jobs are never stopped in nsemu: they all run in the background already.", Run: func(c *Cmd) int { return c.Sh.bgCmd(c) }},
		{Name: "nsemu-kill", Usage: "kill [-SIG] %N|PID...", Help: "Ends background jobs (%N, %+, %-, $! or the PID printed at their start). Every signal ends the job.", Run: func(c *Cmd) int { return c.Sh.killCmd(c) }},
		{Name: waitCmd, Usage: "wait %N...", Help: "Waits for jobs.", Run: func(c *Cmd) int { return c.Sh.waitJobsCmd(c) }},
	} {
		b.Group = GroupInterpreter
		Register(b)
	}
	Register(&Builtin{
		Name:  "sudo",
		Group: GroupInterpreter,
		Usage: "sudo COMMAND [ARGS...]",
		Help:  "Runs COMMAND: in nsemu everything already runs as root, so tutorials' sudo lines work as written.",
		Run:   runSudo,
	})
	Register(&Builtin{
		Name:  "nsemu-help",
		Usage: "help [COMMAND]",
		Help:  "Lists the built-in commands, or shows one command's usage.",
		Run:   runHelp,
	})
}

func runSh(c *Cmd) int {
	if len(c.Args) >= 3 && c.Args[1] == "-c" {
		return c.Sh.RunString(c.Ctx, c.NS, c.Args[2], c.Stdin, c.Stdout, c.Stderr, c.Args[3:]...)
	}
	if len(c.Args) == 1 && c.Sh.Interactive != nil {
		return c.Sh.Interactive(c)
	}
	return c.Fail(2, "%s: only `%s -c 'COMMANDS'` is supported here", c.Args[0], c.Args[0])
}

// ParseSeconds parses a duration in seconds as sleep, ping -i and -W take it
// ("1", "0.2", "1.5s").
func ParseSeconds(s string) (time.Duration, error) {
	s = strings.TrimSuffix(s, "s")
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f > 1e6 {
		return 0, fmt.Errorf("invalid time interval %q", s)
	}
	return time.Duration(f * float64(time.Second)), nil
}
