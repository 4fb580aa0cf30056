// Package dmesg is the kernel log's readers: dmesg and journalctl -k, over
// the namespace's emulated kernel log (iptables LOG and TRACE lines).
package dmesg

import (
	"fmt"
	"time"

	"github.com/nsemu/nsemu/emu/shell"
	"github.com/nsemu/nsemu/emu/vfs"
	"gvisor.dev/gvisor/pkg/tcpip"
)

// Builtins returns dmesg and journalctl.
func Builtins() []*shell.Builtin {
	return []*shell.Builtin{
		{
			Group: shell.GroupPrograms,
			Name:  "dmesg",
			Usage: "dmesg [-T]",
			Help:  "Prints the current namespace's emulated kernel log: iptables LOG and TRACE lines, with seconds since the emulator started (-T: wall-clock time).",
			Run:   runDmesg,
		},
		{
			Group: shell.GroupPrograms,
			Name:  "journalctl",
			Usage: "journalctl -k [-n N] [--no-pager]",
			Help:  "Prints the current namespace's emulated kernel log in journal format (only -k, the kernel log, exists here).",
			Run:   runJournalctl,
		},
	}
}

func runDmesg(c *shell.Cmd) int {
	human := false
	for _, a := range c.Args[1:] {
		switch a {
		case "-T", "--ctime":
			human = true
		case "-x", "-k", "--kernel", "-L", "--color=never":
		default:
			return c.Errorf("dmesg: invalid option -- '%s'", a)
		}
	}
	clock := c.World().Clock()
	for _, l := range c.NS.Stack().KernelLog() {
		since := l.Time.Sub(tcpip.MonotonicTime{})
		if human {
			c.Printf("[%s] %s\n", vfs.WallTime(clock.Now(), clock.NowMonotonic(), l.Time).Format("Mon Jan  2 15:04:05 2006"), l.Text)
			continue
		}
		c.Printf("[%5d.%06d] %s\n", since/time.Second, (since%time.Second)/time.Microsecond, l.Text)
	}
	return 0
}

func runJournalctl(c *shell.Cmd) int {
	kernel := false
	n := -1
	args := c.Args[1:]
	for i := 0; i < len(args); i++ {
		switch a := args[i]; a {
		case "-k", "--dmesg":
			kernel = true
		case "--no-pager", "-q", "--quiet":
		case "-n", "--lines":
			i++
			if i >= len(args) {
				return c.Errorf("journalctl: option requires an argument -- 'n'")
			}
			if _, err := fmt.Sscanf(args[i], "%d", &n); err != nil || n < 0 {
				return c.Errorf("Failed to parse lines '%s'", args[i])
			}
		default:
			return c.Errorf("journalctl: unrecognized option '%s'", a)
		}
	}
	if !kernel {
		return c.Errorf("nsemu: journalctl: only the kernel log (-k) is emulated")
	}
	clock := c.World().Clock()
	lines := c.NS.Stack().KernelLog()
	if n >= 0 && n < len(lines) {
		lines = lines[len(lines)-n:]
	}
	for _, l := range lines {
		c.Printf("%s nsemu kernel: %s\n", vfs.WallTime(clock.Now(), clock.NowMonotonic(), l.Time).Format("Jan 02 15:04:05"), l.Text)
	}
	return 0
}
