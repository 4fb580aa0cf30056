package findutils_test

import (
	"testing"

	"github.com/nsemu/nsemu/emu/builtin/internal/texttest"
)

// TestAgree compares xargs with GNU findutils 4.9.0 on the lines of
// testdata/xargs.sh (recorded in xargs.real by testdata/record.sh).
func TestAgree(t *testing.T) { texttest.Agree(t, ".") }
