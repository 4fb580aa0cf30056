package coreutils

import (
	"time"

	"github.com/nsemu/nsemu/emu/shell"
)

func runSleep(c *shell.Cmd) int {
	if len(c.Args) < 2 {
		return c.Errorf("sleep: missing operand")
	}
	var total time.Duration
	for _, a := range c.Args[1:] {
		d, err := shell.ParseSeconds(a)
		if err != nil {
			return c.Errorf("sleep: %v", err)
		}
		total += d
	}
	// The first moments pass in real time: a script sleeps to let a
	// command it started in the background (tcpdump &, nc -l &) get ready,
	// and that takes the scheduler real time. The rest is emulated time,
	// skipped while nothing happens. On purely emulated time there is no
	// real time to spend: the shell starts a command only once the
	// background ones are ready (emu.World.Settle).
	if c.World().EmulatedTime() {
		if err := c.Sleep(total); err != nil {
			return 130
		}
		return 0
	}
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
