package iperf3

import (
	"fmt"
	"strconv"
	"strings"
)

// atof reads a number the way iperf3's sscanf("%lf%c") does: the longest
// prefix that is a number (0 when there is none), then an optional K, M,
// G or T suffix, multiplied by unit (1024 for sizes, 1000 for rates).
// Any other suffix is ignored, as iperf3 ignores it.
func atof(s string, unit float64) float64 {
	n, rest := leadingFloat(s)
	if rest == "" {
		return n
	}
	switch rest[0] {
	case 't', 'T':
		n *= unit * unit * unit * unit
	case 'g', 'G':
		n *= unit * unit * unit
	case 'm', 'M':
		n *= unit * unit
	case 'k', 'K':
		n *= unit
	}
	return n
}

// leadingFloat splits s into the float strtod would read and the rest.
func leadingFloat(s string) (float64, string) {
	t := strings.TrimLeft(s, " \t\n")
	for end := len(t); end > 0; end-- {
		if n, err := strconv.ParseFloat(t[:end], 64); err == nil {
			if strings.ContainsAny(t[:end], "xXpPnN_") { // hex floats, inf, nan, Go's underscores
				continue
			}
			return n, t[end:]
		}
	}
	return 0, ""
}

// atoi is C's atoi: leading digits with a sign, 0 when there are none.
func atoi(s string) int {
	t := strings.TrimLeft(s, " \t\n")
	end := 0
	if end < len(t) && (t[end] == '-' || t[end] == '+') {
		end++
	}
	for end < len(t) && t[end] >= '0' && t[end] <= '9' {
		end++
	}
	n, err := strconv.ParseInt(t[:end], 10, 32)
	if err != nil {
		return 0
	}
	return int(n)
}

// atofC is C's atof (no suffix).
func atofC(s string) float64 {
	n, _ := leadingFloat(s)
	return n
}

var (
	byteLabels = [...]string{"Byte", "KByte", "MByte", "GByte", "TByte"}
	bitLabels  = [...]string{"bit", "Kbit", "Mbit", "Gbit", "Tbit"}
)

// unitString is iperf3's unit_snprintf: bytes n in format f ('A' adaptive
// bytes, 'a' adaptive bits, k/m/g/t a fixed bit unit, K/M/G/T a fixed byte
// unit). The label has no plural "s": the callers' formats add it.
func unitString(n float64, f byte) string {
	bytes := f >= 'A' && f <= 'Z'
	base := 1000.0
	if bytes {
		base = 1024
	} else {
		n *= 8
	}
	conv := strings.IndexByte("BKMGT", upper(f))
	if conv < 0 {
		conv = 0
		for t := n; t >= base && conv < 4; t /= base {
			conv++
		}
	}
	for i := 0; i < conv; i++ {
		n /= base
	}
	label := bitLabels[conv]
	if bytes {
		label = byteLabels[conv]
	}
	switch {
	case n < 9.995:
		return fmt.Sprintf("%4.2f %s", n, label)
	case n < 99.95:
		return fmt.Sprintf("%4.1f %s", n, label)
	}
	return fmt.Sprintf("%4.0f %s", n, label)
}

func upper(b byte) byte {
	if b >= 'a' && b <= 'z' {
		return b - 'a' + 'A'
	}
	return b
}
