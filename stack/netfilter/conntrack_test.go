package netfilter

import "testing"

func TestCanonicalCtState(t *testing.T) {
	for in, want := range map[string]string{
		"ESTABLISHED,RELATED": "RELATED,ESTABLISHED",
		"new":                 "NEW",
		"NEW,NEW,INVALID":     "INVALID,NEW",
		"":                    "",
		"SNAT":                "",
	} {
		got, err := CanonicalCtState(in)
		if (err != nil) != (want == "") || got != want {
			t.Errorf("CanonicalCtState(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}
