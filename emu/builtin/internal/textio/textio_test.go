package textio

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestLines(t *testing.T) {
	long := strings.Repeat("x", 100<<10)
	l := NewLines(context.Background(), strings.NewReader("a\n"+long+"\nlast"), '\n', nil)
	var got []string
	for {
		rec, err := l.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, string(rec))
	}
	if len(got) != 3 || got[0] != "a\n" || got[1] != long+"\n" || got[2] != "last" {
		t.Errorf("records %d, want a, the 100 KiB line and last", len(got))
	}
	if text, delim := TrimDelim([]byte("last"), '\n'); string(text) != "last" || delim {
		t.Errorf("TrimDelim(last) = %q %v", text, delim)
	}
}

// The output is flushed before each read that may wait: a pipeline's
// next command sees each line as it comes.
func TestFlushBeforeRead(t *testing.T) {
	var sink bytes.Buffer
	out := NewOut(&sink)
	pr, pw := io.Pipe()
	l := NewLines(context.Background(), pr, '\n', out)
	go pw.Write([]byte("one\n"))
	rec, _ := l.Next()
	out.Write(rec)
	go func() { pw.Write([]byte("two\n")); pw.Close() }()
	l.Next()
	if sink.String() != "one\n" {
		t.Errorf("before the second read, the output held %q, want one\\n", sink.String())
	}
}

func TestStopsWithRun(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := NewLines(ctx, strings.NewReader("a\n"), '\n', nil).Next()
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Next after the run ended: %v, want context.Canceled", err)
	}
}

type failing struct{}

func (failing) Write([]byte) (int, error) { return 0, io.ErrClosedPipe }

func TestWriteError(t *testing.T) {
	out := NewOut(failing{})
	out.WriteString("x")
	_, err := NewLines(context.Background(), strings.NewReader("a\n"), '\n', out).Next()
	if !IsWrite(err) {
		t.Errorf("a failed flush while reading: %v, want a WriteError", err)
	}
}
