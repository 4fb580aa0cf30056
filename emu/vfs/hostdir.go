package vfs

import (
	"io/fs"
	"os"
	"path"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/afero"
)

// hostDir is a directory of the real machine shared into the emulated file
// system (the directory nsemu was started in, and each --host-dir), as an
// afero.Fs. It is confined with os.Root: no name — "..", an absolute
// symbolic link, a link that climbs out — reaches outside the directory.
// Names are relative to the directory ("." is the directory itself).
// A read-only one refuses every change with "Read-only file system".
type hostDir struct {
	root     *os.Root
	readOnly bool
}

var _ afero.Fs = (*hostDir)(nil)

func openHostDir(dir string, readOnly bool) (*hostDir, error) {
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return &hostDir{root: r, readOnly: readOnly}, nil
}

// rel turns the name afero passes (slash-separated, maybe with a leading
// slash) into one os.Root takes.
func rel(name string) string {
	name = strings.TrimPrefix(path.Clean("/"+name), "/")
	if name == "" {
		return "."
	}
	return name
}

func (h *hostDir) check(op, name string) error {
	if h.readOnly {
		return &fs.PathError{Op: op, Path: name, Err: syscall.EROFS}
	}
	return nil
}

// Name implements afero.Fs.Name.
func (h *hostDir) Name() string { return "nsemu-hostdir" }

// Create implements afero.Fs.Create.
func (h *hostDir) Create(name string) (afero.File, error) {
	return h.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o666)
}

// Open implements afero.Fs.Open.
func (h *hostDir) Open(name string) (afero.File, error) {
	return h.OpenFile(name, os.O_RDONLY, 0)
}

// OpenFile implements afero.Fs.OpenFile.
func (h *hostDir) OpenFile(name string, flag int, perm os.FileMode) (afero.File, error) {
	if flag&(os.O_WRONLY|os.O_RDWR|os.O_CREATE|os.O_TRUNC|os.O_APPEND) != 0 {
		if err := h.check("open", name); err != nil {
			return nil, err
		}
	}
	f, err := h.root.OpenFile(rel(name), flag, perm)
	if err != nil {
		return nil, err
	}
	return f, nil
}

// Mkdir implements afero.Fs.Mkdir.
func (h *hostDir) Mkdir(name string, perm os.FileMode) error {
	if err := h.check("mkdir", name); err != nil {
		return err
	}
	return h.root.Mkdir(rel(name), perm)
}

// MkdirAll implements afero.Fs.MkdirAll.
func (h *hostDir) MkdirAll(name string, perm os.FileMode) error {
	if err := h.check("mkdir", name); err != nil {
		return err
	}
	return h.root.MkdirAll(rel(name), perm)
}

// Remove implements afero.Fs.Remove.
func (h *hostDir) Remove(name string) error {
	if err := h.check("remove", name); err != nil {
		return err
	}
	return h.root.Remove(rel(name))
}

// RemoveAll implements afero.Fs.RemoveAll.
func (h *hostDir) RemoveAll(name string) error {
	if err := h.check("remove", name); err != nil {
		return err
	}
	if rel(name) == "." {
		// Never the shared directory itself.
		return &fs.PathError{Op: "remove", Path: name, Err: syscall.EBUSY}
	}
	return h.root.RemoveAll(rel(name))
}

// Rename implements afero.Fs.Rename.
func (h *hostDir) Rename(old, name string) error {
	if err := h.check("rename", old); err != nil {
		return err
	}
	return h.root.Rename(rel(old), rel(name))
}

// Stat implements afero.Fs.Stat.
func (h *hostDir) Stat(name string) (os.FileInfo, error) { return h.root.Stat(rel(name)) }

// LstatIfPossible implements afero.Lstater.
func (h *hostDir) LstatIfPossible(name string) (os.FileInfo, bool, error) {
	fi, err := h.root.Lstat(rel(name))
	return fi, true, err
}

// Chmod implements afero.Fs.Chmod.
func (h *hostDir) Chmod(name string, mode os.FileMode) error {
	if err := h.check("chmod", name); err != nil {
		return err
	}
	return h.root.Chmod(rel(name), mode)
}

// Chown implements afero.Fs.Chown: refused (a script does not change
// owners on the real machine).
func (h *hostDir) Chown(name string, _, _ int) error {
	return &fs.PathError{Op: "chown", Path: name, Err: syscall.EPERM}
}

// Chtimes implements afero.Fs.Chtimes.
func (h *hostDir) Chtimes(name string, atime, mtime time.Time) error {
	if err := h.check("chtimes", name); err != nil {
		return err
	}
	return h.root.Chtimes(rel(name), atime, mtime)
}

func (h *hostDir) close() error { return h.root.Close() }
