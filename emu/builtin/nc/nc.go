// Package nc is OpenBSD netcat (Debian's netcat-openbsd 1.219) over the
// emulated stacks: a TCP or UDP client or a listener in the current
// namespace, copying standard input out and what arrives to standard
// output.
package nc

import "github.com/nsemu/nsemu/emu/shell"

// Builtins returns nc.
func Builtins() []*shell.Builtin {
	return []*shell.Builtin{{
		Name:  "nc",
		Group: shell.GroupPrograms,
		Usage: "nc [-l [-k]] [-u] [-z] [-v] [-C] [-N] [-q SEC] [-w SEC] [-p PORT] [HOST] PORT",
		Help: `TCP/UDP connections from the current namespace, like OpenBSD netcat.
  nc HOST PORT          connect, send standard input, print what comes back
  nc -l [-p] PORT       listen, accept one connection, print what arrives
  nc -l -k PORT         listen, and accept the next connection when one ends
  nc -z [-v] HOST PORT  only check whether the port is open
  -u UDP, -w SEC idle timeout (wall-clock), -q SEC quit SEC after standard input
  ends, -C send CR LF line ends, -N shut the connection's sending side at the
  end of standard input (always done), -v report the connection and failures.`,
		Run: run,
	}}
}
