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

// conversion is one %X of strftime and its natural padding.
func conversion(c byte, colons int, t time.Time) (string, byte, bool) {
	num := func(n, w int) (string, byte, bool) {
		s := strconv.Itoa(n)
		if len(s) < w {
			s = strings.Repeat("0", w-len(s)) + s
		}
		return s, '0', true
	}
	sp := func(n int) (string, byte, bool) {
		s := strconv.Itoa(n)
		if len(s) < 2 {
			s = " " + s
		}
		return s, ' ', true
	}
	switch c {
	case 'Y':
		return num(t.Year(), 1)
	case 'C':
		return num(t.Year()/100, 2)
	case 'y':
		return num(t.Year()%100, 2)
	case 'm':
		return num(int(t.Month()), 2)
	case 'd':
		return num(t.Day(), 2)
	case 'e':
		return sp(t.Day())
	case 'H':
		return num(t.Hour(), 2)
	case 'k':
		return sp(t.Hour())
	case 'I':
		return num((t.Hour()+11)%12+1, 2)
	case 'l':
		return sp((t.Hour()+11)%12 + 1)
	case 'M':
		return num(t.Minute(), 2)
	case 'S':
		return num(t.Second(), 2)
	case 'j':
		return num(t.YearDay(), 3)
	case 'u':
		return num((int(t.Weekday())+6)%7+1, 1)
	case 'w':
		return num(int(t.Weekday()), 1)
	case 'U':
		return num((t.YearDay()+6-int(t.Weekday()))/7, 2)
	case 'W':
		return num((t.YearDay()+6-(int(t.Weekday())+6)%7)/7, 2)
	case 'V':
		_, w := t.ISOWeek()
		return num(w, 2)
	case 'G':
		y, _ := t.ISOWeek()
		return num(y, 1)
	case 'g':
		y, _ := t.ISOWeek()
		return num(y%100, 2)
	case 's':
		return strconv.FormatInt(t.Unix(), 10), 0, true
	case 'N':
		return num(t.Nanosecond(), 9)
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
