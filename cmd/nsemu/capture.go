package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/nsemu/nsemu/capture"
	"github.com/nsemu/nsemu/emu"
)

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

// openCapture starts --pcap's capture: to path, or streamed to stdout for
// "-".
func openCapture(w *emu.World, path string, stdout io.Writer, only []string) (func() error, error) {
	if path == "-" {
		return streamCapture(w, stdout, only)
	}
	return startCapture(w, path, only)
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
