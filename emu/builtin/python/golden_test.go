package python_test

import (
	"regexp"
	"testing"

	"github.com/nsemu/nsemu/emu/builtin/builtintest"
)

var (
	httpDateRe = regexp.MustCompile(`\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT`)
	logDateRe  = regexp.MustCompile(`\[\d{2}/\w{3}/\d{4} \d{2}:\d{2}:\d{2}\]`)
)

// TestGolden compares python3 -m http.server's transcript with its golden
// file and the real Python's (server.real); dates are written DATE.
func TestGolden(t *testing.T) {
	norm := func(s string) string {
		return logDateRe.ReplaceAllString(httpDateRe.ReplaceAllString(s, "DATE"), "[DATE]")
	}
	builtintest.GoldenReal(t, "server", norm, "run testdata/record.sh as root")
}
