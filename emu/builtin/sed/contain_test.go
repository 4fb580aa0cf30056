package sed_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nsemu/nsemu/emu/builtin/internal/texttest"
)

// TestContained: what would run a program is refused with a clear error
// and runs nothing; w, r and -i act on the emulated files only.
func TestContained(t *testing.T) {
	host := filepath.Join(os.TempDir(), "nsemu-sed-test-"+filepath.Base(t.Name()))
	os.Remove(host)
	for _, c := range []struct{ cmd, err string }{
		{"echo id | sed e", "sed: -e expression #1, char 1: e command is not supported in nsemu (it would run a program)"},
		{"echo x | sed '1e id'", "sed: -e expression #1, char 2: e command is not supported in nsemu (it would run a program)"},
		{"echo id | sed 's/.*/&/e'", "sed: -e expression #1, char 8: the e flag of `s' is not supported in nsemu (it would run a program)"},
	} {
		r := texttest.Run(t, c.cmd)
		if r.Status != 1 || !strings.Contains(r.Err, c.err) || strings.Contains(r.Out, "uid=") {
			t.Errorf("%s: status %d, stdout %q, stderr %q; want status 1 and %q", c.cmd, r.Status, r.Out, r.Err, c.err)
		}
	}
	r := texttest.Run(t, `echo secret | sed -n 'w `+host+`'
cat `+host+`
echo 'a' > f; sed -i.orig 's/a/b/' f; cat f f.orig
sed '1r /etc/hostname' f
sed '1r /etc/shadow' f`)
	if want := "secret\nb\na\nb\nnsemu\nb\n"; r.Out != want {
		t.Errorf("stdout %q, want %q (stderr %q)", r.Out, want, r.Err)
	}
	if _, err := os.Stat(host); err == nil {
		os.Remove(host)
		t.Errorf("sed w wrote %s on the host", host)
	}
}
