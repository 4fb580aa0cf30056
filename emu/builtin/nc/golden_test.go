package nc_test

import (
	"testing"

	"github.com/nsemu/nsemu/emu/builtin/builtintest"
)

// TestGolden compares nc's transcripts with the real nc's (errors.real).
func TestGolden(t *testing.T) {
	builtintest.GoldenReal(t, "errors", nil, "run testdata/record.sh as root")
}
