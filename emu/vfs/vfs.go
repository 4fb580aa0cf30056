// Package vfs holds the files a script sees instead of the host's: each
// namespace has its own /proc/sys/net/... (the sysctl keys, writable),
// /proc/net/{arp,route,dev}, /sys/class/net/DEV/..., /etc/hosts,
// /etc/resolv.conf and /etc/hostname, and the kernel log under /var/log.
// Other packages may add files with Register.
package vfs

import (
	"path"
	"strings"
	"sync"
	"syscall"

	"github.com/nsemu/nsemu/emu"
)

// File is one generated file or directory.
type File struct {
	// Read returns the file's contents.
	Read func() ([]byte, error)
	// Write sets the contents, as one write(2) would; nil means read-only.
	Write func(data []byte) error
	// Names lists a directory's entries; nil for a file (and for a
	// directory whose entries are not listed).
	Names func() []string
}

// Lookup finds an emulated file of namespace ns by absolute, clean
// path. It returns ok false when the path is not its own, and dir true for
// a directory.
type Lookup func(ns *emu.Namespace, path string) (f *File, dir bool, ok bool)

var (
	fileLookupsMu sync.Mutex
	fileLookups   = []Lookup{procSysFiles, procNetFiles, sysClassNetFiles, kernelLogFiles, etcFiles, netnsFiles, devFiles}
	// registered counts the lookups Register added (after the built-in
	// ones), which may claim any path.
	registered int
)

// Register adds generated files; lookups registered later are asked
// after the built-in ones. A path a registered lookup claims is served by
// it, wherever it is (/etc/motd, say).
func Register(l Lookup) {
	fileLookupsMu.Lock()
	defer fileLookupsMu.Unlock()
	fileLookups = append(fileLookups, l)
	registered++
}

// claimed reports whether a registered lookup serves path p.
func claimed(ns *emu.Namespace, p string) bool {
	fileLookupsMu.Lock()
	extra := fileLookups[len(fileLookups)-registered:]
	fileLookupsMu.Unlock()
	for _, l := range extra {
		if _, _, ok := l(ns, p); ok {
			return true
		}
	}
	return false
}

// Errors in the words of the C library.
var (
	ErrNoEnt error = errno(syscall.ENOENT)
	ErrIsDir error = errno(syscall.EISDIR)
	ErrPerm  error = errno(syscall.EACCES)
	ErrInval error = errno(syscall.EINVAL)
)

// Open returns a namespace's generated file; err is ErrNoEnt or ErrIsDir
// when there is no file to read.
func Open(ns *emu.Namespace, name string) (*File, error) {
	f, dir, err := lookup(ns, name)
	if dir {
		return nil, ErrIsDir
	}
	return f, err
}

// lookup asks the lookups for a generated file or directory.
func lookup(ns *emu.Namespace, name string) (f *File, dir bool, err error) {
	p := path.Clean("/" + name)
	fileLookupsMu.Lock()
	ls := append([]Lookup(nil), fileLookups...)
	fileLookupsMu.Unlock()
	for _, l := range ls {
		f, dir, ok := l(ns, p)
		if !ok {
			continue
		}
		if dir {
			return f, true, nil
		}
		if f == nil {
			return nil, false, ErrNoEnt
		}
		return f, false, nil
	}
	return nil, false, ErrNoEnt
}

// ReadFile reads an emulated file of a namespace.
func ReadFile(ns *emu.Namespace, name string) ([]byte, error) {
	f, err := Open(ns, name)
	if err != nil {
		return nil, err
	}
	return f.Read()
}

// emulatedPrefixes are the paths a script sees in the emulated world, never
// on the host: /proc and /sys, the files Docker writes for a container, the
// kernel log, and the namespaces' mount points.
var emulatedPrefixes = []string{"/proc", "/sys", "/dev", "/etc/hosts", "/etc/resolv.conf", "/etc/hostname",
	"/var/log/syslog", "/var/log/kern.log", "/var/log/messages", "/run/netns", "/var/run/netns"}

// IsEmulated reports whether an absolute, clean path belongs to the
// emulated world (reads and writes never reach the host there).
func IsEmulated(p string) bool {
	for _, e := range emulatedPrefixes {
		if p == e || strings.HasPrefix(p, e+"/") {
			return true
		}
	}
	return false
}

// Dir is a directory with fixed entries.
func Dir(names ...string) *File {
	return &File{Names: func() []string { return names }}
}

// Static is a read-only file with fixed contents.
func Static(s string) *File {
	return &File{Read: func() ([]byte, error) { return []byte(s), nil }}
}
