// Command nsemu runs container-networking tutorials without root: network
// namespaces, veth pairs, bridges, routes, ip_forward and iptables NAT are
// emulated in one process, on gVisor netstacks.
//
//	nsemu run [flags] SCRIPT [ARGS...]   run a scenario script
//	nsemu shell [flags]                  type commands interactively
//	nsemu help [COMMAND]                 list built-ins, or show one
//	nsemu version                        print the version
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"

	flag "github.com/spf13/pflag"

	"github.com/nsemu/nsemu/emu"
	_ "github.com/nsemu/nsemu/emu/builtin" // every built-in command
	"github.com/nsemu/nsemu/emu/shell"
	"github.com/nsemu/nsemu/emu/vfs"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = ""

const usage = `nsemu — a userspace network emulator for container-networking tutorials

Usage:
  nsemu run [flags] SCRIPT [ARGS...]   run a scenario script in a fresh emulated world
  nsemu shell [flags]                  type the same commands interactively
  nsemu help [COMMAND]                 list the built-in commands, or show one
  nsemu version                        print the version

Run 'nsemu run --help' and 'nsemu shell --help' for their flags.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "-h", "--help", "help":
		if args[0] == "help" && len(args) > 1 {
			return helpCommand(args[1], stdout, stderr)
		}
		fmt.Fprint(stdout, usage)
		if args[0] == "help" {
			fmt.Fprintln(stdout)
			shell.WriteHelp(stdout)
		}
		return 0
	case "version", "--version":
		fmt.Fprintf(stdout, "nsemu %s\n", getVersion())
		return 0
	case "run":
		return runScript(args[1:], stdin, stdout, stderr)
	case "shell":
		return runShell(args[1:], stdin, stdout, stderr)
	}
	fmt.Fprintf(stderr, "nsemu: unknown command %q\n\n%s", args[0], usage)
	return 2
}

func getVersion() string {
	if version != "" {
		return version
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(devel)"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	// A local build: the commit it was built from.
	var rev, dirty string
	for _, s := range bi.Settings {
		switch {
		case s.Key == "vcs.revision" && len(s.Value) >= 12:
			rev = s.Value[:12]
		case s.Key == "vcs.modified" && s.Value == "true":
			dirty = "+dirty"
		}
	}
	if rev == "" {
		return "(devel)"
	}
	return "(devel) " + rev + dirty
}

func helpCommand(name string, stdout, stderr io.Writer) int {
	if name == "run" || name == "shell" {
		return run([]string{name, "--help"}, nil, stdout, stderr)
	}
	text, ok := shell.HelpFor(name)
	if !ok {
		fmt.Fprintf(stderr, "nsemu: help: %s\n", text)
		return 2
	}
	fmt.Fprint(stdout, text)
	return 0
}

// interruptible returns a context cancelled by SIGINT or SIGTERM.
func interruptible() (context.Context, func()) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscallTERM)
}

// helpOut is where a command's usage goes: standard output when it was
// asked for (-h, --help), standard error when it explains a mistake.
func helpOut(args []string, stdout, stderr io.Writer) io.Writer {
	for _, a := range args {
		if a == "--" || !strings.HasPrefix(a, "-") {
			break
		}
		if a == "-h" || a == "--help" {
			return stdout
		}
	}
	return stderr
}

// hostDirFlag adds --host-dir to a command's flags.
func hostDirFlag(fs *flag.FlagSet) *[]string {
	return fs.StringArray("host-dir", nil, "also share `DIR` of the real machine with the script, at its own path (DIR:ro read-only); the working directory is always shared")
}

// shareFiles gives the world its file system: memory, the generated
// files, the working directory and the --host-dir directories.
func shareFiles(w *emu.World, extra []string) error {
	var dirs []vfs.HostDir
	if wd, err := os.Getwd(); err == nil {
		dirs = append(dirs, vfs.HostDir{Path: wd})
	}
	for _, d := range extra {
		hd := vfs.HostDir{Path: d}
		if p, ok := strings.CutSuffix(d, ":ro"); ok {
			hd = vfs.HostDir{Path: p, ReadOnly: true}
		}
		if fi, err := os.Stat(hd.Path); err != nil || !fi.IsDir() {
			return fmt.Errorf("--host-dir %s: not a directory", d)
		}
		dirs = append(dirs, hd)
	}
	sys, err := vfs.New(dirs...)
	if err != nil {
		return err
	}
	vfs.Use(w, sys)
	return nil
}
