package shell

import (
	"context"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"

	"github.com/spf13/afero"
	"mvdan.cc/sh/v3/interp"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/vfs"
)

// The files a script sees: every path the interpreter opens, stats or
// lists (redirections, `source`, globbing, `cd`, `test -f`) and every
// path a built-in opens (Cmd.Open...) goes through the emulated file
// system of the namespace the command runs in (vfs.View): memory for what
// scripts write, the generated /proc, /sys, /etc/hosts..., and the shared
// directories of the real machine at their own paths. Nothing else of the
// host is reachable.

// fileSystem is the shell's emulated file system: its world's (vfs.For)
// unless the caller set Files.
func (s *Shell) fileSystem() *vfs.System {
	s.fsOnce.Do(func() {
		if s.Files == nil {
			s.Files = vfs.For(s.W)
		}
	})
	return s.Files
}

// view is the file system as namespace ns sees it.
func (s *Shell) view(ns *emu.Namespace) *vfs.View { return s.fileSystem().View(ns) }

// startDir is where a new shell starts: the process's working directory
// when it is shared, "/" otherwise.
func (s *Shell) startDir() string {
	if s.Dir != "" {
		return s.Dir
	}
	for _, d := range s.fileSystem().Shared() {
		if wd, err := os.Getwd(); err == nil && path.Clean(wd) == d.Path {
			return d.Path
		}
	}
	return "/"
}

// abs makes name absolute from directory dir.
func abs(dir, name string) string {
	if path.IsAbs(name) {
		return path.Clean(name)
	}
	if dir == "" {
		dir = "/"
	}
	return path.Join(dir, name)
}

// handlerDir is the interpreter's working directory for a handler call.
func handlerDir(ctx context.Context) string {
	if d, ok := ctx.Value(dirKey{}).(string); ok {
		return d
	}
	return "/"
}

type dirKey struct{}

// withDir records the working directory for the built-ins a handler runs.
func withDir(ctx context.Context, dir string) context.Context {
	return context.WithValue(ctx, dirKey{}, dir)
}

// OpenHandler is the interp.OpenHandlerFunc: redirections open files of the
// emulated file system (echo 1 > /proc/sys/net/ipv4/ip_forward turns
// forwarding on in the shell's namespace; echo x > /tmp/f writes memory).
// /dev/stdin, /dev/stdout and /dev/stderr are the handler's own streams.
func (s *Shell) OpenHandler(ctx context.Context, name string, flag int, perm os.FileMode) (io.ReadWriteCloser, error) {
	hc := interp.HandlerCtx(ctx)
	p := abs(hc.Dir, name)
	switch p {
	case "/dev/stdout":
		return nopCloser{w: hc.Stdout}, nil
	case "/dev/stderr":
		return nopCloser{w: hc.Stderr}, nil
	case "/dev/stdin":
		return nopCloser{r: hc.Stdin}, nil
	}
	if f, ok, err := s.openCounted(hc, p); ok {
		return f, err
	}
	if text, ok := s.sources.LoadAndDelete(p); ok && flag&(os.O_WRONLY|os.O_RDWR) == 0 {
		return nopCloser{r: strings.NewReader(text.(string))}, nil
	}
	f, err := s.view(s.ns()).OpenFile(p, flag, perm)
	if err != nil {
		return nil, renamed(err, name)
	}
	return f, nil
}

// statHandler is the interp.StatHandlerFunc (cd, test -f, globbing).
func (s *Shell) statHandler(ctx context.Context, name string, follow bool) (fs.FileInfo, error) {
	p := abs(interp.HandlerCtx(ctx).Dir, name)
	v := s.view(s.ns())
	if follow {
		return v.Stat(p)
	}
	return v.Lstat(p)
}

// readDirHandler is the interp.ReadDirHandlerFunc2 (globbing).
func (s *Shell) readDirHandler(ctx context.Context, name string) ([]fs.DirEntry, error) {
	fis, err := s.view(s.ns()).ReadDir(abs(interp.HandlerCtx(ctx).Dir, name))
	if err != nil {
		return nil, err
	}
	out := make([]fs.DirEntry, len(fis))
	for i, fi := range fis {
		out[i] = fs.FileInfoToDirEntry(fi)
	}
	return out, nil
}

// accessHandler is the interp.AccessHandlerFunc (test -r/-w/-x, cd): the
// emulated user is root, so a file that exists may be read and written;
// executing needs a directory or an x bit.
func (s *Shell) accessHandler(ctx context.Context, name string, mode interp.AccessMode) error {
	fi, err := s.statHandler(ctx, name, true)
	if err != nil {
		return err
	}
	if mode&interp.AccessExec != 0 && !fi.IsDir() && fi.Mode()&0o111 == 0 {
		return &fs.PathError{Op: "access", Path: name, Err: vfs.ErrPerm}
	}
	return nil
}

// renamed returns err with the path the user wrote.
func renamed(err error, name string) error {
	if pe, ok := err.(*fs.PathError); ok {
		return &fs.PathError{Op: pe.Op, Path: name, Err: pe.Err}
	}
	return err
}

// nopCloser is one of the handler's streams opened as a file.
type nopCloser struct {
	r io.Reader
	w io.Writer
}

func (n nopCloser) Read(p []byte) (int, error) {
	if n.r == nil {
		return 0, vfs.ErrPerm
	}
	return n.r.Read(p)
}

func (n nopCloser) Write(p []byte) (int, error) {
	if n.w == nil {
		return 0, vfs.ErrPerm
	}
	return n.w.Write(p)
}

func (nopCloser) Close() error { return nil }

// Files: the file system a built-in sees, from its namespace and working
// directory. Errors are *fs.PathError naming the file as the user wrote it,
// in the C library's words (vfs.Strerror): a tool prints
// "grep: NAME: No such file or directory" with fmt.Sprintf("%s: %s: %s",
// tool, pe.Path, vfs.Strerror(err)) or simply c.FileError(err).

// Files returns the file system as the command's namespace sees it.
func (c *Cmd) Files() *vfs.View { return c.Sh.view(c.NS) }

// Path returns name as an absolute path, from the working directory.
func (c *Cmd) Path(name string) string { return abs(c.Dir, name) }

// Open opens a file for reading.
func (c *Cmd) Open(name string) (afero.File, error) {
	f, err := c.Files().Open(c.Path(name))
	return f, renamed(err, name)
}

// OpenFile opens a file as os.OpenFile does.
func (c *Cmd) OpenFile(name string, flag int, perm fs.FileMode) (afero.File, error) {
	f, err := c.Files().OpenFile(c.Path(name), flag, perm)
	return f, renamed(err, name)
}

// ReadFile reads a whole file.
func (c *Cmd) ReadFile(name string) ([]byte, error) {
	b, err := c.Files().ReadFile(c.Path(name))
	return b, renamed(err, name)
}

// Stat describes a file.
func (c *Cmd) Stat(name string) (fs.FileInfo, error) {
	fi, err := c.Files().Stat(c.Path(name))
	return fi, renamed(err, name)
}

// ReadDir lists a directory, sorted by name.
func (c *Cmd) ReadDir(name string) ([]fs.FileInfo, error) {
	fis, err := c.Files().ReadDir(c.Path(name))
	return fis, renamed(err, name)
}

// FileError is the message for a failed file operation, as the C
// library's perror would print it after the tool's name: "NAME: No such
// file or directory".
func FileError(err error) string {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Path + ": " + vfs.Strerror(pe.Err)
	}
	return vfs.Strerror(err)
}
