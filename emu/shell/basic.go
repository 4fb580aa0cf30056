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
			Usage: name + " -c 'COMMANDS'",
			Help:  "Runs shell text in the current namespace (only -c is supported in scripts).",
			Run:   runSh,
		})
	}
	Register(&Builtin{
		Name:  "sleep",
		Usage: "sleep SECONDS",
		Help:  "Waits on the emulator's clock. The first 50 ms pass in real time (background commands such as tcpdump & get ready); beyond that, while nothing is in flight, the clock jumps ahead, so a long sleep costs no wall time.",
		Run:   runSleep,
	})
	Register(&Builtin{
		Name:  "step",
		Usage: "step on|off",
		Help: `Turns step-by-step execution on or off (nsemu shell, nsemu run --step):
before every event the world pauses — its clock too — and shows the event
with the tables it touches; Enter = next event, s = next command,
c = continue, t = all tables, q = quit.`,
		Run: runStep,
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
		return c.Sh.RunString(c.Ctx, c.NS, c.Args[2], c.Stdin, c.Stdout, c.Stderr)
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

func runSleep(c *Cmd) int {
	if len(c.Args) < 2 {
		return c.Errorf("sleep: missing operand")
	}
	var total time.Duration
	for _, a := range c.Args[1:] {
		d, err := ParseSeconds(a)
		if err != nil {
			return c.Errorf("sleep: %v", err)
		}
		total += d
	}
	// The first moments pass in real time: a script sleeps to let a
	// command it started in the background (tcpdump &, nc -l &) get ready,
	// and that takes the scheduler real time. The rest is emulated time,
	// skipped while nothing happens.
	settle := min(total, 50*time.Millisecond)
	start := time.Now()
	select {
	case <-time.After(settle):
	case <-c.Ctx.Done():
		return 130
	}
	if err := c.Sleep(total - time.Since(start)); err != nil {
		return 130
	}
	return 0
}

func runHelp(c *Cmd) int {
	if len(c.Args) > 1 {
		b, ok := Lookup(c.Args[1])
		if !ok {
			return c.Errorf("help: no help for %q: not a built-in command", c.Args[1])
		}
		c.Printf("%s\n\n%s\n", b.Usage, b.Help)
		return 0
	}
	c.Printf("Built-in commands (they act on the emulated network):\n\n")
	for _, b := range Builtins() {
		if strings.HasPrefix(b.Name, "nsemu-") {
			continue
		}
		c.Printf("  %-14s %s\n", b.Name, b.Usage)
	}
	c.Printf("\nShell built-ins: echo printf true false test [ read set export cd exit ...\n")
	c.Printf("Host filters allowed in pipes: %s\n", strings.Join(HostFilters, " "))
	c.Printf("Run `help COMMAND` for one command.\n")
	return 0
}

func runStep(c *Cmd) int {
	st := c.Sh.Stepper
	if st == nil {
		return c.Errorf("step: stepping is available in nsemu shell and with nsemu run --step")
	}
	if len(c.Args) == 1 {
		state := "off"
		if st.Enabled() {
			state = "on"
		}
		c.Printf("step is %s\n", state)
		return 0
	}
	switch c.Args[1] {
	case "on":
		st.SetEnabled(true)
	case "off":
		st.SetEnabled(false)
	default:
		return c.Fail(2, "usage: step on|off")
	}
	return 0
}
