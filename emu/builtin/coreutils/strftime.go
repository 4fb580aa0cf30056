package coreutils

import (
	"strconv"
	"strings"
	"time"
)

// strftime formats t as date's +FORMAT does: the C library's conversions
// with GNU's flags (- no padding, _ spaces, 0 zeros, ^ upper case) and a
// width.
func strftime(format string, t time.Time) string {
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		if format[i] != '%' || i+1 == len(format) {
			b.WriteByte(format[i])
			continue
		}
		start := i
		i++
		flag := byte(0)
		for i < len(format) && strings.IndexByte("-_0^#", format[i]) >= 0 {
			flag = format[i]
			i++
		}
		width := 0
		for i < len(format) && format[i] >= '0' && format[i] <= '9' {
			width = width*10 + int(format[i]-'0')
			i++
		}
		colons := 0
		for i < len(format) && format[i] == ':' {
			colons++
			i++
		}
		if i == len(format) {
			b.WriteString(format[start:])
			break
		}
		s, pad, ok := conversion(format[i], colons, t)
		if !ok {
			b.WriteString(format[start : i+1])
			continue
		}
		b.WriteString(padded(s, pad, flag, width))
	}
	return b.String()
}

// padded applies a flag and width to a converted field whose natural
// padding is pad ('0', ' ' or 0 for none).
func padded(s string, pad, flag byte, width int) string {
	if flag == '^' {
		s = strings.ToUpper(s)
	}
	digits := strings.TrimLeft(s, " 0")
	if pad != 0 && (flag == '-' || flag == '_' || flag == '0') && s != "" {
		if digits == "" {
			digits = "0"
		}
		natural := len(s)
		s = digits
		switch flag {
		case '_':
			width = max(width, natural)
			pad = ' '
		case '0':
			width = max(width, natural)
			pad = '0'
		}
	}
	if pad == 0 || flag == '^' || flag == '#' {
		pad = ' '
		if flag == '0' {
			pad = '0'
		}
	}
	if len(s) < width {
		s = strings.Repeat(string(pad), width-len(s)) + s
	}
	return s
}

// numeric are strftime's number conversions: the value, its width and
// its natural padding.
var numeric = map[byte]struct {
	val   func(t time.Time) int
	width int
	pad   byte
}{
	'Y': {func(t time.Time) int { return t.Year() }, 1, '0'},
	'C': {func(t time.Time) int { return t.Year() / 100 }, 2, '0'},
	'y': {func(t time.Time) int { return t.Year() % 100 }, 2, '0'},
	'm': {func(t time.Time) int { return int(t.Month()) }, 2, '0'},
	'd': {func(t time.Time) int { return t.Day() }, 2, '0'},
	'e': {func(t time.Time) int { return t.Day() }, 2, ' '},
	'H': {func(t time.Time) int { return t.Hour() }, 2, '0'},
	'k': {func(t time.Time) int { return t.Hour() }, 2, ' '},
	'I': {func(t time.Time) int { return (t.Hour()+11)%12 + 1 }, 2, '0'},
	'l': {func(t time.Time) int { return (t.Hour()+11)%12 + 1 }, 2, ' '},
	'M': {func(t time.Time) int { return t.Minute() }, 2, '0'},
	'S': {func(t time.Time) int { return t.Second() }, 2, '0'},
	'j': {func(t time.Time) int { return t.YearDay() }, 3, '0'},
	'u': {func(t time.Time) int { return (int(t.Weekday())+6)%7 + 1 }, 1, '0'},
	'w': {func(t time.Time) int { return int(t.Weekday()) }, 1, '0'},
	'U': {func(t time.Time) int { return (t.YearDay() + 6 - int(t.Weekday())) / 7 }, 2, '0'},
	'W': {func(t time.Time) int { return (t.YearDay() + 6 - (int(t.Weekday())+6)%7) / 7 }, 2, '0'},
	'V': {func(t time.Time) int { _, w := t.ISOWeek(); return w }, 2, '0'},
	'G': {func(t time.Time) int { y, _ := t.ISOWeek(); return y }, 1, '0'},
	'g': {func(t time.Time) int { y, _ := t.ISOWeek(); return y % 100 }, 2, '0'},
	'N': {func(t time.Time) int { return t.Nanosecond() }, 9, '0'},
}

// conversion is one %X of strftime and its natural padding.
func conversion(c byte, colons int, t time.Time) (string, byte, bool) {
	if n, ok := numeric[c]; ok {
		s := strconv.Itoa(n.val(t))
		if len(s) < n.width {
			s = strings.Repeat(string(n.pad), n.width-len(s)) + s
		}
		return s, n.pad, true
	}
	if c == 's' {
		return strconv.FormatInt(t.Unix(), 10), 0, true
	}
	return textConversion(c, colons, t)
}

// textConversion is a %X that is not a plain number.
func textConversion(c byte, colons int, t time.Time) (string, byte, bool) {
	f := func(layout string) (string, byte, bool) { return t.Format(layout), 0, true }
	switch c {
	case 'a':
		return f("Mon")
	case 'A':
		return f("Monday")
	case 'b', 'h':
		return f("Jan")
	case 'B':
		return f("January")
	case 'p':
		return f("PM")
	case 'P':
		return strings.ToLower(t.Format("PM")), 0, true
	case 'Z':
		return f("MST")
	case 'z':
		return zone(t, colons), 0, true
	case 'c':
		return strftime("%a %b %e %H:%M:%S %Y", t), 0, true
	case 'D', 'x':
		return strftime("%m/%d/%y", t), 0, true
	case 'F':
		return strftime("%Y-%m-%d", t), 0, true
	case 'T', 'X':
		return strftime("%H:%M:%S", t), 0, true
	case 'R':
		return strftime("%H:%M", t), 0, true
	case 'r':
		return strftime("%I:%M:%S %p", t), 0, true
	case 'n':
		return "\n", 0, true
	case 't':
		return "\t", 0, true
	case '%':
		return "%", 0, true
	}
	return "", 0, false
}

// zone is %z, %:z, %::z.
func zone(t time.Time, colons int) string {
	switch colons {
	case 1:
		return t.Format("-07:00")
	case 2:
		return t.Format("-07:00:00")
	}
	return t.Format("-0700")
}
