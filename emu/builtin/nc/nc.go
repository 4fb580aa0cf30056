// Package nc is OpenBSD netcat over the emulated stacks: a TCP or UDP
// client or a one-connection listener in the current namespace, copying
// standard input out and what arrives to standard output.
package nc

import "github.com/nsemu/nsemu/emu/shell"

// Builtins returns nc.
func Builtins() []*shell.Builtin {
	return []*shell.Builtin{{
		Name:  "nc",
		Group: shell.GroupPrograms,
		Usage: "nc [-l] [-u] [-z] [-v] [-w SEC] [-p PORT] [HOST] PORT",
		Help: `TCP/UDP connections from the current namespace, like OpenBSD netcat.
  nc HOST PORT          connect, send standard input, print what comes back
  nc -l [-p] PORT       listen, accept one connection, print what arrives
  nc -z [-v] HOST PORT  only check whether the port is open
  -u UDP, -w SEC idle timeout (wall-clock), -v report the connection.`,
		Run: run,
	}}
}
