package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	flag "github.com/spf13/pflag"

	"github.com/chzyer/readline"
	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/shell"
	"github.com/nsemu/nsemu/emu/teach"
)

func runShell(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("nsemu shell", flag.ContinueOnError)
	usageOut := helpOut(args, stdout, stderr)
	fs.SetOutput(usageOut)
	hostDirs := hostDirFlag(fs)
	initScript := fs.String("init", "", "run `SCRIPT` first, then leave the prompt in the world it built (a teacher's prepared topology)")
	fast := fs.Bool("fast", false, "let idle waits cost no time, as in scripts (by default the shell runs on wall-clock time: ping sends one probe a second)")
	up := addUplinkFlags(fs)
	seed := addSeedFlag(fs)
	webAddr := webFlag(fs, "; its buttons step (`step on` pauses at the next event)")
	fs.Usage = func() {
		fmt.Fprintf(usageOut, "Usage: nsemu shell [flags]\n\nType the script language interactively, against a fresh emulated world.\nCommands run in the host namespace; `ip netns exec NS bash` opens a\nsub-shell in NS (exit leaves it). Tab completes commands, namespaces and\ndevices; `help` lists the built-ins. Errors never end the session.\n")
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
	if err := up.parse(); err != nil {
		fmt.Fprintf(stderr, "nsemu shell: %v\n", err)
		return 2
	}
	if err := seed.check(false, up); err != nil {
		fmt.Fprintf(stderr, "nsemu shell: %v\n", err)
		return 2
	}
	w := emu.New(seed.options(emu.Options{Realtime: !*fast}))
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
	stopStepping, err := shellStepper(w, sh, lr, *webAddr, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "nsemu shell: %v\n", err)
		return 2
	}
	// Deferred after w.Close, so it runs first.
	defer stopStepping()
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

// shellStepper gives the shell its stepper, off until `step on`: keys come
// from the same line reader (a command is running, so the shell is not
// reading), or, with --web, from the page, which then also shows the
// world. The function it returns undoes it.
func shellStepper(w *emu.World, sh *shell.Shell, lr shell.LineReader, webAddr string, stderr io.Writer) (func(), error) {
	keys := func() (string, error) {
		lr.SetPrompt("")
		return lr.Readline()
	}
	useWeb, stopWeb := func(*teach.Stepper) {}, func() {}
	if webAddr != "" {
		var err error
		// Before the stepper is attached: the view's sink sees an event
		// first, so the page has the event a pause is at.
		if keys, useWeb, stopWeb, err = shellWeb(w, webAddr, stderr); err != nil {
			return nil, err
		}
	}
	st := teach.NewStepper(w, sh.Stdout, keys, nil)
	if webAddr == "" {
		// The line editor shows the key prompt: one printed before it
		// would be erased when it draws its line; cleared once a key is
		// read, so that the command's output does not redraw it.
		st.PromptKeys = func(prompt string) (string, error) {
			lr.SetPrompt(prompt)
			defer lr.SetPrompt("")
			return lr.Readline()
		}
	}
	useWeb(st)
	st.SetEnabled(false)
	detach := w.Bus().Attach(st)
	sh.OnCommand = st.BeforeCommand
	sh.Stepper = st
	return func() { detach(); stopWeb() }, nil
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
