package ss

import (
	"testing"
	"time"
)

// TestMsTimer checks print_ms_timer's forms.
func TestMsTimer(t *testing.T) {
	for _, c := range []struct {
		ms   int
		want string
	}{
		{0, ""}, {200, "200ms"}, {1505, "1.505ms"}, {9001, "9.001ms"}, {12345, "12sec"},
		{60000, "1min"}, {61500, "1min1sec"}, {605000, "10min"}, {7200000, "120min"},
	} {
		if got := msTimer(time.Duration(c.ms) * time.Millisecond); got != c.want {
			t.Errorf("msTimer(%dms) = %q, want %q", c.ms, got, c.want)
		}
	}
}
