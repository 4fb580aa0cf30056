// Command nsemu runs container-networking tutorials without root: network
// namespaces, veth pairs, bridges, routes, ip_forward and iptables NAT are
// emulated in one process, on gVisor netstacks.
//
//	nsemu run [flags] SCRIPT [ARGS...]   run a scenario script
//	nsemu shell                          type commands interactively
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
	"github.com/nsemu/nsemu/emu/web"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = ""

const usage = `nsemu — a userspace network emulator for container-networking tutorials

Usage:
  nsemu run [flags] SCRIPT [ARGS...]   run a scenario script in a fresh emulated world
  nsemu shell [--web [ADDR]]           type the same commands interactively
  nsemu help [COMMAND]                 list the built-in commands, or show one
  nsemu version                        print the version

Run 'nsemu run --help' for the flags of run.
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
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

func helpCommand(name string, stdout, stderr io.Writer) int {
	if name == "run" || name == "shell" {
		return run([]string{name, "--help"}, nil, stdout, stderr)
	}
	b, ok := shell.Lookup(name)
	if !ok {
		fmt.Fprintf(stderr, "nsemu: help: no built-in command %q (try 'nsemu help')\n", name)
		return 2
	}
	fmt.Fprintf(stdout, "%s\n\n%s\n", b.Usage, b.Help)
	return 0
}

// interruptible returns a context cancelled by SIGINT or SIGTERM.
func interruptible() (context.Context, func()) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscallTERM)
}

func runScript(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("nsemu run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	stats := fs.Bool("stats", false, "print wall-clock and emulated time at the end")
	pcap := fs.String("pcap", "", "write every frame on every tap point to `FILE` (pcapng, for Wireshark)")
	only := fs.StringSlice("capture", nil, "restrict --pcap to these tap points (`NS/DEV,...`, e.g. ns1/veth-1,host/vbridge)")
	explain := fs.String("explain", "", "narrate events, one line each: `CATS` of arp,cam,route,nat,drop (all when given alone)")
	fs.Lookup("explain").NoOptDefVal = "all"
	step := fs.Bool("step", false, "pause before every event (keys from standard input: Enter next, s next line, c continue, t tables, q quit)")
	hostDirs := hostDirFlag(fs)
	keep := fs.Bool("keep", false, "keep the world running after the script (serving what it set up) until Ctrl-C or SIGTERM")
	webAddr := webFlag(fs, "; the script waits, paused before its first command, for the page's buttons")
	fs.SetInterspersed(false)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: nsemu run [flags] SCRIPT [ARGS...]\n\nRuns SCRIPT in a fresh emulated world; $1... are ARGS.\nExit status 0 when every step behaved; otherwise the failing step's status,\nwith SCRIPT:LINE: COMMAND: message on stderr.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(webArgs(fs, args)); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintf(stderr, "nsemu run: %v\n", err)
		return 2
	}
	if *webAddr != "" && *step {
		fmt.Fprintf(stderr, "nsemu run: --step and --web: the page has the step buttons; give one of them\n")
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

	ctx, stop := interruptible()
	defer stop()
	w := emu.New(emu.Options{})
	defer w.Close()
	if err := shareFiles(w, *hostDirs); err != nil {
		fmt.Fprintf(stderr, "nsemu run: %v\n", err)
		return 2
	}
	if *pcap != "" {
		closeCapture, err := startCapture(w, *pcap, *only)
		if err != nil {
			fmt.Fprintf(stderr, "nsemu: %v\n", err)
			return 2
		}
		// Runs before w.Close: the file is complete even when the script
		// fails or is interrupted.
		defer func() {
			if err := closeCapture(); err != nil {
				fmt.Fprintf(stderr, "nsemu: %v\n", err)
			}
		}()
	}
	var narrator *teach.Narrator
	if *explain != "" {
		cats, err := teach.ParseCategories(*explain)
		if err != nil {
			fmt.Fprintf(stderr, "nsemu run: %v\n", err)
			return 2
		}
		narrator = teach.NewNarrator(stdout, cats)
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
	if *step || *webAddr != "" {
		var cancel context.CancelFunc
		ctx, cancel = context.WithCancel(ctx)
		defer cancel()
		stopStepping, err := startStepping(w, sh, keys, *webAddr, filepath.Base(path), cancel, stdout, stderr)
		if err != nil {
			fmt.Fprintf(stderr, "nsemu run: %v\n", err)
			return 2
		}
		// Deferred after w.Close, so it runs first: a pause waiting for
		// a key is released before the world goes.
		defer stopStepping()
	}
	err = sh.RunScript(ctx, filepath.Base(path), f, fs.Args()[1:])
	if *keep && err == nil && ctx.Err() == nil {
		fmt.Fprintf(stderr, "nsemu: %s done; the world keeps running until Ctrl-C\n", filepath.Base(path))
		<-ctx.Done()
	}
	if *stats {
		fmt.Fprintf(stderr, "nsemu: wall-clock %s, emulated %s\n", time.Since(start).Round(time.Millisecond), w.Clock().Elapsed().Round(time.Millisecond))
	}
	return exitStatus(err, stderr)
}

// exitStatus is nsemu run's status for a script's outcome: 0, or the
// failing step's status (1 when it has none), with the error on stderr.
func exitStatus(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	fmt.Fprintln(stderr, err)
	var se *shell.ScriptError
	if errors.As(err, &se) && se.Status != 0 {
		return se.Status
	}
	return 1
}

// startStepping gives the script a stepper, with keys from keys (--step)
// or from the web page (--web ADDR). The function it returns undoes it.
func startStepping(w *emu.World, sh *shell.Shell, keys io.Reader, webAddr, title string, cancel context.CancelFunc, stdout, stderr io.Writer) (func(), error) {
	if webAddr == "" {
		st := teach.NewStepper(w, stdout, teach.LineKeys(keys), cancel)
		detach := w.Bus().Attach(st)
		sh.OnCommand = st.BeforeCommand
		sh.Stepper = st
		return detach, nil
	}
	srv, err := startWeb(w, sh, webAddr, title, cancel, stderr)
	if err != nil {
		return nil, err
	}
	return func() { _ = srv.Close() }, nil
}

// webFlag adds --web[=ADDR] to a command's flags.
func webFlag(fs *flag.FlagSet, more string) *string {
	addr := fs.String("web", "", "serve a live view of the network in a browser on `ADDR` (PORT or HOST:PORT; loopback and a free port when given alone)"+more)
	fs.Lookup("web").NoOptDefVal = web.DefaultAddr
	return addr
}

// webArgs rewrites "--web ADDR" as "--web=ADDR" among the flags: --web's
// address is optional, and pflag takes an optional value only after "=".
// The next word is the address when it looks like one (PORT, HOST:PORT,
// :PORT) and is not a file.
func webArgs(fs *flag.FlagSet, args []string) []string {
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" || !strings.HasPrefix(a, "-") {
			return append(out, args[i:]...)
		}
		next := ""
		if i+1 < len(args) {
			next = args[i+1]
		}
		switch {
		case a == "--web" && next != "" && web.LooksLikeAddr(next) && !exists(next):
			out = append(out, "--web="+next)
			i++
		case takesValue(fs, a) && next != "":
			out = append(out, a, next)
			i++
		default:
			out = append(out, a)
		}
	}
	return out
}

// takesValue reports whether a flag word without "=" consumes the next
// word as its value.
func takesValue(fs *flag.FlagSet, a string) bool {
	if !strings.HasPrefix(a, "--") || strings.Contains(a, "=") {
		return false
	}
	f := fs.Lookup(a[2:])
	return f != nil && f.NoOptDefVal == "" && f.Value.Type() != "bool"
}

func exists(name string) bool {
	_, err := os.Stat(name)
	return err == nil
}

// startWeb serves the web view of w and gives the script a stepper
// driven by the page, paused before the first command so that nothing
// happens before the learner looks. cancel stops the script.
func startWeb(w *emu.World, sh *shell.Shell, addr, title string, cancel context.CancelFunc, stderr io.Writer) (*web.Server, error) {
	srv, err := web.Start(w, web.Options{Addr: addr, Title: title})
	if err != nil {
		return nil, err
	}
	st := srv.Stepper(cancel)
	sh.OnCommand = st.BeforeCommand
	sh.Stepper = st
	fmt.Fprintf(stderr, "nsemu: web view at %s\nnsemu: %s waits, paused before its first command: press Next event, Next line or Continue on the page\n", srv.URL(), title)
	return srv, nil
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
	sink := capture.NewSink(pw, only)
	detach := w.Bus().Attach(sink)
	return func() error {
		detach()
		if err := sink.Err(); err != nil {
			pw.Close()
			return err
		}
		return pw.Close()
	}, nil
}

func runShell(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("nsemu shell", flag.ContinueOnError)
	fs.SetOutput(stderr)
	hostDirs := hostDirFlag(fs)
	webAddr := webFlag(fs, "; its buttons step (`step on` pauses at the next event)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: nsemu shell [--web [ADDR]]\n\nType the script language interactively, against a fresh emulated world.\nCommands run in the host namespace; `ip netns exec NS bash` opens a\nsub-shell in NS (exit leaves it). Tab completes commands, namespaces and\ndevices; `help` lists the built-ins. Errors never end the session.\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(webArgs(fs, args)); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintf(stderr, "nsemu shell: %v\n", err)
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "nsemu shell: unexpected argument %q (to run a script: nsemu run SCRIPT)\n", fs.Arg(0))
		return 2
	}
	w := emu.New(emu.Options{})
	defer w.Close()
	if err := shareFiles(w, *hostDirs); err != nil {
		fmt.Fprintf(stderr, "nsemu shell: %v\n", err)
		return 2
	}
	sh := shell.New(w, stdin, stdout, stderr)
	var srv *web.Server
	if *webAddr != "" {
		var err error
		if srv, err = web.Start(w, web.Options{Addr: *webAddr, Title: "shell"}); err != nil {
			fmt.Fprintf(stderr, "nsemu shell: %v\n", err)
			return 2
		}
		// Deferred after w.Close, so it runs first.
		defer srv.Close()
		fmt.Fprintf(stderr, "nsemu: web view at %s\n", srv.URL())
	}

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
	keys := func() (string, error) {
		lr.SetPrompt("")
		return lr.Readline()
	}
	if srv != nil {
		// With the web view, its buttons step: the terminal shows the
		// pauses, the page takes the keys.
		keys = srv.Keys()
	}
	st := teach.NewStepper(w, sh.Stdout, keys, nil)
	if srv != nil {
		st.Prompt = "(paused: press Next event, Next line or Continue on the web page)\n"
		srv.UseStepper(st)
	}
	st.SetEnabled(false)
	detach := w.Bus().Attach(st)
	defer detach()
	sh.OnCommand = st.BeforeCommand
	sh.Stepper = st
	if err := sh.Interact(context.Background(), lr); err != nil {
		fmt.Fprintf(stderr, "nsemu: %v\n", err)
		return 1
	}
	return 0
}
