// Package nsemu is nsemu's own commands, which no Linux tool has: step,
// the switch of the step-through.
package nsemu

import "github.com/nsemu/nsemu/emu/shell"

// Builtins returns nsemu's own commands.
func Builtins() []*shell.Builtin {
	return []*shell.Builtin{{
		Name:  "step",
		Group: shell.GroupNsemu,
		Usage: "step on|off",
		Help: `Turns step-by-step execution on or off (nsemu shell, nsemu run --step):
before every event the world pauses — its clock too — and shows the event
with the tables it touches; Enter = next event, s = next command,
c = continue, t = all tables, q = quit.`,
		Run: runStep,
	}}
}

func runStep(c *shell.Cmd) int {
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
