package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	flag "github.com/spf13/pflag"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/shell"
	"github.com/nsemu/nsemu/emu/teach"
)

// runOptions are nsemu run's flags.
type runOptions struct {
	stats, step, keep, realtime bool
	pcap, explain, web          string
	only, hostDirs              []string
	up                          *uplinkFlags
	seed                        *seedFlag
	path                        string
	args                        []string
}

// parseRun parses nsemu run's command line; done is set when the command
// ends there (help, a mistake), with its status.
func parseRun(args []string, stdout, stderr io.Writer) (o runOptions, code int, done bool) {
	fs := flag.NewFlagSet("nsemu run", flag.ContinueOnError)
	usageOut := helpOut(args, stdout, stderr)
	fs.SetOutput(usageOut)
	fs.BoolVar(&o.stats, "stats", false, "print wall-clock and emulated time at the end")
	fs.StringVar(&o.pcap, "pcap", "", "write every frame on every tap point to `FILE` (pcapng, for Wireshark; - streams it to standard output, and the transcript goes to standard error)")
	fs.StringSliceVar(&o.only, "capture", nil, "restrict --pcap to these tap points (`NS/DEV,...`, e.g. ns1/veth-1,host/vbridge)")
	fs.StringVar(&o.explain, "explain", "", "tell every frame at every hop and the reason wherever a packet is lost, one line each, in the same order on every run: `CATS` of arp,icmp,tcp,udp,dns,cam,route,nat,drop (all when given alone)")
	fs.Lookup("explain").NoOptDefVal = "all"
	fs.BoolVar(&o.step, "step", false, "pause before every event (keys from standard input: Enter next, s next line, c continue, t tables, q quit)")
	hostDirs := hostDirFlag(fs)
	fs.BoolVar(&o.keep, "keep", false, "keep the world running after the script (serving what it set up) until Ctrl-C or SIGTERM")
	fs.BoolVar(&o.realtime, "realtime", false, "run on wall-clock time: waits take as long as they say (by default idle waits cost no time)")
	o.up = addUplinkFlags(fs)
	o.seed = addSeedFlag(fs)
	webAddr := webFlag(fs, "; the script waits, paused before its first command, for the page's buttons")
	fs.SetInterspersed(false)
	fs.Usage = func() {
		fmt.Fprintf(usageOut, "Usage: nsemu run [flags] SCRIPT [ARGS...]\n\nRuns SCRIPT in a fresh emulated world; $1... are ARGS.\nExit status 0 when every step behaved; otherwise the failing step's status,\nwith SCRIPT:LINE: COMMAND: message on stderr.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(webArgs(fs, args)); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return o, 0, true
		}
		fmt.Fprintf(stderr, "nsemu run: %v\n", err)
		return o, 2, true
	}
	if o.web = *webAddr; o.web != "" && o.step {
		fmt.Fprintf(stderr, "nsemu run: --step and --web: the page has the step buttons; give one of them\n")
		return o, 2, true
	}
	if fs.NArg() < 1 {
		fs.Usage()
		return o, 2, true
	}
	o.path, o.args, o.hostDirs = fs.Arg(0), fs.Args()[1:], *hostDirs
	if len(o.only) > 0 && o.pcap == "" {
		fmt.Fprintf(stderr, "nsemu run: --capture needs --pcap FILE\n")
		return o, 2, true
	}
	if err := o.up.parse(); err != nil {
		fmt.Fprintf(stderr, "nsemu run: %v\n", err)
		return o, 2, true
	}
	if err := o.seed.check(o.realtime, o.up); err != nil {
		fmt.Fprintf(stderr, "nsemu run: %v\n", err)
		return o, 2, true
	}
	return o, 0, false
}

func runScript(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	o, code, done := parseRun(args, stdout, stderr)
	if done {
		return code
	}
	f, err := os.Open(o.path)
	if err != nil {
		fmt.Fprintf(stderr, "nsemu: %v\n", err)
		return 2
	}
	defer f.Close()
	ctx, stop := interruptible()
	defer stop()
	w := emu.New(o.seed.options(emu.Options{Realtime: o.realtime}))
	defer w.Close()
	if err := shareFiles(w, o.hostDirs); err != nil {
		fmt.Fprintf(stderr, "nsemu run: %v\n", err)
		return 2
	}
	// Standard output carries a streamed capture; the transcript then
	// goes with the errors.
	// On purely emulated time the transcript is written by a goroutine of
	// its own; flushed (deferred) after the script, before the capture
	// closes.
	out, stderr, flushOut := serialOutputs(w, stdout, stderr)
	defer flushOut()
	if o.pcap == "-" {
		out = stderr
	}
	if o.pcap != "" {
		closeCapture, err := openCapture(w, o.pcap, stdout, o.only)
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
	u, err := o.up.start(w, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "nsemu run: %v\n", err)
		return 1
	}
	if u != nil {
		defer u.Close()
	}
	sh, ctx, cleanup, err := observedShell(ctx, w, o, stdin, out, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "nsemu run: %v\n", err)
		return 2
	}
	defer cleanup()
	return runAndReport(ctx, sh, w, o, f, stderr)
}

// observedShell makes the script's shell with the observers the flags ask
// for: --explain's narrator, --step's stepper, --web's view (whose page
// steps). Its cleanup runs before the world closes: a pause waiting for a
// key is released first.
func observedShell(ctx context.Context, w *emu.World, o runOptions, stdin io.Reader, stdout, stderr io.Writer) (*shell.Shell, context.Context, func(), error) {
	var cleanups []func()
	cleanup := func() {
		for i := len(cleanups) - 1; i >= 0; i-- {
			cleanups[i]()
		}
	}
	var narrator *teach.Narrator
	if o.explain != "" {
		cats, err := teach.ParseCategories(o.explain)
		if err != nil {
			return nil, ctx, cleanup, err
		}
		narrator = teach.NewWorldNarrator(w, stdout, cats)
		detach := w.Bus().Attach(narrator)
		cleanups = append(cleanups, func() { detach(); narrator.Close() })
	}
	keys := stdin
	if o.step {
		// Keys come from standard input; the script gets none.
		stdin = strings.NewReader("")
	}
	sh := shell.New(w, stdin, stdout, stderr)
	if narrator != nil {
		sh.BeforeOutput(narrator.Flush)
	}
	if o.step {
		var cancel context.CancelFunc
		ctx, cancel = context.WithCancel(ctx)
		st := teach.NewStepper(w, stdout, teach.LineKeys(keys), cancel)
		detach := w.Bus().Attach(st)
		cleanups = append(cleanups, cancel, detach)
		sh.OnCommand = st.BeforeCommand
		sh.Stepper = st
	}
	if o.web != "" {
		var cancel context.CancelFunc
		ctx, cancel = context.WithCancel(ctx)
		cleanups = append(cleanups, cancel)
		srv, err := startWeb(ctx, w, sh, o.web, filepath.Base(o.path), cancel, stderr)
		if err != nil {
			return nil, ctx, cleanup, err
		}
		cleanups = append(cleanups, func() { _ = srv.Close() })
	}
	return sh, ctx, cleanup, nil
}

// runAndReport runs the script, keeps the world up for --keep, and turns
// the outcome into nsemu run's exit status.
func runAndReport(ctx context.Context, sh *shell.Shell, w *emu.World, o runOptions, script io.Reader, stderr io.Writer) int {
	start := time.Now()
	name := filepath.Base(o.path)
	err := sh.RunScript(ctx, name, script, o.args)
	if o.keep && err == nil && ctx.Err() == nil {
		fmt.Fprintf(stderr, "nsemu: %s done; the world keeps running until Ctrl-C\n", name)
		// On purely emulated time nothing outside the script moves the
		// world: its clock stops here rather than race through timers.
		release := w.HoldTime()
		<-ctx.Done()
		release()
	}
	if o.stats {
		fmt.Fprintf(stderr, "nsemu: wall-clock %s, emulated %s\n", time.Since(start).Round(time.Millisecond), w.Clock().Elapsed().Round(time.Millisecond))
	}
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
