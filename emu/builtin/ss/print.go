package ss

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// ss prints a table whose columns it measures first (render_calc_width):
// each field is buffered, a column's width is its longest field plus the
// delimiter before it, and the table is printed with left-aligned fields
// padded on the right and right-aligned ones (the addresses) on the left.
// Standard output is never a terminal here, so the columns are not
// stretched to a screen's width (ss's "compact output").

type align int

const (
	alignLeft align = iota
	alignRight
)

// column is one of ss's columns (iproute2 6.1's columns[]).
type column struct {
	align    align
	header   string
	ldelim   string
	disabled bool
}

// The columns, in ss's order; colProc is ss's last, empty column.
const (
	colNetid = iota
	colState
	colRecvQ
	colSendQ
	colAddr
	colServ
	colRAddr
	colRServ
	colExt
	colProc
	colMax
)

func newColumns() []column {
	return []column{
		{alignLeft, "Netid", "", false},
		{alignLeft, "State", " ", false},
		{alignLeft, "Recv-Q", " ", false},
		{alignLeft, "Send-Q", " ", false},
		{alignRight, "Local Address:", " ", false},
		{alignLeft, "Port", "", false},
		{alignRight, "Peer Address:", " ", false},
		{alignLeft, "Port", "", false},
		{alignLeft, "Process", "", false},
		{alignLeft, "", "", false},
	}
}

// table buffers rows of fields, one per enabled column.
type table struct {
	cols []column
	rows [][]string // each of colMax fields; disabled ones empty
}

// header adds ss's header row: every column but the last.
func (t *table) header() {
	row := make([]string, colMax)
	for i := 0; i < colProc; i++ {
		row[i] = t.cols[i].header
	}
	t.rows = append(t.rows, row)
}

// render prints the table as ss's render() does.
func (t *table) render(w io.Writer) {
	width := make([]int, colMax)
	first := true
	for i, c := range t.cols {
		if c.disabled {
			continue
		}
		for _, r := range t.rows {
			width[i] = max(width[i], len(r[i]))
		}
		if !first && width[i] > 0 {
			width[i] += len(c.ldelim)
		}
		if width[i] > 0 {
			first = false
		}
	}
	var b strings.Builder
	for _, r := range t.rows {
		started := false
		for i, c := range t.cols {
			if c.disabled || (width[i] == 0 && !started) {
				continue
			}
			printed := 0
			if started {
				b.WriteString(c.ldelim)
				printed = len(c.ldelim)
			}
			started = true
			if c.align == alignRight {
				if s := width[i] - len(r[i]) - printed; s > 0 && width[i] > 0 {
					b.WriteString(strings.Repeat(" ", s))
				}
				b.WriteString(r[i])
				continue
			}
			b.WriteString(r[i])
			printed += len(r[i])
			if s := width[i] - printed; s > 0 {
				b.WriteString(strings.Repeat(" ", s))
			}
		}
		b.WriteString("\n")
	}
	io.WriteString(w, b.String())
}

// stateNamesOut are sock_state_print's names.
var stateNamesOut = [...]string{
	"UNKNOWN", "ESTAB", "SYN-SENT", "SYN-RECV", "FIN-WAIT-1", "FIN-WAIT-2", "TIME-WAIT",
	"UNCONN", "CLOSE-WAIT", "LAST-ACK", "LISTEN", "CLOSING",
}

// timerNames are tcp_timer_print's names.
var timerNames = [...]string{"off", "on", "keepalive", "timewait", "persist", "unknown"}

// msTimer is print_ms_timer: "1min2sec", "12sec", "1.500ms", "200ms"
// (an expired timer prints nothing, as in ss).
func msTimer(d time.Duration) string {
	ms := max(d.Milliseconds(), 0)
	secs, msecs := ms/1000, ms%1000
	minutes := secs / 60
	secs %= 60
	var b strings.Builder
	if minutes > 0 {
		msecs = 0
		fmt.Fprintf(&b, "%dmin", minutes)
		if minutes > 9 {
			secs = 0
		}
	}
	if secs > 0 {
		if secs > 9 {
			msecs = 0
		}
		sep := "sec"
		if msecs > 0 {
			sep = "."
		}
		fmt.Fprintf(&b, "%d%s", secs, sep)
	}
	if msecs > 0 {
		fmt.Fprintf(&b, "%03dms", msecs)
	}
	return b.String()
}
