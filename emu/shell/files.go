package shell

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path"

	"github.com/nsemu/nsemu/emu/vfs"
	"mvdan.cc/sh/v3/interp"
)

// The emulated files: what cat (and, once shell.go installs OpenHandler,
// redirections) see under /proc and /sys. Each namespace has its own:
// /proc/sys/net/... (the sysctl keys, writable), /proc/net/{arp,route,dev},
// /sys/class/net/DEV/{address,mtu,ifindex,iflink,operstate,carrier,type,
// tx_queue_len,flags,statistics/*}. Other packages may add files with
// Register (a container's /etc/hosts, say).

// OpenHandler is an interp.OpenHandlerFunc that makes redirections see the
// emulated files of the namespace the shell runs in: `echo 1 >
// /proc/sys/net/ipv4/ip_forward` turns forwarding on there, and `read v <
// /sys/class/net/eth0/mtu` reads the emulated MTU. Paths under /proc and
// /sys that nsemu does not emulate fail with "No such file or directory"
// (the host's own are never touched); /dev/null and every other path go to
// interp.DefaultOpenHandler. shell.go installs it with
// interp.OpenHandler(s.OpenHandler).
func (s *Shell) OpenHandler(ctx context.Context, name string, flag int, perm os.FileMode) (io.ReadWriteCloser, error) {
	p := name
	if !path.IsAbs(p) {
		if hc := interp.HandlerCtx(ctx); hc.Dir != "" {
			p = path.Join(hc.Dir, p)
		}
	}
	p = path.Clean("/" + p)
	if !vfs.IsEmulated(p) {
		return interp.DefaultOpenHandler()(ctx, name, flag, perm)
	}
	pathErr := func(err error) error { return &fs.PathError{Op: "open", Path: name, Err: err} }
	f, err := vfs.Open(s.ns(), p)
	if err != nil {
		return nil, pathErr(err)
	}
	if flag&(os.O_WRONLY|os.O_RDWR) != 0 {
		if f.Write == nil {
			return nil, pathErr(vfs.ErrPerm)
		}
		return &emuWriteFile{f: f}, nil
	}
	data, err := f.Read()
	if err != nil {
		return nil, pathErr(err)
	}
	return &emuReadFile{Reader: bytes.NewReader(data)}, nil
}

type emuReadFile struct{ *bytes.Reader }

func (*emuReadFile) Write([]byte) (int, error) { return 0, errors.New("bad file descriptor") }
func (*emuReadFile) Close() error              { return nil }

// emuWriteFile applies each write as the kernel applies a write(2) to a
// /proc/sys file.
type emuWriteFile struct{ f *vfs.File }

func (*emuWriteFile) Read([]byte) (int, error) { return 0, errors.New("bad file descriptor") }
func (w *emuWriteFile) Write(p []byte) (int, error) {
	if err := w.f.Write(p); err != nil {
		return 0, err
	}
	return len(p), nil
}
func (*emuWriteFile) Close() error { return nil }
