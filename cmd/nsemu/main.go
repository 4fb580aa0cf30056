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
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"time"

	"github.com/chzyer/readline"
	flag "github.com/spf13/pflag"

	"github.com/nsemu/nsemu/capture"
	"github.com/nsemu/nsemu/emu"
	_ "github.com/nsemu/nsemu/emu/builtin" // every built-in command
	"github.com/nsemu/nsemu/emu/shell"
	"github.com/nsemu/nsemu/emu/teach"
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

func runScript(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	fs := flag.NewFlagSet("nsemu run", flag.ContinueOnError)
	usageOut := helpOut(args, stdout, stderr)
	fs.SetOutput(usageOut)
	stats := fs.Bool("stats", false, "print wall-clock and emulated time at the end")
	pcap := fs.String("pcap", "", "write every frame on every tap point to `FILE` (pcapng, for Wireshark; - streams it to standard output, and the transcript goes to standard error)")
	only := fs.StringSlice("capture", nil, "restrict --pcap to these tap points (`NS/DEV,...`, e.g. ns1/veth-1,host/vbridge)")
	explain := fs.String("explain", "", "tell every frame at every hop and the reason wherever a packet is lost, one line each, in the same order on every run: `CATS` of arp,icmp,tcp,udp,dns,cam,route,nat,drop (all when given alone)")
	fs.Lookup("explain").NoOptDefVal = "all"
	step := fs.Bool("step", false, "pause before every event (keys from standard input: Enter next, s next line, c continue, t tables, q quit)")
	hostDirs := hostDirFlag(fs)
	keep := fs.Bool("keep", false, "keep the world running after the script (serving what it set up) until Ctrl-C or SIGTERM")
	realtime := fs.Bool("realtime", false, "run on wall-clock time: waits take as long as they say (by default idle waits cost no time)")
	up := addUplinkFlags(fs)
	fs.SetInterspersed(false)
	fs.Usage = func() {
		fmt.Fprintf(usageOut, "Usage: nsemu run [flags] SCRIPT [ARGS...]\n\nRuns SCRIPT in a fresh emulated world; $1... are ARGS.\nExit status 0 when every step behaved; otherwise the failing step's status,\nwith SCRIPT:LINE: COMMAND: message on stderr.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintf(stderr, "nsemu run: %v\n", err)
		return 2
	}
	if fs.NArg() < 1 {
		fs.Usage()
		return 2
	}
	path := fs.Arg(0)
	f, err := os.Open(path)
	if err != nil {
		fmt.Fprintf(stderr, "nsemu: %v\n", err)
		return 2
	}
	defer f.Close()

	if len(*only) > 0 && *pcap == "" {
		fmt.Fprintf(stderr, "nsemu run: --capture needs --pcap FILE\n")
		return 2
	}
	if err := up.parse(); err != nil {
		fmt.Fprintf(stderr, "nsemu run: %v\n", err)
		return 2
	}

	ctx, stop := interruptible()
	defer stop()
	w := emu.New(emu.Options{Realtime: *realtime})
	defer w.Close()
	if err := shareFiles(w, *hostDirs); err != nil {
		fmt.Fprintf(stderr, "nsemu run: %v\n", err)
		return 2
	}
	if *pcap == "-" {
		// Standard output carries the capture; the transcript goes with
		// the errors.
		pcapOut := stdout
		stdout = stderr
		closeCapture, err := streamCapture(w, pcapOut, *only)
		if err != nil {
			fmt.Fprintf(stderr, "nsemu: %v\n", err)
			return 2
		}
		defer finishCapture(closeCapture, stderr, &code)
	} else if *pcap != "" {
		closeCapture, err := startCapture(w, *pcap, *only)
		if err != nil {
			fmt.Fprintf(stderr, "nsemu: %v\n", err)
			return 2
		}
		// Runs before w.Close: the file is complete even when the script
		// fails or is interrupted.
		defer finishCapture(closeCapture, stderr, &code)
	}
	// Closed before the capture: no frame comes from outside while it is
	// flushed.
	u, err := up.start(w, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "nsemu run: %v\n", err)
		return 1
	}
	if u != nil {
		defer u.Close()
	}
	var narrator *teach.Narrator
	if *explain != "" {
		cats, err := teach.ParseCategories(*explain)
		if err != nil {
			fmt.Fprintf(stderr, "nsemu run: %v\n", err)
			return 2
		}
		narrator = teach.NewWorldNarrator(w, stdout, cats)
		detach := w.Bus().Attach(narrator)
		defer func() {
			detach()
			narrator.Close()
		}()
	}
	start := time.Now()
	var keys io.Reader = stdin
	if *step {
		// Keys come from standard input; the script gets none.
		stdin = strings.NewReader("")
	}
	sh := shell.New(w, stdin, stdout, stderr)
	if narrator != nil {
		sh.BeforeOutput(narrator.Flush)
	}
	if *step {
		var cancel context.CancelFunc
		ctx, cancel = context.WithCancel(ctx)
		defer cancel()
		st := teach.NewStepper(w, stdout, teach.LineKeys(keys), cancel)
		detach := w.Bus().Attach(st)
		defer detach()
		sh.OnCommand = st.BeforeCommand
		sh.Stepper = st
	}
	err = sh.RunScript(ctx, filepath.Base(path), f, fs.Args()[1:])
	if *keep && err == nil && ctx.Err() == nil {
		fmt.Fprintf(stderr, "nsemu: %s done; the world keeps running until Ctrl-C\n", filepath.Base(path))
		<-ctx.Done()
	}
	if *stats {
		fmt.Fprintf(stderr, "nsemu: wall-clock %s, emulated %s\n", time.Since(start).Round(time.Millisecond), w.Clock().Elapsed().Round(time.Millisecond))
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		var se *shell.ScriptError
		if errors.As(err, &se) && se.Status != 0 {
			return se.Status
		}
		return 1
	}
	return 0
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

// runInit runs nsemu shell --init's script in the shell's world; an error
// is printed and the prompt comes anyway, with what the script built.
func runInit(sh *shell.Shell, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("nsemu shell: --init: %v", err)
	}
	defer f.Close()
	ctx, stop := interruptible()
	defer stop()
	// The script reads nothing of what the learner will type.
	in := sh.Stdin
	sh.Stdin = strings.NewReader("")
	defer sh.SetStdin(in)
	return sh.RunScript(ctx, filepath.Base(path), f, nil)
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

// finishCapture closes the capture; its error is the run's when the
// script succeeded.
func finishCapture(closeCapture func() error, stderr io.Writer, code *int) {
	if err := closeCapture(); err != nil {
		fmt.Fprintf(stderr, "nsemu: %v\n", err)
		if *code == 0 {
			*code = 2
		}
	}
}

// startCapture attaches a pcapng capture of every frame to the world.
func startCapture(w *emu.World, path string, only []string) (func() error, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	pw, err := capture.NewWriter(f, "nsemu "+getVersion())
	if err != nil {
		f.Close()
		return nil, err
	}
	return attachCapture(w, pw, only), nil
}

// streamCapture attaches a capture written to out frame by frame, for a
// live reader (out is not closed).
func streamCapture(w *emu.World, out io.Writer, only []string) (func() error, error) {
	pw, err := capture.NewWriter(struct{ io.Writer }{out}, "nsemu "+getVersion())
	if err != nil {
		return nil, err
	}
	pw.StreamEach()
	return attachCapture(w, pw, only), nil
}

// attachCapture attaches pw to the world's events; the function returned
// detaches and closes it.
func attachCapture(w *emu.World, pw *capture.Writer, only []string) func() error {
	sink := capture.NewSink(pw, only)
	detach := w.Bus().Attach(sink)
	return func() error {
		unknown := unknownTaps(w, sink, only)
		detach()
		sink.Close()
		if n := sink.Dropped(); n > 0 {
			unknown = errors.Join(unknown, fmt.Errorf("capture: %d frames dropped: the file could not keep up", n))
		}
		if err := sink.Err(); err != nil {
			pw.Close()
			return err
		}
		if err := pw.Close(); err != nil {
			return err
		}
		return unknown
	}
}

// unknownTaps is the error for --capture points that named no device of
// the run, listing the known ones.
func unknownTaps(w *emu.World, sink *capture.Sink, only []string) error {
	known := map[string]bool{}
	for _, t := range sink.Seen() {
		known[t] = true
	}
	for _, n := range w.AllNamespaces() {
		for _, d := range n.Links() {
			known[capture.TapName(n.Name(), d.Name())] = true
		}
	}
	var bad []string
	for _, o := range only {
		if !known[o] {
			bad = append(bad, o)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	list := make([]string, 0, len(known))
	for k := range known {
		list = append(list, k)
	}
	sort.Strings(list)
	return fmt.Errorf("--capture: no tap point %s in this run (the tap points are NAMESPACE/DEVICE: %s)", strings.Join(bad, ", "), strings.Join(list, " "))
}

func runShell(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("nsemu shell", flag.ContinueOnError)
	usageOut := helpOut(args, stdout, stderr)
	fs.SetOutput(usageOut)
	hostDirs := hostDirFlag(fs)
	initScript := fs.String("init", "", "run `SCRIPT` first, then leave the prompt in the world it built (a teacher's prepared topology)")
	fast := fs.Bool("fast", false, "let idle waits cost no time, as in scripts (by default the shell runs on wall-clock time: ping sends one probe a second)")
	up := addUplinkFlags(fs)
	fs.Usage = func() {
		fmt.Fprintf(usageOut, "Usage: nsemu shell [flags]\n\nType the script language interactively, against a fresh emulated world.\nCommands run in the host namespace; `ip netns exec NS bash` opens a\nsub-shell in NS (exit leaves it). Tab completes commands, namespaces and\ndevices; `help` lists the built-ins. Errors never end the session.\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintf(stderr, "nsemu shell: %v\n", err)
		return 2
	}
	if err := up.parse(); err != nil {
		fmt.Fprintf(stderr, "nsemu shell: %v\n", err)
		return 2
	}
	w := emu.New(emu.Options{Realtime: !*fast})
	defer w.Close()
	if err := shareFiles(w, *hostDirs); err != nil {
		fmt.Fprintf(stderr, "nsemu shell: %v\n", err)
		return 2
	}
	u, err := up.start(w, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "nsemu shell: %v\n", err)
		return 1
	}
	if u != nil {
		defer u.Close()
	}
	// SIGTERM (or SIGHUP: the terminal went) ends the session as EOF
	// does, so that the deferred closes run: the uplink's TAP device and
	// sockets are released.
	ctx, stop := signal.NotifyContext(context.Background(), syscallTERM, syscallHUP)
	defer stop()
	sh := shell.New(w, stdin, stdout, stderr)

	var lr shell.LineReader
	if f, ok := stdin.(*os.File); ok && readline.DefaultIsTerminal() && f == os.Stdin {
		home, _ := os.UserHomeDir()
		rl, err := readline.NewEx(&readline.Config{
			Prompt:          shell.Prompt(w.Host()),
			HistoryFile:     filepath.Join(home, ".nsemu_history"),
			AutoComplete:    &shell.Completer{Sh: sh},
			InterruptPrompt: "^C",
			EOFPrompt:       "exit",
		})
		if err != nil {
			fmt.Fprintf(stderr, "nsemu: %v\n", err)
			return 1
		}
		defer rl.Close()
		sh.Stdout, sh.Stderr = rl.Stdout(), rl.Stderr()
		lr = rl
		fmt.Fprintf(rl.Stdout(), "nsemu %s — emulated network shell. 'help' lists the commands, 'exit' leaves.\n", getVersion())
	} else {
		lr = shell.NewPlainReader(stdin, stdout)
	}
	// `step on` turns on the step-through; keys come from the same line
	// reader (a command is running, so the shell is not reading).
	st := teach.NewStepper(w, sh.Stdout, func() (string, error) {
		lr.SetPrompt("")
		return lr.Readline()
	}, nil)
	// The line editor shows the key prompt: one printed before it would be
	// erased when it draws its line.
	st.PromptKeys = func(prompt string) (string, error) {
		lr.SetPrompt(prompt)
		defer lr.SetPrompt("") // the command's output must not redraw it
		return lr.Readline()
	}
	st.SetEnabled(false)
	detach := w.Bus().Attach(st)
	defer detach()
	sh.OnCommand = st.BeforeCommand
	sh.Stepper = st
	if *initScript != "" {
		if err := runInit(sh, *initScript); err != nil {
			fmt.Fprintln(sh.Stderr, err)
		}
	}
	if err := sh.Interact(ctx, newCtxReader(ctx, lr)); err != nil {
		fmt.Fprintf(stderr, "nsemu: %v\n", err)
		return 1
	}
	return 0
}
