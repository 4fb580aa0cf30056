package qdisc

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestDistTablesMatchIproute2 compares the computed tables with the files
// iproute2 installs, where the machine has them.
func TestDistTablesMatchIproute2(t *testing.T) {
	for _, name := range []string{"normal", "pareto", "paretonormal"} {
		got, ok := DistTable(name)
		if !ok || len(got) != 4096 {
			t.Fatalf("DistTable(%q): %d values, %v", name, len(got), ok)
		}
		var path string
		for _, dir := range []string{"/usr/lib/x86_64-linux-gnu/tc", "/usr/lib/tc", "/usr/lib64/tc"} {
			if _, err := os.Stat(dir + "/" + name + ".dist"); err == nil {
				path = dir + "/" + name + ".dist"
			}
		}
		if path == "" {
			t.Logf("%s.dist: iproute2's tables are not installed here; only the table's shape is checked", name)
			continue
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var want []int16
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "#") {
				continue
			}
			for _, f := range strings.Fields(l) {
				v, err := strconv.Atoi(f)
				if err != nil {
					t.Fatalf("%s: %q", path, f)
				}
				want = append(want, int16(v))
			}
		}
		if len(want) != len(got) {
			t.Fatalf("%s: %d values, computed %d", path, len(want), len(got))
		}
		diff := 0
		for i := range want {
			if want[i] != got[i] {
				diff++
				if diff < 5 {
					t.Errorf("%s[%d] = %d, computed %d", name, i, want[i], got[i])
				}
			}
		}
		if diff > 0 {
			t.Errorf("%s: %d of %d values differ", name, diff, len(want))
		}
	}
}
