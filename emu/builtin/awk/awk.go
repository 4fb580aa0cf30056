// Package awk is awk in process, on GoAWK (github.com/benhoyt/goawk): a
// maintained, POSIX-complete Go implementation whose interpreter has the
// switches a contained awk needs — NoExec (no system(), no command
// pipes), NoFileReads and NoFileWrites — and takes its input, output
// and environment from the caller.
//
// All three are on. The files named on the command line are read
// through the emulated file system instead: each becomes "-" in GoAWK's
// ARGV and is served, in turn, as standard input, so FNR restarts at each
// one; a rule run first at each file's first record sets FILENAME to the
// file's real name. getline < FILE and print > FILE are refused (GoAWK
// 1.29.1 has no file-system hook to route them through the emulated
// files; only "-", standard input and output, works); system() and
// pipes are refused: no program runs. ENVIRON is empty: the host's
// environment is not the emulated machine's.
package awk

import "github.com/nsemu/nsemu/emu/shell"

// Builtins returns awk.
func Builtins() []*shell.Builtin {
	return []*shell.Builtin{{
		Name:  "awk",
		Group: shell.GroupFiles,
		Usage: "awk [-F FS] [-v VAR=VALUE]... {'PROGRAM' | -f FILE...} [FILE | VAR=VALUE]...",
		Help: `Runs an awk program (GoAWK, POSIX awk) over the FILEs of the emulated file
system, or standard input. system(), "cmd" | getline, print | "cmd",
getline < FILE and print > FILE are refused: a script's awk runs no
program and touches no file but those it is given.`,
		Run: run,
	}}
}
