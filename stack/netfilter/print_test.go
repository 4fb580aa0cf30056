package netfilter

import "testing"

func TestPrintNum(t *testing.T) {
	for _, c := range []struct {
		n            uint64
		exact, notab bool
		want         string
	}{
		{0, false, false, "    0 "}, {99999, false, false, "99999 "}, {100000, false, false, " 100K "},
		{388368, false, false, " 388K "}, {9999499, false, false, "9999K "}, {9999500, false, false, "  10M "},
		{12345678901, false, false, "  12G "}, {12345678901234, false, false, "  12T "},
		{388368, true, false, "  388368 "}, {1640, false, true, "1640 "}, {388368, false, true, "388K "},
	} {
		if got := printNum(c.n, c.exact, c.notab); got != c.want {
			t.Errorf("printNum(%d, %v, %v) = %q, want %q", c.n, c.exact, c.notab, got, c.want)
		}
	}
}
