package coreutils

import (
	"bytes"
	"cmp"
	"hash/maphash"
	"math"
	"strconv"
)

// sorter compares lines as a sort command line asks: by each key in
// turn, then (unless -s or -u) by the whole line's bytes.
type sorter struct {
	keys         []sortKey
	tab          int
	stable       bool
	unique       bool
	lastReversed bool
	seed         maphash.Seed
}

func newSorter(r *sortReq) *sorter {
	keys := r.keys
	if len(keys) == 0 {
		keys = []sortKey{{sField: 1, sChar: 1, opts: r.global}}
	}
	return &sorter{keys: keys, tab: r.tab, stable: r.stable, unique: r.unique, lastReversed: r.global.reverse, seed: maphash.MakeSeed()}
}

// compare orders two lines.
func (s *sorter) compare(a, b []byte) int {
	if c := s.compareKeys(a, b); c != 0 || s.stable || s.unique {
		return c
	}
	c := bytes.Compare(a, b)
	if s.lastReversed {
		return -c
	}
	return c
}

// compareKeys orders two lines by their keys only.
func (s *sorter) compareKeys(a, b []byte) int {
	for _, k := range s.keys {
		c := s.compareKey(k, s.field(k, a), s.field(k, b))
		if c != 0 {
			if k.opts.reverse {
				return -c
			}
			return c
		}
	}
	return 0
}

func (s *sorter) compareKey(k sortKey, a, b []byte) int {
	o := k.opts
	switch {
	case o.numeric:
		return compareNumeric(a, b)
	case o.general:
		return compareGeneral(a, b)
	case o.human:
		return compareHuman(a, b)
	case o.month:
		return month(a) - month(b)
	case o.version:
		return filevercmp(a, b)
	case o.random:
		if c := cmp.Compare(maphash.Bytes(s.seed, a), maphash.Bytes(s.seed, b)); c != 0 {
			return c
		}
	}
	if o.dict || o.fold || o.nonprint {
		return bytes.Compare(translate(a, o), translate(b, o))
	}
	return bytes.Compare(a, b)
}

// translate applies -d, -i and -f to a key.
func translate(k []byte, o keyOpts) []byte {
	out := make([]byte, 0, len(k))
	for _, c := range k {
		switch {
		case o.dict && !(isBlank(c) || isAlnum(c)):
		case o.nonprint && (c < ' ' || c >= 0x7f):
		case o.fold && c >= 'a' && c <= 'z':
			out = append(out, c-'a'+'A')
		default:
			out = append(out, c)
		}
	}
	return out
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' }
func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// field returns the part of line a key covers, as GNU's begfield and
// limfield find it.
func (s *sorter) field(k sortKey, line []byte) []byte {
	beg := s.skipFields(line, 0, k.sField-1)
	if k.opts.blankStart {
		beg = skipBlanks(line, beg)
	}
	beg = min(len(line), beg+k.sChar-1)
	lim := len(line)
	if k.eField > 0 {
		lim = s.limit(k, line)
	}
	if lim < beg {
		return nil
	}
	return line[beg:lim]
}

// limit finds where a key ends.
func (s *sorter) limit(k sortKey, line []byte) int {
	if k.eChar == 0 {
		p := s.skipFields(line, 0, k.eField-1)
		if s.tab >= 0 {
			for p < len(line) && int(line[p]) != s.tab {
				p++
			}
			return p
		}
		p = skipBlanks(line, p)
		for p < len(line) && !isBlank(line[p]) {
			p++
		}
		return p
	}
	p := s.skipFields(line, 0, k.eField-1)
	if k.opts.blankEnd {
		p = skipBlanks(line, p)
	}
	return min(len(line), p+k.eChar)
}

// skipFields passes n fields from p: up to and past the separator with
// -t, else over blanks and then non-blanks (a field keeps its leading
// blanks).
func (s *sorter) skipFields(line []byte, p, n int) int {
	for ; n > 0 && p < len(line); n-- {
		if s.tab >= 0 {
			for p < len(line) && int(line[p]) != s.tab {
				p++
			}
			if p < len(line) {
				p++
			}
			continue
		}
		p = skipBlanks(line, p)
		for p < len(line) && !isBlank(line[p]) {
			p++
		}
	}
	return p
}

func skipBlanks(line []byte, p int) int {
	for p < len(line) && isBlank(line[p]) {
		p++
	}
	return p
}

// compareNumeric is -n: leading blanks, a sign, digits and a fraction,
// compared as decimal strings of any length; no number is zero.
func compareNumeric(a, b []byte) int {
	na, nb := parseDecimal(a), parseDecimal(b)
	if na.neg != nb.neg {
		if na.zero() && nb.zero() {
			return 0
		}
		if na.neg {
			return -1
		}
		return 1
	}
	c := cmpMagnitude(na, nb)
	if na.neg {
		return -c
	}
	return c
}

type decimal struct {
	neg       bool
	int, frac []byte // without leading (int) and trailing (frac) zeros
}

func (d decimal) zero() bool { return len(d.int) == 0 && len(d.frac) == 0 }

func parseDecimal(s []byte) decimal {
	var d decimal
	p := skipBlanks(s, 0)
	if p < len(s) && s[p] == '-' {
		d.neg, p = true, p+1
	}
	start := p
	for p < len(s) && s[p] >= '0' && s[p] <= '9' {
		p++
	}
	d.int = bytes.TrimLeft(s[start:p], "0")
	if p < len(s) && s[p] == '.' {
		p++
		start = p
		for p < len(s) && s[p] >= '0' && s[p] <= '9' {
			p++
		}
		d.frac = bytes.TrimRight(s[start:p], "0")
	}
	return d
}

func cmpMagnitude(a, b decimal) int {
	if len(a.int) != len(b.int) {
		return cmp.Compare(len(a.int), len(b.int))
	}
	if c := bytes.Compare(a.int, b.int); c != 0 {
		return c
	}
	return bytes.Compare(a.frac, b.frac)
}

// compareHuman is -h: the sign, then the unit (K < M < G ...), then the
// number.
func compareHuman(a, b []byte) int {
	na, nb := parseDecimal(a), parseDecimal(b)
	ua, ub := unitOf(a), unitOf(b)
	if na.neg != nb.neg || ua == ub {
		return compareNumeric(a, b)
	}
	c := cmp.Compare(ua, ub)
	if na.neg {
		return -c
	}
	return c
}

// unitOf is the power of the suffix after a number (K 1, M 2, ...).
func unitOf(s []byte) int {
	p := skipBlanks(s, 0)
	if p < len(s) && s[p] == '-' {
		p++
	}
	for p < len(s) && (s[p] >= '0' && s[p] <= '9' || s[p] == '.') {
		p++
	}
	if p < len(s) {
		if i := bytes.IndexByte([]byte("KMGTPEZYRQ"), s[p]); i >= 0 {
			return i + 1
		}
		if s[p] == 'k' {
			return 1
		}
	}
	return 0
}

// compareGeneral is -g: floating-point numbers; what is no number sorts
// first, then NaN, then the numbers.
func compareGeneral(a, b []byte) int {
	fa, oka := parseFloatPrefix(a)
	fb, okb := parseFloatPrefix(b)
	switch {
	case !oka || !okb:
		return cmpBool(oka, okb)
	case math.IsNaN(fa) || math.IsNaN(fb):
		return cmpBool(!math.IsNaN(fa), !math.IsNaN(fb))
	}
	return cmp.Compare(fa, fb)
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// parseFloatPrefix reads the longest number at the start of s, as
// strtod does.
func parseFloatPrefix(s []byte) (float64, bool) {
	t := string(bytes.TrimLeft(s, " \t"))
	for end := min(len(t), 100); end > 0; end-- {
		if f, err := strconv.ParseFloat(t[:end], 64); err == nil || isRangeErr(err) {
			return f, true
		}
	}
	return 0, false
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// month is -M: JAN is 1 ... DEC 12, anything else 0.
func month(s []byte) int {
	p := skipBlanks(s, 0)
	if len(s)-p < 3 {
		return 0
	}
	m := bytes.ToUpper(s[p : p+3])
	i := bytes.Index([]byte("JANFEBMARAPRMAYJUNJULAUGSEPOCTNOVDEC"), m)
	if i < 0 || i%3 != 0 {
		return 0
	}
	return i/3 + 1
}
