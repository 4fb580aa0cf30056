// Package emutest holds the helpers nsemu's tests share: waiting on a
// condition with a deadline, instead of sleeping, and golden files with an
// -update flag. It imports only the standard library, so the tests of every
// package — vethsim and switch included — can use it.
package emutest

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Update, set by `go test ... -update`, makes Golden rewrite the files it
// compares against instead of comparing.
var Update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// Deadline is how long WaitFor waits. It is generous: under -race on two
// busy cores a veth hop can take milliseconds; a passing test never waits
// that long.
const Deadline = 10 * time.Second

// Eventually polls cond until it holds or Deadline passes, and reports
// whether it held.
func Eventually(cond func() bool) bool {
	deadline := time.Now().Add(Deadline)
	for wait := 50 * time.Microsecond; time.Now().Before(deadline); wait = min(2*wait, 5*time.Millisecond) {
		if cond() {
			return true
		}
		time.Sleep(wait)
	}
	return cond()
}

// WaitFor waits until cond holds, and fails the test, naming what it waited
// for, if it does not within Deadline.
func WaitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	if !Eventually(cond) {
		t.Fatalf("waited %v for %s", Deadline, what)
	}
}

// Golden compares got with the contents of the file at path (relative to
// the test's package). With -update it writes got there instead.
func Golden(t testing.TB, path, got string) {
	t.Helper()
	if *Update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (-want +got):\n%s", path, Diff(string(want), got))
	}
}
