package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	flag "github.com/spf13/pflag"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/shell"
	"github.com/nsemu/nsemu/emu/teach"
	"github.com/nsemu/nsemu/emu/web"
)

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
// happens before the learner looks. A pause stops waiting when ctx ends
// (Ctrl-C); cancel stops the script.
func startWeb(ctx context.Context, w *emu.World, sh *shell.Shell, addr, title string, cancel context.CancelFunc, stderr io.Writer) (*web.Server, error) {
	srv, err := web.Start(w, web.Options{Addr: addr, Title: title})
	if err != nil {
		return nil, err
	}
	st := srv.Stepper(ctx, cancel)
	sh.OnCommand = st.BeforeCommand
	sh.Stepper = st
	fmt.Fprintf(stderr, "nsemu: web view at %s\nnsemu: %s waits, paused before its first command: press Next event, Next line or Continue on the page\n", srv.URL(), title)
	return srv, nil
}

// shellWeb serves the web view of nsemu shell's world; its buttons then
// step (the terminal shows the pauses). It returns the key source for the
// shell's stepper, and the function that stops the view.
func shellWeb(w *emu.World, addr string, stderr io.Writer) (keys func() (string, error), use func(*teach.Stepper), stop func(), err error) {
	srv, err := web.Start(w, web.Options{Addr: addr, Title: "shell"})
	if err != nil {
		return nil, nil, nil, err
	}
	fmt.Fprintf(stderr, "nsemu: web view at %s\n", srv.URL())
	use = func(st *teach.Stepper) {
		st.Prompt = "(paused: press Next event, Next line or Continue on the web page)\n"
		srv.UseStepper(st)
	}
	return srv.Keys(), use, func() { _ = srv.Close() }, nil
}
