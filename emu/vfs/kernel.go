package vfs

import (
	"bytes"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"syscall"
	"time"

	"github.com/spf13/afero"

	"github.com/nsemu/nsemu/emu"
)

// kernelFS is the generated part of one namespace's file system — /proc,
// /sys, /dev, the files Docker writes, the kernel log, /run/netns — as an
// afero.Fs over the lookups. Names are absolute and clean. Files are made
// when opened: a read sees the state of the world at the open, and each
// write to a writable file is applied as one write(2) (echo 1 >
// /proc/sys/net/ipv4/ip_forward). Nothing can be created, removed or
// renamed here.
type kernelFS struct{ ns *emu.Namespace }

var _ afero.Fs = kernelFS{}

func (k kernelFS) find(op, name string) (*File, bool, error) {
	f, dir, err := lookup(k.ns, name)
	if dir {
		return f, true, nil
	}
	if err != nil {
		return nil, false, &fs.PathError{Op: op, Path: name, Err: err}
	}
	return f, false, nil
}

// Name implements afero.Fs.Name.
func (kernelFS) Name() string { return "nsemu-kernel" }

// Open implements afero.Fs.Open.
func (k kernelFS) Open(name string) (afero.File, error) {
	return k.OpenFile(name, os.O_RDONLY, 0)
}

// OpenFile implements afero.Fs.OpenFile. O_CREATE and O_TRUNC are accepted
// for files that exist and are writable (a redirection opens with both).
func (k kernelFS) OpenFile(name string, flag int, _ os.FileMode) (afero.File, error) {
	f, dir, err := k.find("open", name)
	if err != nil {
		return nil, err
	}
	g := &genFile{stat: k.Stat, name: name, mtime: k.ns.World().Clock().Now()}
	writing := flag&(os.O_WRONLY|os.O_RDWR) != 0
	switch {
	case dir && writing:
		return nil, &fs.PathError{Op: "open", Path: name, Err: ErrIsDir}
	case dir:
		if f != nil && f.Names != nil {
			g.names = f.Names()
		}
		g.dir = true
		return g, nil
	case writing && f.Write == nil:
		return nil, &fs.PathError{Op: "open", Path: name, Err: ErrPerm}
	case writing:
		g.write = f.Write
		return g, nil
	}
	data, err := f.Read()
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	g.data = bytes.NewReader(data)
	g.writable = f.Write != nil
	return g, nil
}

// Stat implements afero.Fs.Stat.
func (k kernelFS) Stat(name string) (os.FileInfo, error) {
	f, err := k.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.Stat()
}

func (kernelFS) refuse(op, name string) error {
	return &fs.PathError{Op: op, Path: name, Err: ErrPerm}
}

// Create implements afero.Fs.Create: only existing writable files open.
func (k kernelFS) Create(name string) (afero.File, error) {
	return k.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
}

// Mkdir implements afero.Fs.Mkdir: refused.
func (k kernelFS) Mkdir(name string, _ os.FileMode) error { return k.refuse("mkdir", name) }

// MkdirAll implements afero.Fs.MkdirAll: refused.
func (k kernelFS) MkdirAll(name string, _ os.FileMode) error { return k.refuse("mkdir", name) }

// Remove implements afero.Fs.Remove: refused.
func (k kernelFS) Remove(name string) error { return k.refuse("remove", name) }

// RemoveAll implements afero.Fs.RemoveAll: refused.
func (k kernelFS) RemoveAll(name string) error { return k.refuse("remove", name) }

// Rename implements afero.Fs.Rename: refused.
func (k kernelFS) Rename(old, _ string) error { return k.refuse("rename", old) }

// Chmod implements afero.Fs.Chmod: refused.
func (k kernelFS) Chmod(name string, _ os.FileMode) error { return k.refuse("chmod", name) }

// Chown implements afero.Fs.Chown: refused.
func (k kernelFS) Chown(name string, _, _ int) error { return k.refuse("chown", name) }

// Chtimes implements afero.Fs.Chtimes: refused.
func (k kernelFS) Chtimes(name string, _, _ time.Time) error { return k.refuse("chtimes", name) }

// genFile is an open generated file or directory.
type genFile struct {
	// stat describes an entry of the directory (by its full name).
	stat     func(name string) (os.FileInfo, error)
	name     string
	mtime    time.Time
	dir      bool
	names    []string
	data     *bytes.Reader // reading
	writable bool
	write    func([]byte) error // writing
}

var _ afero.File = (*genFile)(nil)

func (g *genFile) Name() string { return g.name }
func (g *genFile) Close() error { return nil }
func (g *genFile) Sync() error  { return nil }

func (g *genFile) Read(p []byte) (int, error) {
	if g.data == nil {
		return 0, g.badf("read")
	}
	return g.data.Read(p)
}

func (g *genFile) ReadAt(p []byte, off int64) (int, error) {
	if g.data == nil {
		return 0, g.badf("read")
	}
	return g.data.ReadAt(p, off)
}

func (g *genFile) Seek(off int64, whence int) (int64, error) {
	if g.data == nil {
		return 0, g.badf("seek")
	}
	return g.data.Seek(off, whence)
}

// Write applies p as one write(2) to the file.
func (g *genFile) Write(p []byte) (int, error) {
	if g.write == nil {
		return 0, g.badf("write")
	}
	if err := g.write(p); err != nil {
		return 0, &fs.PathError{Op: "write", Path: g.name, Err: err}
	}
	return len(p), nil
}

func (g *genFile) WriteAt(p []byte, _ int64) (int, error) { return g.Write(p) }
func (g *genFile) WriteString(s string) (int, error)      { return g.Write([]byte(s)) }
func (g *genFile) Truncate(int64) error                   { return nil }

func (g *genFile) badf(op string) error {
	return &fs.PathError{Op: op, Path: g.name, Err: syscall.EBADF}
}

func (g *genFile) Readdir(n int) ([]os.FileInfo, error) {
	if !g.dir {
		return nil, &fs.PathError{Op: "readdir", Path: g.name, Err: syscall.ENOTDIR}
	}
	names := slices.Clone(g.names)
	slices.Sort(names)
	var out []os.FileInfo
	for _, nm := range names {
		fi := &info{name: nm, mode: 0o444, mtime: g.mtime}
		if st, err := g.stat(path.Join(g.name, nm)); err == nil {
			fi.mode, fi.size = st.Mode(), st.Size()
		}
		out = append(out, fi)
	}
	if n > 0 && len(out) > n {
		out = out[:n]
	}
	if n > 0 && len(out) == 0 {
		return nil, io.EOF
	}
	return out, nil
}

func (g *genFile) Readdirnames(n int) ([]string, error) {
	fis, err := g.Readdir(n)
	var out []string
	for _, fi := range fis {
		out = append(out, fi.Name())
	}
	return out, err
}

func (g *genFile) Stat() (os.FileInfo, error) {
	fi := &info{name: path.Base(g.name), mtime: g.mtime, mode: 0o444}
	switch {
	case g.dir:
		fi.mode = fs.ModeDir | 0o555
	case g.write != nil || g.writable:
		fi.mode = 0o644
	}
	if g.data != nil {
		fi.size = g.data.Size()
	}
	return fi, nil
}

// info is the fs.FileInfo of a generated or synthesized entry.
type info struct {
	name  string
	size  int64
	mode  fs.FileMode
	mtime time.Time
}

func (i *info) Name() string       { return i.name }
func (i *info) Size() int64        { return i.size }
func (i *info) Mode() fs.FileMode  { return i.mode }
func (i *info) ModTime() time.Time { return i.mtime }
func (i *info) IsDir() bool        { return i.mode.IsDir() }
func (i *info) Sys() any           { return nil }
