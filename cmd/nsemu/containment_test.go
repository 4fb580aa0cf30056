package main

import (
	"crypto/rand"
	"encoding/hex"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The containment suite: scripts try, as a hostile script would, to read a
// host file outside the working directory, to write one, and to run a host
// program — from `nsemu run`, from `nsemu shell`, and from inside a
// container. None may succeed: the secret's contents never show, the
// target files never appear on the host, and no program prints who it runs
// as.

// escapes are the attempts; SECRET is a host file (its text is a shell
// command printing a random canary, so that sourcing it would show it too),
// SECRETDIR its directory, OUT a host path that must never be created.
var escapes = []string{
	`echo x > OUT`,
	`echo x >> OUT`,
	`cat > OUT <<EOF
x
EOF`,
	`x=$(< SECRET); echo "$x"`,
	`mapfile -t a < SECRET; echo "${a[@]}"`,
	`read -r l < SECRET; echo "$l"`,
	`. SECRET`,
	`source SECRET`,
	`cd SECRETDIR && echo *`,
	`echo SECRETDIR/*`,
	`[ -f SECRET ] && echo "FOUND-$((6*7))"`,
	`test -e SECRETDIR && echo "FOUND-$((6*7))"`,
	`command -v id; type id; which id`,
	`id; whoami; /usr/bin/id; /bin/sh -c id; bash -c id`,
	`awk 'BEGIN{system("id")}'`,
	`awk 'BEGIN{"id" | getline x; print x}'`,
	`awk 'BEGIN{print "x" | "id"}'`,
	`echo x | awk '{print > "OUT"}'`,
	`awk '{while((getline l<"SECRET")>0) print l}' /dev/null`,
	`awk '{print}' SECRET`,
	`echo id | sed e`,
	`echo x | sed '1e id'`,
	`echo x | sed 's/x/id/e'`,
	`echo x | sed -n 'w OUT'`,
	`echo x | sed 'r SECRET'`,
	`echo x | sort -o OUT`,
	`echo x | tee OUT`,
	`cut -d: -f1 SECRET`,
	`head SECRET; tail SECRET; wc SECRET; sort SECRET; uniq SECRET; tr a b < SECRET`,
	`grep -r 'CANAR[Y]' /`,
	`grep 'CANAR[Y]' SECRET`,
	`ls -la SECRETDIR; ls SECRET`,
	`cp SECRET ./nsemu-copied-secret && cat ./nsemu-copied-secret; rm -f ./nsemu-copied-secret`,
	`echo x > OUT.tmp; mv OUT.tmp OUT`,
	`mkdir -p OUTDIR`,
	`touch OUT`,
	`echo SECRET | xargs cat`,
	`xargs -a SECRET echo`,
	`cat <(cat SECRET)`,
	`tcpdump -r SECRET`,
	`eval 'cat SECRET'`,
	`trap 'cat SECRET' EXIT`,
}

// escapeEnv is one run's secret, canary and forbidden paths.
type escapeEnv struct {
	canary, name, secret, secretDir, out string
}

func newEscapeEnv(t *testing.T) escapeEnv {
	t.Helper()
	e := escapeEnv{canary: "CANARY-" + randomHex(), name: "secret-" + randomHex() + ".txt"}
	e.secretDir = t.TempDir()
	e.secret = filepath.Join(e.secretDir, e.name)
	if err := os.WriteFile(e.secret, []byte("echo "+e.canary+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	e.out = filepath.Join(t.TempDir(), "escaped")
	return e
}

func randomHex() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// fill puts the env's paths into an attempt.
func (e escapeEnv) fill(s string) string {
	return strings.NewReplacer("SECRETDIR", e.secretDir, "SECRET", e.secret, "OUTDIR", e.out+"-dir", "OUT", e.out, "CANARY", e.canary).Replace(s)
}

// check fails the test if the attempt got anywhere.
func (e escapeEnv) check(t *testing.T, how, attempt, output string) {
	t.Helper()
	// Error messages repeat the paths an attempt names: they give nothing
	// away.
	output = strings.ReplaceAll(output, e.secret, "SECRET")
	switch {
	case strings.Contains(output, e.canary):
		t.Errorf("%s: %q read the host's secret:\n%s", how, attempt, output)
	case strings.Contains(output, e.name):
		t.Errorf("%s: %q listed the host's directory:\n%s", how, attempt, output)
	case strings.Contains(output, "FOUND-42"):
		t.Errorf("%s: %q saw the host's file:\n%s", how, attempt, output)
	case strings.Contains(output, "uid=") || strings.Contains("\n"+output, "\n/usr/bin/id\n"):
		t.Errorf("%s: %q ran or found a host program:\n%s", how, attempt, output)
	}
	for _, p := range []string{e.out, e.out + ".tmp", e.out + "-dir"} {
		if _, err := os.Lstat(p); err == nil {
			t.Errorf("%s: %q wrote the host's %s", how, attempt, p)
			os.RemoveAll(p)
		}
	}
}

func TestContainmentScript(t *testing.T) {
	e := newEscapeEnv(t)
	for i, a := range escapes {
		src := e.fill(a)
		_, out, errs := nsemu(t, "", "run", writeScript(t, src+"\n"))
		e.check(t, "nsemu run #"+strconv.Itoa(i), src, out+errs)
	}
}

func TestContainmentShell(t *testing.T) {
	e := newEscapeEnv(t)
	var lines []string
	for _, a := range escapes {
		if !strings.Contains(a, "\n") {
			lines = append(lines, e.fill(a))
		}
	}
	_, out, errs := nsemu(t, strings.Join(lines, "\n")+"\n", "shell", "--fast")
	e.check(t, "nsemu shell", "(every attempt)", out+errs)
}

func TestContainmentContainer(t *testing.T) {
	e := newEscapeEnv(t)
	for i, a := range escapes {
		if strings.Contains(a, "\n") || strings.Contains(a, "'") {
			continue // quoting inside sh -c '...'
		}
		src := e.fill(a)
		script := "docker run -d --name c busybox sleep 1000 >/dev/null\n" +
			"docker exec c sh -c '" + src + "' || true\n" +
			"docker run --rm busybox sh -c '" + src + "' || true\n"
		_, out, errs := nsemu(t, "", "run", writeScript(t, script))
		e.check(t, "container #"+strconv.Itoa(i), src, out+errs)
	}
}

// TestNoHostProgramOrFile checks the source: no package of nsemu imports
// os/exec, and only the file system (emu/vfs, through os.Root), the
// command's own flags (cmd/nsemu: the script, --pcap) and test helpers
// touch the host's files.
func TestNoHostProgramOrFile(t *testing.T) {
	root := "../.."
	allowedFiles := map[string]bool{"emu/vfs": true, "cmd/nsemu": true, "emu/emutest": true,
		"emu/builtin/internal/texttest": true, "emu/builtin/builtintest": true}
	fileCalls := []string{"os.Open(", "os.OpenFile(", "os.Create(", "os.ReadFile(", "os.WriteFile(", "os.Remove(",
		"os.RemoveAll(", "os.Mkdir(", "os.MkdirAll(", "os.ReadDir(", "os.Rename(", "os.Symlink(", "os.Chdir(",
		"os.CreateTemp(", "os.MkdirTemp(", "os.DirFS(", "os.Truncate(", "os.Chmod(", "syscall.Exec(", "syscall.ForkExec("}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		// third_party holds dependencies' sources (the patched gVisor), no
		// more nsemu's than the module cache's are.
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata" || d.Name() == "node_modules" || d.Name() == "third_party") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		f, err := parser.ParseFile(token.NewFileSet(), p, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			if imp.Path.Value == `"os/exec"` {
				t.Errorf("%s imports os/exec: no host program may run", rel)
			}
		}
		if allowedFiles[filepath.Dir(rel)] {
			return nil
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, c := range fileCalls {
			if strings.Contains(string(src), c) {
				t.Errorf("%s calls %s: the host's files are reached only through emu/vfs", rel, strings.TrimSuffix(c, "("))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
