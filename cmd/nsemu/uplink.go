package main

import (
	"context"
	"fmt"
	"io"

	flag "github.com/spf13/pflag"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/shell"
	"github.com/nsemu/nsemu/emu/uplink"
)

// uplinkFlags are --uplink and --publish, shared by run and shell.
type uplinkFlags struct {
	spec    *string
	publish *[]string

	parsed uplink.Spec
	pubs   []uplink.Publish
}

func addUplinkFlags(fs *flag.FlagSet) *uplinkFlags {
	return &uplinkFlags{
		spec:    fs.String("uplink", "", "give the emulated host an eth0 on the real network; `SPEC` is tap:NAME (the real TAP device NAME) or host[,loopback] (rootless, through this process's sockets; loopback lets 10.0.2.2 reach the real 127.0.0.1)"),
		publish: fs.StringArray("publish", nil, "with --uplink, the real machine's port HOST (on ADDR, 127.0.0.1 unless given) reaches the emulated host's port PORT: `[ADDR:]HOST:PORT[/udp]` (repeatable)"),
	}
}

// parse checks the flags' values, before anything starts.
func (f *uplinkFlags) parse() error {
	if *f.spec == "" {
		if len(*f.publish) > 0 {
			return fmt.Errorf("--publish needs --uplink")
		}
		return nil
	}
	s, err := uplink.ParseSpec(*f.spec)
	if err != nil {
		return err
	}
	f.parsed = s
	for _, v := range *f.publish {
		p, err := uplink.ParsePublish(v)
		if err != nil {
			return err
		}
		f.pubs = append(f.pubs, p)
	}
	return nil
}

// start starts the uplink asked for (nil when none) and its --publish
// ports; messages go to log.
func (f *uplinkFlags) start(w *emu.World, log io.Writer) (*uplink.Uplink, error) {
	if *f.spec == "" {
		return nil, nil
	}
	u, err := uplink.Start(w, f.parsed, uplink.Options{Log: log})
	if err != nil {
		return nil, fmt.Errorf("--uplink %s: %w", f.parsed, err)
	}
	for _, p := range f.pubs {
		if err := u.Publish(p); err != nil {
			u.Close()
			return nil, err
		}
	}
	return u, nil
}

// ctxReader is a line reader that returns io.EOF as soon as ctx is done,
// even while the line it wraps waits for input: the shell then ends as at
// EOF. The read in progress finishes in its own goroutine (on a terminal,
// when readline is closed).
type ctxReader struct {
	ctx     context.Context
	lr      shell.LineReader
	lines   chan readResult
	pending bool
}

type readResult struct {
	line string
	err  error
}

func newCtxReader(ctx context.Context, lr shell.LineReader) *ctxReader {
	return &ctxReader{ctx: ctx, lr: lr, lines: make(chan readResult, 1)}
}

// Readline implements shell.LineReader.
func (r *ctxReader) Readline() (string, error) {
	if r.ctx.Err() != nil {
		return "", io.EOF
	}
	if !r.pending {
		r.pending = true
		go func() {
			line, err := r.lr.Readline()
			r.lines <- readResult{line, err}
		}()
	}
	select {
	case res := <-r.lines:
		r.pending = false
		return res.line, res.err
	case <-r.ctx.Done():
		return "", io.EOF
	}
}

// SetPrompt implements shell.LineReader.
func (r *ctxReader) SetPrompt(p string) { r.lr.SetPrompt(p) }
