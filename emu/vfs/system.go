package vfs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/spf13/afero"

	"github.com/nsemu/nsemu/emu"
)

// System is the files of one emulated machine, as its scripts, shells and
// containers see them. Nothing of the real machine is there but the
// directories shared with it:
//
//   - "/" is a file system in memory (afero's MemMapFs): /tmp, /root, /etc
//     and whatever scripts write. The host namespace and the named ones
//     share it (they share a mount namespace, as after `ip netns add`);
//     each container (a hidden namespace) has its own.
//   - The generated files — /proc, /sys, /dev, /etc/hosts,
//     /etc/resolv.conf, /etc/hostname, /var/log/syslog, /run/netns — are
//     mounted over it, each namespace seeing its own (see IsEmulated).
//   - Each shared directory of the real machine (HostDir: the directory
//     nsemu was started in, and every --host-dir) appears at its own path,
//     confined with os.Root. Containers do not see them.
//
// A System is safe for concurrent use.
type System struct {
	dirs []mountedDir // longest path first

	host afero.Fs

	// mu guards containers. It is ordered above Namespace.mu
	// (containerRoot registers a destroy hook holding it); the hook takes
	// it alone.
	mu         sync.Mutex
	containers map[*emu.Namespace]afero.Fs
}

// HostDir is a directory of the real machine to share: Path is absolute.
type HostDir struct {
	Path     string
	ReadOnly bool
}

type mountedDir struct {
	at string // absolute, clean
	fs *hostDir
}

// New makes the file system of a machine that shares dirs with the real
// one. A directory that cannot be opened is an error.
func New(dirs ...HostDir) (*System, error) {
	s := &System{host: newRoot(), containers: map[*emu.Namespace]afero.Fs{}}
	for _, d := range dirs {
		at, err := filepath.Abs(d.Path)
		if err != nil {
			return nil, err
		}
		at = filepath.ToSlash(filepath.Clean(at))
		h, err := openHostDir(at, d.ReadOnly)
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("sharing %q: %w", d.Path, err)
		}
		s.dirs = append(s.dirs, mountedDir{at: at, fs: h})
	}
	sort.SliceStable(s.dirs, func(i, j int) bool { return len(s.dirs[i].at) > len(s.dirs[j].at) })
	return s, nil
}

// newRoot is a fresh root file system in memory, with the directories a
// Debian machine has, and the configuration files the built-in commands
// read that a script may change (iproute2's routing table names).
func newRoot() afero.Fs {
	m := afero.NewMemMapFs()
	for _, d := range []string{"/bin", "/etc", "/etc/iproute2", "/home", "/root", "/run", "/sbin", "/usr/bin", "/usr/sbin", "/var/log", "/var/tmp"} {
		_ = m.MkdirAll(d, 0o755)
	}
	_ = m.MkdirAll("/tmp", 0o777|fs.ModeSticky)
	_ = afero.WriteFile(m, "/etc/iproute2/rt_tables", []byte(rtTables), 0o644)
	return m
}

// rtTables is Debian's /etc/iproute2/rt_tables.
const rtTables = `#
# reserved values
#
255	local
254	main
253	default
0	unspec
#
# local
#
#1	inr.ruhep
`

// Close releases the shared directories.
func (s *System) Close() error {
	for _, d := range s.dirs {
		d.fs.close()
	}
	return nil
}

// Shared lists the shared directories of the real machine.
func (s *System) Shared() []HostDir {
	var out []HostDir
	for _, d := range s.dirs {
		out = append(out, HostDir{Path: d.at, ReadOnly: d.fs.readOnly})
	}
	return out
}

// View returns the file system as processes in namespace ns see it.
func (s *System) View(ns *emu.Namespace) *View {
	v := &View{s: s, ns: ns, root: s.host, dirs: s.dirs}
	if ns != nil && ns.Hidden() {
		v.root, v.dirs = s.containerRoot(ns), nil
	}
	return v
}

type systemKey struct{}

// systemSlot holds a world's file system, set once.
type systemSlot struct{ s atomic.Pointer[System] }

func slotOf(w *emu.World) *systemSlot {
	return w.Attach(systemKey{}, func() any { return &systemSlot{} }).(*systemSlot)
}

// For returns the file system of world w: the one Use gave it, or one
// that shares the process's working directory. It is closed with the
// world.
func For(w *emu.World) *System {
	sl := slotOf(w)
	if s := sl.s.Load(); s != nil {
		return s
	}
	var dirs []HostDir
	if wd, err := os.Getwd(); err == nil {
		dirs = append(dirs, HostDir{Path: wd})
	}
	s, err := New(dirs...)
	if err != nil {
		s, _ = New()
	}
	if !Use(w, s) {
		s.Close()
	}
	return sl.s.Load()
}

// Use makes s the file system of world w (nsemu run --host-dir ...),
// closed with the world. It must come before anything uses the world's
// files: it returns false, and changes nothing, if w has one already.
func Use(w *emu.World, s *System) bool {
	if !slotOf(w).s.CompareAndSwap(nil, s) {
		return false
	}
	w.Host().OnDestroy(func() { s.Close() })
	return true
}

// containerRoot is the root of a container's own file system, made at its
// first use and dropped with its namespace.
func (s *System) containerRoot(ns *emu.Namespace) afero.Fs {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, ok := s.containers[ns]; ok {
		return r
	}
	r := newRoot()
	s.containers[ns] = r
	ns.OnDestroy(func() {
		s.mu.Lock()
		delete(s.containers, ns)
		s.mu.Unlock()
	})
	return r
}

// View is the file system of one namespace. Names are absolute (a relative
// one is taken from "/"); errors are *fs.PathError whose text is the C
// library's ("No such file or directory"), see Strerror.
type View struct {
	s    *System
	ns   *emu.Namespace
	root afero.Fs
	dirs []mountedDir
}

// resolve finds the file system a name lives on, and the name there.
func (v *View) resolve(name string) (afero.Fs, string) {
	p := path.Clean("/" + name)
	if IsEmulated(p) || claimed(v.ns, p) {
		return kernelFS{ns: v.ns}, p
	}
	for _, d := range v.dirs {
		if p == d.at || strings.HasPrefix(p, d.at+"/") {
			return d.fs, strings.TrimPrefix(p[len(d.at):], "/")
		}
	}
	return v.root, p
}

// mountPoints lists where file systems are mounted in v.
func (v *View) mountPoints() []string {
	out := slices.Clone(emulatedPrefixes)
	for _, d := range v.dirs {
		out = append(out, d.at)
	}
	return out
}

// children returns the names under directory p that lead to mount points
// (so / lists proc and the shared directories' first components).
func (v *View) children(p string) []string {
	var out []string
	prefix := strings.TrimSuffix(p, "/") + "/"
	for _, m := range v.mountPoints() {
		if rest, ok := strings.CutPrefix(m, prefix); ok {
			first, _, _ := strings.Cut(rest, "/")
			if !slices.Contains(out, first) {
				out = append(out, first)
			}
		}
	}
	return out
}

// Open opens a file for reading.
func (v *View) Open(name string) (afero.File, error) {
	return v.OpenFile(name, os.O_RDONLY, 0)
}

// OpenFile opens a file as os.OpenFile does.
func (v *View) OpenFile(name string, flag int, perm fs.FileMode) (afero.File, error) {
	fsys, p := v.resolve(name)
	if flag&os.O_CREATE != 0 {
		// afero's memory file system would make the missing parents.
		if err := v.parentDir("open", name); err != nil {
			return nil, err
		}
	}
	f, err := fsys.OpenFile(p, flag, perm)
	if err != nil {
		if len(v.children(path.Clean("/"+name))) > 0 && errors.Is(err, fs.ErrNotExist) && flag&(os.O_WRONLY|os.O_RDWR) == 0 {
			return &genFile{stat: v.Stat, name: name, dir: true, names: v.children(path.Clean("/" + name))}, nil
		}
		return nil, cerr(name, err)
	}
	return f, nil
}

// ReadFile reads a whole file.
func (v *View) ReadFile(name string) ([]byte, error) {
	f, err := v.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		return nil, &fs.PathError{Op: "read", Path: name, Err: errno(syscall.EISDIR)}
	}
	b, err := io.ReadAll(f)
	if err != nil {
		return nil, cerr(name, err)
	}
	return b, nil
}

// WriteFile writes a whole file, creating it with perm if it is missing.
func (v *View) WriteFile(name string, data []byte, perm fs.FileMode) error {
	f, err := v.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err2 := f.Close(); err == nil {
		err = err2
	}
	return cerr(name, err)
}

// Stat describes a file, following symbolic links.
func (v *View) Stat(name string) (fs.FileInfo, error) {
	fsys, p := v.resolve(name)
	fi, err := fsys.Stat(p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) && len(v.children(path.Clean("/"+name))) > 0 {
			return &info{name: path.Base(path.Clean("/" + name)), mode: fs.ModeDir | 0o755}, nil
		}
		return nil, cerr(name, err)
	}
	return fi, nil
}

// Lstat describes a file without following a final symbolic link.
func (v *View) Lstat(name string) (fs.FileInfo, error) {
	fsys, p := v.resolve(name)
	if l, ok := fsys.(afero.Lstater); ok {
		fi, _, err := l.LstatIfPossible(p)
		if err == nil {
			return fi, nil
		}
	}
	return v.Stat(name)
}

// ReadDir lists a directory, sorted by name, with the mount points under
// it.
func (v *View) ReadDir(name string) ([]fs.FileInfo, error) {
	f, err := v.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fis, err := f.Readdir(-1)
	if err != nil {
		return nil, cerr(name, err)
	}
	for _, c := range v.children(path.Clean("/" + name)) {
		if !slices.ContainsFunc(fis, func(fi fs.FileInfo) bool { return fi.Name() == c }) {
			if fi, err := v.Stat(path.Join(name, c)); err == nil {
				fis = append(fis, &info{name: c, mode: fi.Mode(), mtime: fi.ModTime()})
			}
		}
	}
	sort.Slice(fis, func(i, j int) bool { return fis[i].Name() < fis[j].Name() })
	return fis, nil
}

// Mkdir makes a directory.
func (v *View) Mkdir(name string, perm fs.FileMode) error {
	fsys, p := v.resolve(name)
	if _, err := v.Stat(name); err == nil {
		return &fs.PathError{Op: "mkdir", Path: name, Err: errno(syscall.EEXIST)}
	}
	if err := v.parentDir("mkdir", name); err != nil {
		return err
	}
	return cerr(name, fsys.Mkdir(p, perm))
}

// MkdirAll makes a directory and its missing parents.
func (v *View) MkdirAll(name string, perm fs.FileMode) error {
	fsys, p := v.resolve(name)
	return cerr(name, fsys.MkdirAll(p, perm))
}

// parentDir checks that name's parent is a directory.
func (v *View) parentDir(op, name string) error {
	fi, err := v.Stat(path.Dir(path.Clean("/" + name)))
	switch {
	case err != nil:
		return &fs.PathError{Op: op, Path: name, Err: errno(syscall.ENOENT)}
	case !fi.IsDir():
		return &fs.PathError{Op: op, Path: name, Err: errno(syscall.ENOTDIR)}
	}
	return nil
}

// Remove removes a file or an empty directory.
func (v *View) Remove(name string) error {
	fsys, p := v.resolve(name)
	return cerr(name, fsys.Remove(p))
}

// RemoveAll removes a file or a directory and what it holds.
func (v *View) RemoveAll(name string) error {
	fsys, p := v.resolve(name)
	return cerr(name, fsys.RemoveAll(p))
}

// Rename moves a file within one file system (across two, it fails with
// "Invalid cross-device link", as rename(2) does).
func (v *View) Rename(old, name string) error {
	from, op := v.resolve(old)
	to, np := v.resolve(name)
	if from != to {
		return &fs.PathError{Op: "rename", Path: old, Err: errno(syscall.EXDEV)}
	}
	return cerr(old, from.Rename(op, np))
}

// errno is a system error number with the C library's words.
type errno syscall.Errno

func (e errno) Error() string { return Strerror(syscall.Errno(e)) }
func (e errno) Unwrap() error { return syscall.Errno(e) }

// cerrText is an error shown in the C library's words that still matches
// what it wraps with errors.Is.
type cerrText struct {
	text string
	err  error
}

func (e *cerrText) Error() string { return e.text }
func (e *cerrText) Unwrap() error { return e.err }

// cerr gives err (a *fs.PathError, mostly) the C library's words.
func cerr(name string, err error) error {
	if err == nil {
		return nil
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return &fs.PathError{Op: pe.Op, Path: name, Err: &cerrText{text: Strerror(pe.Err), err: pe.Err}}
	}
	return &fs.PathError{Op: "open", Path: name, Err: &cerrText{text: Strerror(err), err: err}}
}

// Strerror is an error's text as strerror(3) words it: "No such file or
// directory", "Is a directory", "Permission denied"...
func Strerror(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	var ce *cerrText
	if errors.As(err, &ce) {
		return ce.text
	}
	// The errno entries come first: Go counts ENOTEMPTY as fs.ErrExist.
	for _, e := range []struct {
		is   error
		text string
	}{
		{syscall.ENOENT, "No such file or directory"}, {syscall.EEXIST, "File exists"},
		{syscall.EISDIR, "Is a directory"}, {syscall.ENOTDIR, "Not a directory"},
		{syscall.EACCES, "Permission denied"}, {syscall.EPERM, "Operation not permitted"},
		{syscall.EROFS, "Read-only file system"}, {syscall.ENOTEMPTY, "Directory not empty"},
		{syscall.EXDEV, "Invalid cross-device link"}, {syscall.EBADF, "Bad file descriptor"},
		{syscall.EINVAL, "Invalid argument"}, {syscall.EBUSY, "Device or resource busy"},
		{fs.ErrNotExist, "No such file or directory"}, {fs.ErrExist, "File exists"}, {fs.ErrPermission, "Permission denied"},
	} {
		if errors.Is(err, e.is) {
			return e.text
		}
	}
	s := err.Error()
	if s != "" {
		s = strings.ToUpper(s[:1]) + s[1:]
	}
	return s
}
