package main

import (
	"errors"
	"io"
	"runtime"

	flag "github.com/spf13/pflag"

	"github.com/nsemu/nsemu/emu"
)

// seedFlag is --seed N, of nsemu run and nsemu shell.
type seedFlag struct {
	fs *flag.FlagSet
	n  *uint64
}

func addSeedFlag(fs *flag.FlagSet) *seedFlag {
	return &seedFlag{fs: fs, n: fs.Uint64("seed", 0, "reproducible run: derive every random choice (MACs, container ids and names, veth names, ports, ICMP and DNS ids, TCP sequence numbers, netem) from `N`, and run on purely emulated time (it moves only by timers and 20 µs per frame hop), so the same script gives the same transcript, narration and capture on every run")}
}

// set reports whether --seed was given.
func (s *seedFlag) set() bool { return s.fs.Changed("seed") }

// check refuses what cannot be reproduced: a real network, real time.
func (s *seedFlag) check(realtime bool, up *uplinkFlags) error {
	if !s.set() {
		return nil
	}
	if realtime {
		return errors.New("--seed and --realtime: a reproducible run is on emulated time; give one of them")
	}
	if *up.spec != "" {
		return errors.New("--seed and --uplink: the real network cannot be reproduced; give one of them")
	}
	return nil
}

// options fills the world's options for --seed. It also runs the process
// on one thread of Go code (GOMAXPROCS 1): within one moment of emulated
// time, what a timer sets off runs on several goroutines (a frame's
// delivery, gVisor's TCP processor, the program it wakes), and on one
// thread they take turns in the order the runtime readies them, not in
// the order two cores happen to reach a shared lock (a TCP window
// computed before or after the handshake's last step was filed).
func (s *seedFlag) options(o emu.Options) emu.Options {
	if !s.set() {
		return o
	}
	runtime.GOMAXPROCS(1)
	o.Seed, o.EmulatedTime, o.Realtime = *s.n, true, false
	if o.Seed == 0 {
		// The world's 0 means "random"; --seed 0 is a seed like any other.
		o.Seed = 0x5eed
	}
	return o
}

// serialOutputs makes stdout and stderr writers that never block in a
// system call, sharing one queue, on purely emulated time (see
// emu.SerialWriter); close flushes them.
func serialOutputs(w *emu.World, stdout, stderr io.Writer) (io.Writer, io.Writer, func()) {
	if !w.EmulatedTime() {
		return stdout, stderr, func() {}
	}
	s := emu.NewSerialWriters(stdout, stderr)
	return s[0], s[1], func() { _ = s[0].Close() }
}
