package emu

import (
	"os"
	"testing"
)

// TestPipeWatchSeesWaitingData: a reader blocked on a pipe that has data
// or its writer's end waiting is about to run, so the world is not
// quiescent (a timer fired then would fire at a moment the machine's
// load picks).
func TestPipeWatchSeesWaitingData(t *testing.T) {
	w := New(Options{Seed: 1, EmulatedTime: true})
	defer w.Close()
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	r, ok := w.WatchReads(pr).(*watchedRead)
	if !ok {
		t.Fatalf("WatchReads(pipe) on emulated time gave %T", w.WatchReads(pr))
	}
	watch := &w.drv.pipes
	// As Read does while it blocks.
	watch.mu.Lock()
	watch.readers = map[*watchedRead]struct{}{r: {}}
	watch.mu.Unlock()
	if watch.anyReady() {
		t.Fatal("an empty pipe counts as ready")
	}
	pw.Write([]byte("x"))
	if !watch.anyReady() {
		t.Fatal("a pipe with a byte waiting does not count as ready")
	}
	b := make([]byte, 1)
	pr.Read(b)
	if watch.anyReady() {
		t.Fatal("a drained pipe counts as ready")
	}
	pw.Close()
	if !watch.anyReady() {
		t.Fatal("a pipe whose writer is closed (EOF waiting) does not count as ready")
	}
	plain := New(Options{})
	defer plain.Close()
	if _, ok := plain.WatchReads(pr).(*os.File); !ok {
		t.Error("without emulated time, WatchReads should return the file itself")
	}
}
