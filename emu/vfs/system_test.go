package vfs_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/vfs"
)

func newSystem(t *testing.T, dirs ...vfs.HostDir) (*emu.World, *vfs.System) {
	t.Helper()
	w := emu.New(emu.Options{})
	t.Cleanup(w.Close)
	s, err := vfs.New(dirs...)
	if err != nil {
		t.Fatalf("vfs.New(%v): %v", dirs, err)
	}
	t.Cleanup(func() { s.Close() })
	return w, s
}

// TestMemoryRoot checks that what a script writes outside the shared
// directories stays in memory: the real machine never sees it.
func TestMemoryRoot(t *testing.T) {
	w, s := newSystem(t)
	v := s.View(w.Host())
	name := "/tmp/nsemu-vfs-test-" + filepath.Base(t.TempDir())
	if err := v.WriteFile(name, []byte("x\n"), 0o644); err != nil {
		t.Fatalf("WriteFile(%q): %v", name, err)
	}
	if got, err := v.ReadFile(name); err != nil || string(got) != "x\n" {
		t.Fatalf("ReadFile(%q) = %q, %v", name, got, err)
	}
	if _, err := os.Stat(name); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the host has %s (os.Stat: %v): a write escaped", name, err)
	}
	ns1, err := w.AddNamespace("ns1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.View(ns1).ReadFile(name); err != nil {
		t.Errorf("a named namespace does not see the host's files: %v", err)
	}
	for _, host := range []string{"/etc/passwd", "/etc/shadow", "/etc/os-release", "/usr/bin/id"} {
		if _, err := v.Stat(host); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Stat(%q) = %v, want not exist: the host's file shows", host, err)
		}
	}
}

// TestContainerRoot checks that a container (a hidden namespace) has its
// own files and does not see the shared directories.
func TestContainerRoot(t *testing.T) {
	dir := t.TempDir()
	w, s := newSystem(t, vfs.HostDir{Path: dir})
	c, err := w.NewHiddenNamespace("c1")
	if err != nil {
		t.Fatal(err)
	}
	host, box := s.View(w.Host()), s.View(c)
	if err := box.WriteFile("/tmp/in-box", nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := host.Stat("/tmp/in-box"); err == nil {
		t.Error("the host sees a container's /tmp")
	}
	if _, err := box.Stat(dir); err == nil {
		t.Errorf("a container sees the shared directory %s", dir)
	}
}

// TestSharedDir checks the shared directory: read-write at its own path,
// and confined: neither "..", nor a symbolic link, leads out of it.
func TestSharedDir(t *testing.T) {
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret")
	if err := os.WriteFile(secret, []byte("s3cret"), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.Symlink(secret, filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "dirlink")); err != nil {
		t.Fatal(err)
	}
	w, s := newSystem(t, vfs.HostDir{Path: dir})
	v := s.View(w.Host())
	if err := v.WriteFile(filepath.Join(dir, "out.txt"), []byte("hi"), 0o644); err != nil {
		t.Fatalf("writing into the shared directory: %v", err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "out.txt")); err != nil || string(b) != "hi" {
		t.Fatalf("the real file has %q, %v", b, err)
	}
	for _, name := range []string{
		filepath.Join(dir, "link"),
		filepath.Join(dir, "dirlink", "secret"),
		filepath.Join(dir, "..", filepath.Base(outside), "secret"),
		secret,
	} {
		if b, err := v.ReadFile(name); err == nil {
			t.Errorf("ReadFile(%q) = %q: escaped the shared directory", name, b)
		}
	}
	if err := v.WriteFile(filepath.Join(dir, "dirlink", "new"), nil, 0o644); err == nil {
		t.Error("wrote through a symbolic link out of the shared directory")
	}
	if _, err := os.Stat(filepath.Join(outside, "new")); err == nil {
		t.Error("a file appeared outside the shared directory")
	}
}

// TestReadOnlyDir checks a read-only shared directory refuses changes in
// the C library's words.
func TestReadOnlyDir(t *testing.T) {
	dir := t.TempDir()
	w, s := newSystem(t, vfs.HostDir{Path: dir, ReadOnly: true})
	err := s.View(w.Host()).WriteFile(filepath.Join(dir, "x"), nil, 0o644)
	if err == nil || vfs.Strerror(err) != "Read-only file system" {
		t.Fatalf("WriteFile in a read-only directory: %v", err)
	}
}

// TestGenerated checks the generated files: /proc/sys is the namespace's
// sysctls, writable; listings include the mount points.
func TestGenerated(t *testing.T) {
	dir := t.TempDir()
	w, s := newSystem(t, vfs.HostDir{Path: dir})
	ns1, err := w.AddNamespace("ns1")
	if err != nil {
		t.Fatal(err)
	}
	v := s.View(ns1)
	const fwd = "/proc/sys/net/ipv4/ip_forward"
	if err := v.WriteFile(fwd, []byte("1\n"), 0o644); err != nil {
		t.Fatalf("WriteFile(%q): %v", fwd, err)
	}
	if on, _ := ns1.Sysctl("net.ipv4.ip_forward"); on != "1" {
		t.Errorf("ip_forward is %q after writing 1", on)
	}
	if b, _ := s.View(w.Host()).ReadFile(fwd); string(b) != "0\n" {
		t.Errorf("the host's %s is %q: namespaces share it", fwd, b)
	}
	names := func(p string) string {
		fis, err := v.ReadDir(p)
		if err != nil {
			t.Fatalf("ReadDir(%q): %v", p, err)
		}
		var out []string
		for _, fi := range fis {
			out = append(out, fi.Name())
		}
		return strings.Join(out, " ")
	}
	first := strings.Split(strings.TrimPrefix(dir, "/"), "/")[0]
	for p, want := range map[string][]string{
		"/":                  {"proc", "sys", "tmp", "etc", first},
		"/etc":               {"hosts", "hostname"},
		"/proc/sys/net":      {"bridge", "ipv4"},
		"/sys/class/net":     {"lo"},
		"/run/netns":         {"ns1"},
		"/proc/net":          {"arp", "dev", "route"},
		"/var/log":           {"syslog"},
		"/proc/sys/net/ipv4": {"ip_forward"},
	} {
		got := " " + names(p) + " "
		for _, n := range want {
			if !strings.Contains(got, " "+n+" ") {
				t.Errorf("ReadDir(%q) = %q, want %q in it", p, got, n)
			}
		}
	}
	if fi, err := v.Stat("/proc/sys/net"); err != nil || !fi.IsDir() {
		t.Errorf("Stat(/proc/sys/net) = %v, %v", fi, err)
	}
	if _, err := v.ReadFile("/proc/sys/net/ipv4/nosuch"); vfs.Strerror(err) != "No such file or directory" {
		t.Errorf("reading a missing sysctl: %v", err)
	}
	if err := v.WriteFile("/nodir/f", nil, 0o644); vfs.Strerror(err) != "No such file or directory" {
		t.Errorf("creating a file in a missing directory: %v", err)
	}
}

// TestMountPointListing lists the directory above a shared directory that
// only the mount makes exist: the shared directory is a directory there.
func TestMountPointListing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "shared")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	w, s := newSystem(t, vfs.HostDir{Path: dir})
	fis, err := s.View(w.Host()).ReadDir(filepath.Dir(dir))
	if err != nil || len(fis) != 1 || fis[0].Name() != "shared" || !fis[0].IsDir() {
		t.Fatalf("ReadDir(%q) = %v, %v; want the directory shared", filepath.Dir(dir), fis, err)
	}
}

// TestStrerror checks the C library's words for errors Go also counts as
// others (ENOTEMPTY is an fs.ErrExist).
func TestStrerror(t *testing.T) {
	for err, want := range map[error]string{
		syscall.ENOTEMPTY: "Directory not empty",
		syscall.EEXIST:    "File exists",
		fs.ErrNotExist:    "No such file or directory",
		syscall.EROFS:     "Read-only file system",
	} {
		if got := vfs.Strerror(err); got != want {
			t.Errorf("Strerror(%v) = %q, want %q", err, got, want)
		}
	}
}
