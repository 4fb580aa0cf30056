package coreutils_test

import (
	"testing"

	"github.com/nsemu/nsemu/emu/builtin/internal/texttest"
)

// TestAgree compares the tools with GNU coreutils 9.1 on the lines of
// testdata/*.sh (recorded in *.real by testdata/record.sh).
func TestAgree(t *testing.T) { texttest.Agree(t, ".") }
