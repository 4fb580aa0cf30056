package emu

import (
	"io"
	"sync"
)

// SerialWriter is an io.Writer that never blocks in a system call: it
// copies what it is given and a goroutine of its own writes it to the
// underlying writer, in order. On purely emulated time, nsemu's transcript
// goes through one: a command blocked writing to a terminal or a pipe would
// look, to the driver, as if it were waiting for the clock. The writers of
// one NewSerialWriters call share the goroutine and its queue, so that
// what goes to standard output and to standard error keeps its order when
// both lead to one file (2>&1). Close (any of them) flushes and stops it.
type SerialWriter struct {
	q   *serialQueue
	out io.Writer
}

// serialQueue is the queue and goroutine SerialWriters share.
type serialQueue struct {
	// mu guards chunks and closed; a leaf.
	mu     sync.Mutex
	cond   *sync.Cond
	chunks []serialChunk
	closed bool
	done   chan struct{}
}

type serialChunk struct {
	out io.Writer
	b   []byte
}

// NewSerialWriters starts SerialWriters onto each of outs, sharing one
// queue.
func NewSerialWriters(outs ...io.Writer) []*SerialWriter {
	q := &serialQueue{done: make(chan struct{})}
	q.cond = sync.NewCond(&q.mu)
	go q.loop()
	ws := make([]*SerialWriter, len(outs))
	for i, out := range outs {
		ws[i] = &SerialWriter{q: q, out: out}
	}
	return ws
}

// Write implements io.Writer: it copies p and returns at once.
func (s *SerialWriter) Write(p []byte) (int, error) {
	q := s.q
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return 0, io.ErrClosedPipe
	}
	if n := len(q.chunks); n > 0 && q.chunks[n-1].out == s.out {
		q.chunks[n-1].b = append(q.chunks[n-1].b, p...)
	} else {
		q.chunks = append(q.chunks, serialChunk{out: s.out, b: append([]byte(nil), p...)})
	}
	q.cond.Signal()
	return len(p), nil
}

func (q *serialQueue) loop() {
	defer close(q.done)
	for {
		q.mu.Lock()
		for len(q.chunks) == 0 && !q.closed {
			q.cond.Wait()
		}
		chunks, closed := q.chunks, q.closed
		q.chunks = nil
		q.mu.Unlock()
		for _, c := range chunks {
			_, _ = c.out.Write(c.b)
		}
		if closed && len(chunks) == 0 {
			return
		}
	}
}

// Close writes what is left and stops the writers' goroutine.
func (s *SerialWriter) Close() error {
	q := s.q
	q.mu.Lock()
	q.closed = true
	q.cond.Signal()
	q.mu.Unlock()
	<-q.done
	return nil
}
