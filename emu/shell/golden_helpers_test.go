package shell_test

import (
	"strconv"
	"strings"

	"github.com/nsemu/nsemu/emu/builtin/builtintest"
	"github.com/nsemu/nsemu/emu/emutest"
)

// The golden helpers nettools_golden_test.go still uses; ip's moved to
// emu/builtin/iproute2 with its tests.

// update is set by -update: rewrite the golden files under testdata/.
var update = emutest.Update

// normMACs writes every MAC but the all-zero and broadcast ones as "MAC",
// and bridge ids as 8000.BRIDGEID.
var normMACs = builtintest.NormMACs

// firstDiff describes where two texts part.
func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			start := max(0, i-3)
			ctx := strings.Join(w[start:min(i, len(w))], "\n")
			return "line " + strconv.Itoa(i+1) + ":\n  got:  " + quoteTabs(gl) + "\n  want: " + quoteTabs(wl) + "\nafter:\n" + ctx
		}
	}
	return ""
}

func quoteTabs(s string) string { return strings.ReplaceAll(s, "\t", `\t`) }
