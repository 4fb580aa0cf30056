package awk_test

import (
	"testing"

	"github.com/nsemu/nsemu/emu/builtin/internal/texttest"
)

// TestAgree compares awk with mawk 1.3.4, Debian's awk, on the lines of
// testdata/awk.sh (recorded in awk.real by testdata/record.sh).
func TestAgree(t *testing.T) { texttest.Agree(t, ".") }
