package coreutils

import "bytes"

// filevercmp orders version strings as gnulib's filevercmp does (sort -V,
// ls -v): runs of digits compare as numbers, letters before other
// characters, "~" before everything, and a file suffix (.tar.gz) only
// when the rest is equal.
func filevercmp(a, b []byte) int {
	if bytes.Equal(a, b) {
		return 0
	}
	for _, special := range []string{"", ".", ".."} {
		switch {
		case string(a) == special:
			return -1
		case string(b) == special:
			return 1
		}
	}
	if ha, hb := hidden(a), hidden(b); ha != hb {
		if ha {
			return -1
		}
		return 1
	}
	pa, pb := a[:prefixLen(a)], b[:prefixLen(b)]
	if c := verrevcmp(pa, pb); c != 0 || bytes.Equal(pa, a) && bytes.Equal(pb, b) {
		return c
	}
	return verrevcmp(a, b)
}

func hidden(s []byte) bool { return len(s) > 0 && s[0] == '.' }

// prefixLen is the length of s without its suffix: the longest tail of
// the form (\.[A-Za-z~][A-Za-z0-9~]*)*.
func prefixLen(s []byte) int {
	end := len(s)
	i := len(s)
	for i > 0 {
		j := i
		for j > 0 && (isAlnum(s[j-1]) || s[j-1] == '~') {
			j--
		}
		if j == 0 || s[j-1] != '.' || j == i || !(isAlpha(s[j]) || s[j] == '~') || j-1 == 0 {
			break
		}
		i = j - 1
		end = i
	}
	return end
}

func isAlpha(c byte) bool  { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigitB(c byte) bool { return c >= '0' && c <= '9' }

// order ranks a character of a non-digit run: the end and digits 0,
// letters themselves, ~ below all, others above letters.
func order(s []byte, i int) int {
	switch {
	case i >= len(s) || isDigitB(s[i]):
		return 0
	case isAlpha(s[i]):
		return int(s[i])
	case s[i] == '~':
		return -1
	}
	return int(s[i]) + 256
}

func verrevcmp(a, b []byte) int {
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		for i < len(a) && !isDigitB(a[i]) || j < len(b) && !isDigitB(b[j]) {
			if c := order(a, i) - order(b, j); c != 0 {
				return c
			}
			i, j = i+1, j+1
		}
		for i < len(a) && a[i] == '0' {
			i++
		}
		for j < len(b) && b[j] == '0' {
			j++
		}
		first := 0
		for i < len(a) && j < len(b) && isDigitB(a[i]) && isDigitB(b[j]) {
			if first == 0 {
				first = int(a[i]) - int(b[j])
			}
			i, j = i+1, j+1
		}
		if i < len(a) && isDigitB(a[i]) {
			return 1
		}
		if j < len(b) && isDigitB(b[j]) {
			return -1
		}
		if first != 0 {
			return first
		}
	}
	return 0
}
