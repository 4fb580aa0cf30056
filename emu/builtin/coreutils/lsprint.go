package coreutils

import (
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"time"

	"github.com/nsemu/nsemu/emu/builtin/internal/textio"
)

// longRow is one line of ls -l: mode, links, owner, group, size, time,
// name. Everything belongs to root: the emulated user.
func (l *lister) longRow(e lsEntry) []string {
	links, owner := "1", "root"
	if e.fi.IsDir() {
		links = strconv.Itoa(2 + l.subdirs(e))
	}
	if l.r.numeric {
		owner = "0"
	}
	return []string{modeString(e.fi.Mode()), links, owner, owner, l.size(e.fi), l.when(e.fi.ModTime()), e.name + l.suffix(e.fi)}
}

// subdirs counts the directories in a directory (each links to it with
// its "..").
func (l *lister) subdirs(e lsEntry) int {
	fis, err := l.c.ReadDir(e.path)
	n := 0
	for _, fi := range fis {
		if err == nil && fi.IsDir() {
			n++
		}
	}
	return n
}

// size is the size column: bytes, or -h's 4.0K.
func (l *lister) size(fi fs.FileInfo) string {
	n := fi.Size()
	if fi.IsDir() {
		n = 4096
	}
	if !l.r.human {
		return strconv.FormatInt(n, 10)
	}
	return humanSize(n)
}

// humanSize is a size as ls -h writes it: 1023, 1.0K, 12K, 1.5M.
func humanSize(n int64) string {
	if n < 1024 {
		return strconv.FormatInt(n, 10)
	}
	v := float64(n)
	unit := 0
	for v >= 1024 && unit < 8 {
		v /= 1024
		unit++
	}
	suffix := string("KMGTPEZY"[unit-1])
	if v < 10 {
		// Rounded up to a tenth, as ls does.
		t := float64(int64(v*10+0.9999999)) / 10
		if t < 10 {
			return fmt.Sprintf("%.1f%s", t, suffix)
		}
		v = t
	}
	return fmt.Sprintf("%.0f%s", ceil(v), suffix)
}

func ceil(v float64) float64 {
	if i := float64(int64(v)); i < v {
		return i + 1
	}
	return v
}

// when is the time column: the time of day within six months of now,
// the year otherwise.
func (l *lister) when(t time.Time) string {
	now := l.c.World().Clock().Now()
	t = t.UTC()
	if d := now.Sub(t); d > 183*24*time.Hour || d < -183*24*time.Hour {
		return t.Format("Jan _2  2006")
	}
	return t.Format("Jan _2 15:04")
}

// suffix is what -F or -p adds to a name.
func (l *lister) suffix(fi fs.FileInfo) string {
	m := fi.Mode()
	switch {
	case !l.r.classify && !l.r.slash:
		return ""
	case m.IsDir():
		return "/"
	case !l.r.classify:
		return ""
	case m&fs.ModeSymlink != 0:
		return "@"
	case m&fs.ModeNamedPipe != 0:
		return "|"
	case m&fs.ModeSocket != 0:
		return "="
	case m.IsRegular() && m&0o111 != 0:
		return "*"
	}
	return ""
}

// total is the "total" line of ls -l: 1 KiB blocks, 4 KiB at a time.
func (l *lister) total(ents []lsEntry) string {
	var blocks int64
	for _, e := range ents {
		n := e.fi.Size()
		if e.fi.IsDir() {
			n = 4096
		}
		blocks += (n + 4095) / 4096 * 4
	}
	if l.r.human {
		return humanSize(blocks * 1024)
	}
	return strconv.FormatInt(blocks, 10)
}

// modeString is a mode as ls writes it: drwxr-xr-x, -rw-r--r--,
// drwxrwxrwt.
func modeString(m fs.FileMode) string {
	b := []byte("-rwxrwxrwx")
	switch {
	case m.IsDir():
		b[0] = 'd'
	case m&fs.ModeSymlink != 0:
		b[0] = 'l'
	case m&fs.ModeCharDevice != 0:
		b[0] = 'c'
	case m&fs.ModeDevice != 0:
		b[0] = 'b'
	case m&fs.ModeNamedPipe != 0:
		b[0] = 'p'
	case m&fs.ModeSocket != 0:
		b[0] = 's'
	}
	for i := 0; i < 9; i++ {
		if m&(1<<(8-i)) == 0 {
			b[i+1] = '-'
		}
	}
	special := func(i int, on bool, set, unset byte) {
		if on {
			if b[i] == 'x' {
				b[i] = set
			} else {
				b[i] = unset
			}
		}
	}
	special(3, m&fs.ModeSetuid != 0, 's', 'S')
	special(6, m&fs.ModeSetgid != 0, 's', 'S')
	special(9, m&fs.ModeSticky != 0, 't', 'T')
	return string(b)
}

// writeColumns aligns rows of words; right[i] right-aligns column i. The
// last column is not padded.
func writeColumns(out *textio.Out, rows [][]string, right []bool) {
	if len(rows) == 0 {
		return
	}
	widths := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, w := range r {
			widths[i] = max(widths[i], len(w))
		}
	}
	for _, r := range rows {
		var b strings.Builder
		for i, w := range r {
			pad := strings.Repeat(" ", widths[i]-len(w))
			switch {
			case i == len(r)-1:
				b.WriteString(w)
			case right[i]:
				b.WriteString(pad + w + " ")
			default:
				b.WriteString(w + pad + " ")
			}
		}
		out.WriteString(b.String() + "\n")
	}
}
