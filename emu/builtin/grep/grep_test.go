package grep_test

import (
	"testing"

	"github.com/nsemu/nsemu/emu/builtin/internal/texttest"
)

// TestAgree compares grep with GNU grep 3.8 on the lines of
// testdata/grep.sh (recorded in grep.real by testdata/record.sh).
func TestAgree(t *testing.T) { texttest.Agree(t, ".") }
