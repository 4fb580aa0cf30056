package tc

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// The number words of iproute2's tc (lib/utils.c, lib/utils_math.c,
// tc/tc_core.c), with C's conversions: what tc accepts, how it rounds, and
// what it prints must match for `tc qdisc show` to read as Linux's.

// tickInUsec is tc_core_init's tick_in_usec for Linux's /proc/net/psched
// (1000 ns per µs, 64 ns per tick, a 1 GHz clock): 15.625 ticks per µs.
const tickInUsec = 1000.0 / 64

// usPerSec is TIME_UNITS_PER_SEC: tc's times are in µs.
const usPerSec = 1e6

// u32 converts a double to an unsigned int as C does on x86-64 (gcc goes
// through a 64-bit signed conversion and keeps the low 32 bits: -5000.0
// becomes 4294962296; NaN and values beyond ±2^63 become 0).
func u32(f float64) uint32 {
	if math.IsNaN(f) || f >= 1<<63 || f < -(1<<63) {
		return 0
	}
	return uint32(int64(f))
}

// u64 converts a double to an unsigned long as gcc does on x86-64.
func u64(f float64) uint64 {
	switch {
	case math.IsNaN(f) || f < -(1<<63):
		return 1 << 63
	case f < 1<<63:
		return uint64(int64(f))
	case f < 1<<64:
		return uint64(int64(f-(1<<63))) ^ 1<<63
	}
	return 0
}

// isSpace is C's isspace in the C locale.
func isSpace(c byte) bool { return c == ' ' || (c >= '\t' && c <= '\r') }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// strtod parses the longest prefix of s that C's strtod accepts and
// returns the value and the rest of s; ok is false when no number starts
// s (strtod leaves its end pointer at the start).
func strtod(s string) (v float64, rest string, ok bool) {
	i := 0
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	start := i
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	if n := specialFloat(s[i:]); n > 0 {
		switch {
		case strings.HasPrefix(strings.ToLower(s[i:]), "nan"):
			v = math.NaN()
		case s[start] == '-':
			v = math.Inf(-1)
		default:
			v = math.Inf(1)
		}
		return v, s[i+n:], true
	}
	var end int
	if len(s)-i > 2 && s[i] == '0' && (s[i+1] == 'x' || s[i+1] == 'X') {
		if end = hexFloatEnd(s, i+2); end < 0 {
			// "0x" without digits: strtod takes the 0.
			return 0, s[i+1:], true
		}
	} else if end = decFloatEnd(s, i); end < 0 {
		return 0, s, false
	}
	v = parseCFloat(s[start:end])
	return v, s[end:], true
}

// specialFloat is the length of an inf, infinity or nan(...) at s's start.
func specialFloat(s string) int {
	l := strings.ToLower(s)
	switch {
	case strings.HasPrefix(l, "infinity"):
		return 8
	case strings.HasPrefix(l, "inf"):
		return 3
	case strings.HasPrefix(l, "nan"):
		if j := strings.IndexByte(l, ')'); len(l) > 3 && l[3] == '(' && j > 0 && isNanChars(l[4:j]) {
			return j + 1
		}
		return 3
	}
	return 0
}

func isNanChars(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isDigit(c) || c >= 'a' && c <= 'z' || c == '_') {
			return false
		}
	}
	return true
}

// decFloatEnd is the end of a decimal number starting at s[i], or -1.
func decFloatEnd(s string, i int) int {
	digits := 0
	for ; i < len(s) && isDigit(s[i]); i++ {
		digits++
	}
	if i < len(s) && s[i] == '.' {
		for i++; i < len(s) && isDigit(s[i]); i++ {
			digits++
		}
	}
	if digits == 0 {
		return -1
	}
	return exponentEnd(s, i, 'e', isDigit)
}

func isHex(c byte) bool { return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

// hexFloatEnd is the end of a hex number's digits from s[i], or -1.
func hexFloatEnd(s string, i int) int {
	digits := 0
	for ; i < len(s) && isHex(s[i]); i++ {
		digits++
	}
	if i < len(s) && s[i] == '.' {
		for i++; i < len(s) && isHex(s[i]); i++ {
			digits++
		}
	}
	if digits == 0 {
		return -1
	}
	return exponentEnd(s, i, 'p', isDigit)
}

// exponentEnd takes an exponent (e or p, a sign, digits) at s[i] if one
// is there in full.
func exponentEnd(s string, i int, mark byte, digit func(byte) bool) int {
	if i >= len(s) || (s[i]|0x20) != mark {
		return i
	}
	j := i + 1
	if j < len(s) && (s[j] == '+' || s[j] == '-') {
		j++
	}
	if j >= len(s) || !digit(s[j]) {
		return i
	}
	for j < len(s) && digit(s[j]) {
		j++
	}
	return j
}

// parseCFloat converts a number strtod accepted; out of range it gives
// ±Inf or 0, as strtod does.
func parseCFloat(s string) float64 {
	t := s
	if l := strings.ToLower(strings.TrimLeft(t, "+-")); strings.HasPrefix(l, "0x") && !strings.Contains(l, "p") {
		t += "p0"
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return v
		}
		return 0
	}
	return v
}

// scanInteger reads what C's strtol and strtoul read: blanks, a sign, a
// base prefix (base 0 or 16), digits. ok is false without digits.
func scanInteger(s string, base int) (neg bool, mag uint64, rest string, ok, overflow bool) {
	i := 0
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	switch {
	case (base == 0 || base == 16) && i+2 < len(s) && s[i] == '0' && (s[i+1]|0x20) == 'x' && isHex(s[i+2]):
		base, i = 16, i+2
	case base == 0 && i < len(s) && s[i] == '0':
		base = 8
	case base == 0:
		base = 10
	}
	start := i
	for ; i < len(s); i++ {
		d := digitValue(s[i])
		if d >= base {
			break
		}
		if mag > (math.MaxUint64-uint64(d))/uint64(base) {
			overflow = true
		}
		mag = mag*uint64(base) + uint64(d)
	}
	if i == start {
		return false, 0, s, false, false
	}
	return neg, mag, s[i:], true, overflow
}

// strtoul is C's strtoul: ULONG_MAX and overflow when out of range; a
// minus sign negates (so "-1" is ULONG_MAX).
func strtoul(s string, base int) (v uint64, rest string, ok, overflow bool) {
	neg, mag, rest, ok, overflow := scanInteger(s, base)
	switch {
	case overflow:
		return math.MaxUint64, rest, ok, true
	case neg:
		return -mag, rest, ok, false
	}
	return mag, rest, ok, false
}

// strtol is C's strtol.
func strtol(s string, base int) (v int64, rest string, ok, overflow bool) {
	neg, mag, rest, ok, overflow := scanInteger(s, base)
	switch {
	case neg && (overflow || mag > 1<<63):
		return math.MinInt64, rest, ok, true
	case !neg && (overflow || mag > math.MaxInt64):
		return math.MaxInt64, rest, ok, true
	case neg:
		return -int64(mag), rest, ok, false
	}
	return int64(mag), rest, ok, false
}

func digitValue(c byte) int {
	switch {
	case isDigit(c):
		return int(c - '0')
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10
	}
	return 99
}

// getU32 is get_u32: a whole word, at most 2^32-1.
func getU32(s string, base int) (uint32, bool) {
	v, rest, ok, over := strtoul(s, base)
	if s == "" || !ok || rest != "" || over || v > math.MaxUint32 {
		return 0, false
	}
	return uint32(v), true
}

// getS32 is get_s32 (strtol, within int32).
func getS32(s string, base int) (int32, bool) {
	v, rest, ok, over := strtol(s, base)
	if s == "" || !ok || rest != "" || over || v > math.MaxInt32 || v < math.MinInt32 {
		return 0, false
	}
	return int32(v), true
}

// getInteger is get_integer (strtol, within int).
func getInteger(s string, base int) (int, bool) {
	v, ok := getS32(s, base)
	return int(v), ok
}

// getU16 is get_u16.
func getU16(s string, base int) (uint16, bool) {
	v, ok := getU32(s, base)
	if !ok || v > math.MaxUint16 {
		return 0, false
	}
	return uint16(v), true
}

// getTime is get_time: a time in µs ("10ms", "1.5s", "250us", "100").
func getTime(s string) (uint32, bool) {
	t, rest, ok := strtod(s)
	if !ok {
		return 0, false
	}
	switch strings.ToLower(rest) {
	case "":
	case "s", "sec", "secs":
		t *= usPerSec
	case "ms", "msec", "msecs":
		t *= usPerSec / 1000
	case "us", "usec", "usecs":
	default:
		return 0, false
	}
	return u32(t), true
}

// sizeUnits are get_size's suffixes, in its order.
var sizeUnits = []struct {
	name  string
	scale float64
}{
	{"kb", 1024}, {"k", 1024}, {"gb", 1 << 30}, {"g", 1 << 30}, {"gbit", 1 << 30 / 8},
	{"mb", 1 << 20}, {"m", 1 << 20}, {"mbit", 1 << 20 / 8}, {"kbit", 1024 / 8}, {"b", 1},
}

// getSize is get_size: a size in bytes ("10k", "1540", "32kbit").
func getSize(s string) (uint32, bool) {
	sz, rest, ok := strtod(s)
	if !ok {
		return 0, false
	}
	if rest != "" {
		found := false
		for _, u := range sizeUnits {
			if strings.EqualFold(rest, u.name) {
				sz *= u.scale
				found = true
				break
			}
		}
		if !found {
			return 0, false
		}
	}
	v := u32(sz)
	return v, float64(v) == math.Floor(sz)
}

// rateUnits are get_rate's suffixes, in its order (case-insensitive, so
// "mibit" and "Mbit" both match).
var rateUnits = []struct {
	name  string
	scale float64
}{
	{"bit", 1}, {"Kibit", 1024}, {"kbit", 1000}, {"mibit", 1024 * 1024}, {"mbit", 1e6},
	{"gibit", 1 << 30}, {"gbit", 1e9}, {"tibit", 1 << 40}, {"tbit", 1e12},
	{"Bps", 8}, {"KiBps", 8 * 1024}, {"KBps", 8000}, {"MiBps", 8 << 20}, {"MBps", 8e6},
	{"GiBps", 8 << 30}, {"GBps", 8e9}, {"TiBps", 8 << 40}, {"TBps", 8e12},
}

// getRate64 is get_rate64: a rate in bytes per second from bits ("1mbit",
// "100kbit", "1.5MBps"; a bare number is bits per second).
func getRate64(s string) (uint64, bool) {
	bps, rest, ok := strtod(s)
	if !ok {
		return 0, false
	}
	for _, u := range rateUnits {
		if strings.EqualFold(u.name, rest) {
			bps *= u.scale
			rest = ""
			break
		}
	}
	if rest != "" {
		return 0, false
	}
	return u64(bps / 8), true
}

// parsePercent is parse_percent: 0 ok, 1 out of [0, 100]%, -1 malformed.
func parsePercent(s string) (float64, int) {
	v, rest, _ := strtod(s)
	v /= 100
	if v > 1 || v < 0 {
		return v, 1
	}
	if rest != "" && rest != "%" {
		return v, -1
	}
	return v, 0
}

// getPercent is get_percent: a percentage scaled to 2^32-1.
func getPercent(s string) (uint32, bool) {
	v, code := parsePercent(s)
	if code != 0 {
		return 0, false
	}
	return setPercent(v), true
}

// setPercent is set_percent: rint(p * UINT32_MAX).
func setPercent(p float64) uint32 { return u32(math.RoundToEven(p * math.MaxUint32)) }

// time2tick and tick2time are tc_core's conversions (truncating).
func time2tick(us uint32) uint32 { return u32(float64(us) * tickInUsec) }
func tick2time(t uint32) uint32  { return u32(float64(t) / tickInUsec) }

// time2big is tc_core_time2big: a time too large for 32-bit ticks.
func time2big(us uint32) bool { return u64(float64(us)*tickInUsec)>>32 != 0 }

// calcXmittime is tc_calc_xmittime: ticks to send size bytes at rate.
func calcXmittime(rate uint64, size uint32) uint32 {
	return time2tick(u32(usPerSec * (float64(size) / float64(rate))))
}

// calcXmitsize is tc_calc_xmitsize: bytes sent at rate in ticks.
func calcXmitsize(rate uint64, ticks uint32) uint32 {
	return u32(float64(rate) * float64(tick2time(ticks)) / usPerSec)
}

// sprintTime is sprint_time: "100ms", "1.5s", "250us".
func sprintTime(us uint32) string {
	t := float64(us)
	switch {
	case t >= usPerSec:
		return fmt.Sprintf("%.3gs", t/usPerSec)
	case t >= usPerSec/1000:
		return fmt.Sprintf("%.3gms", t/(usPerSec/1000))
	}
	return fmt.Sprintf("%dus", us)
}

// sprintTicks is sprint_ticks.
func sprintTicks(t uint32) string { return sprintTime(tick2time(t)) }

// sprintSize is sprint_size: "10Kb", "1Mb", "1540b".
func sprintSize(sz uint32) string {
	const kilo, mega = 1024.0, 1024.0 * 1024
	t := float64(sz)
	switch {
	case sz >= mega && math.Abs(mega*math.RoundToEven(t/mega)-t) < 1024:
		return fmt.Sprintf("%gMb", math.RoundToEven(t/mega))
	case sz >= kilo && math.Abs(kilo*math.RoundToEven(t/kilo)-t) < 16:
		return fmt.Sprintf("%gKb", math.RoundToEven(t/kilo))
	}
	return fmt.Sprintf("%db", sz)
}

// sprintRate is print_rate: bytes per second as "1Mbit", "800Kbit",
// "1500Kbit" (or "1Mibit" with -iec).
func sprintRate(bytesPS uint64, iec bool) string {
	kilo, suffix := uint64(1000), ""
	if iec {
		kilo, suffix = 1024, "i"
	}
	units := []string{"", "K", "M", "G", "T"}
	rate := bytesPS << 3
	i := 0
	for ; i < len(units)-1; i++ {
		if rate < kilo || (rate%kilo != 0 && rate < 1000*kilo) {
			break
		}
		rate /= kilo
	}
	if i == 0 {
		suffix = ""
	}
	return fmt.Sprintf("%.0f%s%sbit", float64(rate), units[i], suffix)
}

// percent prints a scaled probability as tc does ("%g" of its percent).
func percent(p uint32) string {
	return fmt.Sprintf("%.6g%%", 100*float64(p)/math.MaxUint32)
}
