package uplink

import (
	"fmt"
	"io"
	"sync"
)

// logger writes the uplink's messages ("nsemu: uplink: ...") for the
// person running nsemu; hints that would repeat per flow are written once.
// Its lock is a leaf.
type logger struct {
	mu   sync.Mutex
	w    io.Writer
	once map[string]bool
}

func newLogger(w io.Writer) *logger {
	if w == nil {
		w = io.Discard
	}
	return &logger{w: w, once: map[string]bool{}}
}

func (l *logger) printf(format string, a ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(l.w, "nsemu: uplink: "+format+"\n", a...)
}

// oncef prints a message the first time key is seen.
func (l *logger) oncef(key, format string, a ...any) {
	l.mu.Lock()
	seen := l.once[key]
	l.once[key] = true
	l.mu.Unlock()
	if !seen {
		l.printf(format, a...)
	}
}
