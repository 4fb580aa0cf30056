package coreutils

import (
	"io"
	"strconv"
	"time"

	"github.com/nsemu/nsemu/emu/builtin/internal/opts"
	"github.com/nsemu/nsemu/emu/builtin/internal/textio"
	"github.com/nsemu/nsemu/emu/shell"
)

// parseTail reads tail's command line.
func parseTail(args []string) (*headReq, error) {
	r := &headReq{prog: "tail", n: 10, delim: '\n', poll: 1}
	set := &opts.Set{Prog: "tail", Opts: []opts.Opt{
		{Short: 'n', Long: "lines", Arg: opts.Required, Do: r.countArg(false)},
		{Short: 'c', Long: "bytes", Arg: opts.Required, Do: r.countArg(true)},
		{Short: 'f', Do: set(&r.follow)},
		{Long: "follow", Arg: opts.Optional, Do: set(&r.follow)},
		{Short: 'F', Do: func(string) error { r.follow, r.retry = true, true; return nil }},
		{Long: "retry", Do: set(&r.retry)},
		{Short: 's', Long: "sleep-interval", Arg: opts.Required, Do: r.sleepArg},
		{Long: "pid", Arg: opts.Required, Do: func(string) error { return nil }},
		{Short: 'q', Long: "quiet", Do: func(string) error { r.headers = -1; return nil }},
		{Long: "silent", Do: func(string) error { r.headers = -1; return nil }},
		{Short: 'v', Long: "verbose", Do: func(string) error { r.headers = 1; return nil }},
		{Short: 'z', Long: "zero-terminated", Do: func(string) error { r.delim = 0; return nil }},
	}, Number: r.countArg(false)}
	if len(args) > 0 && len(args[0]) > 1 && args[0][0] == '+' && isDigits(args[0][1:]) {
		// The obsolete tail +N: from line N on.
		r.fromTop, r.n = true, atoi64(args[0][1:])
		args = args[1:]
	}
	files, err := parseOpts(set, 1, args)
	if err != nil {
		return nil, err
	}
	r.files = operands(files)
	return r, nil
}

func (r *headReq) sleepArg(a string) error {
	f, err := strconv.ParseFloat(a, 64)
	if err != nil || f < 0 {
		return fail(1, "tail: invalid number of seconds: %s", q(a))
	}
	r.poll = f
	return nil
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func atoi64(s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 1<<63 - 1
	}
	return n
}

func runTail(c *shell.Cmd) int {
	r, err := parseTail(c.Args[1:])
	if err != nil {
		return c.Exit(err)
	}
	status := eachHeaded(c, r, tailOne)
	if r.follow && status != textio.SigPipe && status != 130 {
		return follow(c, r, status)
	}
	return status
}

// tailOne writes the tail of one input.
func tailOne(c *shell.Cmd, r *headReq, in io.Reader, out *textio.Out) error {
	lines := textio.NewLines(c.Ctx, in, r.delim, out)
	if r.bytes {
		data, err := io.ReadAll(lines.Reader())
		switch {
		case r.fromTop && r.n > 0 && int64(len(data)) >= r.n:
			out.Write(data[r.n-1:])
		case !r.fromTop && int64(len(data)) > r.n:
			out.Write(data[int64(len(data))-r.n:])
		case !r.fromTop || r.n <= 1:
			out.Write(data)
		}
		return err
	}
	var held [][]byte
	for no := int64(1); ; no++ {
		rec, err := lines.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		switch {
		case r.fromTop && no >= r.n:
			out.Write(rec)
		case !r.fromTop && r.n > 0:
			held = append(held, rec)
			if int64(len(held)) > r.n {
				held = held[1:]
			}
		}
	}
	for _, rec := range held {
		out.Write(rec)
	}
	return nil
}

// follow is tail -f: it prints what is appended to the files until the
// run ends (Ctrl-C, or the end of the script), polling them.
func follow(c *shell.Cmd, r *headReq, status int) int {
	fw := &follower{c: c, r: r, out: textio.NewOut(c.Stdout), sizes: map[string]int64{}}
	for _, name := range r.files {
		if name == "-" {
			continue // a pipe: followed to its end already
		}
		if fi, err := c.Stat(name); err == nil && !fi.IsDir() {
			fw.sizes[name] = fi.Size()
		} else if r.retry {
			fw.sizes[name] = -1
		}
	}
	if len(fw.sizes) == 0 {
		if status != 0 {
			c.Errorf("tail: no files remaining")
		}
		return status
	}
	fw.last = r.files[len(r.files)-1]
	// Polled in real time, more often than -s says: the files grow as
	// the emulated world runs, and a test should not wait a second.
	every := max(min(time.Duration(r.poll*float64(time.Second)), 100*time.Millisecond), 10*time.Millisecond)
	wait := pollWait(c, every)
	defer wait(false)
	for {
		if !wait(true) {
			fw.out.Flush()
			return 130
		}
		if err := fw.poll(); err != nil {
			return textio.SigPipe
		}
	}
}

// pollWait returns tail -f's wait between polls: wait(true) waits one
// period and reports false when the command is interrupted; wait(false)
// releases it. The period is of wall time, or of the emulator's clock on
// purely emulated time (nsemu --seed), so that what tail prints comes at
// the same moment of the run every time.
func pollWait(c *shell.Cmd, every time.Duration) func(bool) bool {
	if c.World().EmulatedTime() {
		return func(wait bool) bool { return !wait || c.Sleep(every) == nil }
	}
	tick := time.NewTicker(every)
	return func(wait bool) bool {
		if !wait {
			tick.Stop()
			return true
		}
		select {
		case <-c.Ctx.Done():
			return false
		case <-tick.C:
			return true
		}
	}
}

// follower is the state of tail -f: how much of each file was printed.
type follower struct {
	c     *shell.Cmd
	r     *headReq
	out   *textio.Out
	sizes map[string]int64 // -1: missing (tail -F waits for it)
	last  string           // the file printed last, for the headers
}

// poll prints what each file gained since the last poll.
func (fw *follower) poll() error {
	for _, name := range fw.r.files {
		was, ok := fw.sizes[name]
		if !ok {
			continue
		}
		fi, err := fw.c.Stat(name)
		if err != nil || fi.IsDir() {
			continue
		}
		size := fi.Size()
		if size < was {
			fw.c.Diag.Write([]byte("tail: " + name + ": file truncated\n"))
			was = 0
		}
		if was < 0 {
			was = 0
		}
		if size > was {
			fw.printFrom(name, was)
		}
		fw.sizes[name] = size
	}
	return fw.out.Flush()
}

// printFrom prints a file from offset on.
func (fw *follower) printFrom(name string, offset int64) {
	f, err := fw.c.Open(name)
	if err != nil {
		return
	}
	defer f.Close()
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return
	}
	if name != fw.last && (fw.r.headers > 0 || fw.r.headers == 0 && len(fw.r.files) > 1) {
		printHeader(fw.out, name, false)
	}
	fw.last = name
	io.Copy(fw.out, f)
}
