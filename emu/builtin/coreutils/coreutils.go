// Package coreutils is the GNU coreutils that scripts and tutorials use,
// in process: the text filters (cat head tail wc sort uniq cut tr tee
// seq), the file tools (ls mkdir rmdir rm touch cp mv basename dirname)
// and date and sleep. Files are the emulated file system's — /proc, /sys,
// /etc/hosts, what scripts wrote, the shared working directory — never
// the host's others; time is the emulator's clock. Output formats, error
// words and exit statuses are GNU coreutils 9.1's in the C locale.
package coreutils

import "github.com/nsemu/nsemu/emu/shell"

// tool is one command: its usage line, help and runner.
type tool struct {
	name, usage, help string
	run               func(*shell.Cmd) int
}

var tools = []tool{
	{"cat", "cat [-nbEATsv] [FILE]...", `Prints FILEs of the emulated file system — /proc/sys/net/ipv4/ip_forward,
/proc/net/arp, /sys/class/net/DEV/{address,mtu,...}, /etc/hosts, what scripts
wrote — or standard input (no FILE, or -). It never reads the host's files.`, runCat},
	{"head", "head [-n [-]N] [-c [-]N] [-qvz] [FILE]...", "Prints the first 10 (-n N) lines or N bytes (-c) of each FILE; -n -N all but the last N.", runHead},
	{"tail", "tail [-n [+]N] [-c [+]N] [-f|-F] [-qvz] [FILE]...", "Prints the last 10 (-n N) lines, or from line N on (-n +N); -f follows a file as it grows until the run ends (Ctrl-C, or the end of the script).", runTail},
	{"wc", "wc [-clmwL] [FILE]...", "Counts lines, words and bytes, in GNU's columns.", runWc},
	{"sort", "sort [-bdfghiMnRrsuVz] [-k POS1[,POS2]]... [-t SEP] [-o FILE] [-c] [FILE]...", "Sorts lines (bytes order, as in the C locale), by keys and orderings; -o writes an emulated file.", runSort},
	{"uniq", "uniq [-cdDiu] [-f N] [-s N] [-w N] [INPUT [OUTPUT]]", "Writes each group of equal adjacent lines once.", runUniq},
	{"cut", "cut -b LIST|-c LIST|-f LIST [-d DELIM] [-s] [--complement] [--output-delimiter=S] [FILE]...", "Prints the selected bytes, characters or fields of each line.", runCut},
	{"tr", "tr [-cdst] SET1 [SET2]", "Translates, deletes (-d) or squeezes (-s) characters of standard input: ranges a-z, classes [:digit:], escapes \\n \\t \\NNN, [c*n] repeats.", runTr},
	{"tee", "tee [-a] [FILE]...", "Copies standard input to standard output and to emulated FILEs (-a appends).", runTee},
	{"seq", "seq [-s SEP] [-w] [-f FORMAT] [FIRST [INCREMENT]] LAST", "Prints a sequence of numbers.", runSeq},
	{"date", "date [-u] [-R] [-I[FMT]] [-d STRING] [+FORMAT]", "Prints the emulator clock's time (in UTC, the emulated machine's zone), or -d's (@SECONDS, an ISO date), as +FORMAT says.", runDate},
	{"ls", "ls [-laAdRhtrSF1] [FILE]...", "Lists the emulated file system, one name a line (as ls does into a pipe); -l in the long format, everything owned by root.", runLs},
	{"mkdir", "mkdir [-p] [-m MODE] [-v] DIR...", "Makes directories in the emulated file system.", runMkdir},
	{"rmdir", "rmdir [-p] DIR...", "Removes empty directories of the emulated file system.", runRmdir},
	{"rm", "rm [-rfdv] FILE...", "Removes files of the emulated file system (-r directories too).", runRm},
	{"touch", "touch [-c] FILE...", "Makes empty files in the emulated file system.", runTouch},
	{"cp", "cp [-rvnT] SOURCE... DEST", "Copies files (-r directories) within the emulated file system.", runCp},
	{"mv", "mv [-vnT] SOURCE... DEST", "Moves files within the emulated file system.", runMv},
	{"basename", "basename NAME [SUFFIX] | basename -a [-s SUFFIX] NAME...", "Prints NAME without its directory (and SUFFIX).", runBasename},
	{"dirname", "dirname NAME...", "Prints NAME without its last component.", runDirname},
	{"sleep", "sleep SECONDS", "Waits on the emulator's clock. The first 50 ms pass in real time (background commands such as tcpdump & get ready); beyond that, while nothing is in flight, the clock jumps ahead, so a long sleep costs no wall time.", runSleep},
}

// Builtins returns the coreutils commands.
func Builtins() []*shell.Builtin {
	out := make([]*shell.Builtin, len(tools))
	for i, t := range tools {
		out[i] = &shell.Builtin{Name: t.name, Group: shell.GroupFiles, Usage: t.usage, Help: t.help, Run: t.run}
	}
	return out
}
