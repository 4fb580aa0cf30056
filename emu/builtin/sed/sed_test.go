package sed_test

import (
	"testing"

	"github.com/nsemu/nsemu/emu/builtin/internal/texttest"
)

// TestAgree compares sed with GNU sed 4.9 on the lines of
// testdata/sed.sh (recorded in sed.real by testdata/record.sh).
func TestAgree(t *testing.T) { texttest.Agree(t, ".") }
