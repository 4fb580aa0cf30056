package emu

import (
	"io"
	"os"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// Pipes between the stages of a pipeline are the real machine's (the
// script interpreter makes them with os.Pipe), and a goroutine waiting to
// read one waits in Go's network poller, where the runtime's counts show it
// as waiting — like a goroutine waiting for the clock. Between a write into
// the pipe and the poller waking the reader, the world looks quiescent
// though it is not, and on purely emulated time the driver could fire a
// timer there: when depends on the machine's load, and a run would not
// repeat. WatchReads closes that window: a reader blocked on a pipe that
// has data (or its end) waiting is busy.

// pipeWatch is the set of pipes a command is blocked reading.
type pipeWatch struct {
	// mu guards readers; a leaf.
	mu      sync.Mutex
	readers map[*watchedRead]struct{}
}

// WatchReads returns r, or on purely emulated time a reader that tells
// the driver while it is blocked reading r when r is a pipe of the real
// machine.
func (w *World) WatchReads(r io.Reader) io.Reader {
	f, ok := r.(*os.File)
	if !ok || w.drv == nil {
		return r
	}
	rc, err := f.SyscallConn()
	if err != nil {
		return r
	}
	return &watchedRead{f: f, rc: rc, pw: &w.drv.pipes}
}

// watchedRead is a pipe's read end whose blocked reads the driver sees.
type watchedRead struct {
	f  *os.File
	rc syscall.RawConn
	pw *pipeWatch
}

// Read implements io.Reader.
func (r *watchedRead) Read(p []byte) (int, error) {
	r.pw.mu.Lock()
	if r.pw.readers == nil {
		r.pw.readers = map[*watchedRead]struct{}{}
	}
	r.pw.readers[r] = struct{}{}
	r.pw.mu.Unlock()
	defer func() {
		r.pw.mu.Lock()
		delete(r.pw.readers, r)
		r.pw.mu.Unlock()
	}()
	return r.f.Read(p)
}

// ready reports whether a read would not block: data or the writer's end
// is waiting (or the descriptor is gone, which a read reports at once).
func (r *watchedRead) ready() bool {
	ready := true
	_ = r.rc.Control(func(fd uintptr) {
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		n, err := unix.Poll(fds, 0)
		ready = err != nil || n > 0
	})
	return ready
}

// anyReady reports whether a blocked reader is about to be woken.
func (pw *pipeWatch) anyReady() bool {
	pw.mu.Lock()
	defer pw.mu.Unlock()
	for r := range pw.readers {
		if r.ready() {
			return true
		}
	}
	return false
}
