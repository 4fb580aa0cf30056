package shell

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
	"sync"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
	"mvdan.cc/sh/v3/interp"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/vethsim"
)

// The emulated files: what cat (and, once shell.go installs OpenHandler,
// redirections) see under /proc and /sys. Each namespace has its own:
// /proc/sys/net/... (the sysctl keys, writable), /proc/net/{arp,route,dev},
// /sys/class/net/DEV/{address,mtu,ifindex,iflink,operstate,carrier,type,
// tx_queue_len,flags,statistics/*}. Other packages may add files with
// RegisterFiles (a container's /etc/hosts, say).

// EmuFile is one emulated file.
type EmuFile struct {
	// Read returns the file's contents.
	Read func() ([]byte, error)
	// Write sets the contents, as one write(2) would; nil means read-only.
	Write func(data []byte) error
}

// FileLookup finds an emulated file of namespace ns by absolute, clean
// path. It returns ok false when the path is not its own, and dir true for
// a directory.
type FileLookup func(ns *emu.Namespace, path string) (f *EmuFile, dir bool, ok bool)

var (
	fileLookupsMu sync.Mutex
	fileLookups   = []FileLookup{procSysFiles, procNetFiles, sysClassNetFiles, kernelLogFiles}
)

// RegisterFiles adds emulated files; lookups registered later are asked
// after the built-in ones.
func RegisterFiles(l FileLookup) {
	fileLookupsMu.Lock()
	defer fileLookupsMu.Unlock()
	fileLookups = append(fileLookups, l)
}

// Errors in the words of the C library.
var (
	errNoEnt = errors.New("No such file or directory")
	errIsDir = errors.New("Is a directory")
	errPerm  = errors.New("Permission denied")
	errInval = errors.New("Invalid argument")
)

// lookupEmuFile returns a namespace's emulated file; err is errNoEnt or
// errIsDir when there is no file to read.
func lookupEmuFile(ns *emu.Namespace, name string) (*EmuFile, error) {
	p := path.Clean("/" + name)
	fileLookupsMu.Lock()
	ls := append([]FileLookup(nil), fileLookups...)
	fileLookupsMu.Unlock()
	for _, l := range ls {
		f, dir, ok := l(ns, p)
		if !ok {
			continue
		}
		if dir {
			return nil, errIsDir
		}
		if f == nil {
			return nil, errNoEnt
		}
		return f, nil
	}
	return nil, errNoEnt
}

// ReadEmuFile reads an emulated file of a namespace.
func ReadEmuFile(ns *emu.Namespace, name string) ([]byte, error) {
	f, err := lookupEmuFile(ns, name)
	if err != nil {
		return nil, err
	}
	return f.Read()
}

// emulatedPrefixes are the paths a script sees in the emulated world, never
// on the host: /proc and /sys, the files Docker writes for a container, the
// kernel log, and the namespaces' mount points.
var emulatedPrefixes = []string{"/proc", "/sys", "/etc/hosts", "/etc/resolv.conf", "/etc/hostname",
	"/var/log/syslog", "/var/log/kern.log", "/var/log/messages", "/run/netns", "/var/run/netns"}

// IsEmulatedPath reports whether an absolute, clean path belongs to the
// emulated world (reads and writes never reach the host there).
func IsEmulatedPath(p string) bool {
	for _, e := range emulatedPrefixes {
		if p == e || strings.HasPrefix(p, e+"/") {
			return true
		}
	}
	return false
}

// kernelLogFiles serves /var/log/syslog, kern.log and messages: the
// namespace's kernel log in syslog format.
func kernelLogFiles(ns *emu.Namespace, p string) (*EmuFile, bool, bool) {
	switch p {
	case "/var/log/syslog", "/var/log/kern.log", "/var/log/messages":
	default:
		return nil, false, false
	}
	return &EmuFile{Read: func() ([]byte, error) {
		clock := ns.World().Clock()
		var b strings.Builder
		for _, l := range ns.Stack().KernelLog() {
			since := l.Time.Sub(tcpip.MonotonicTime{})
			fmt.Fprintf(&b, "%s nsemu kernel: [%5d.%06d] %s\n", wallOf(clock.Now(), clock.NowMonotonic(), l.Time).Format("Jan _2 15:04:05"),
				since/time.Second, (since%time.Second)/time.Microsecond, l.Text)
		}
		return []byte(b.String()), nil
	}}, false, true
}

// StaticFile is a read-only file with fixed contents.
func StaticFile(s string) *EmuFile {
	return &EmuFile{Read: func() ([]byte, error) { return []byte(s), nil }}
}

// procSysFiles serves /proc/sys: every sysctl key is a file, writable.
func procSysFiles(ns *emu.Namespace, p string) (*EmuFile, bool, bool) {
	if p != "/proc/sys" && !strings.HasPrefix(p, "/proc/sys/") {
		if p == "/proc" {
			return nil, true, true
		}
		return nil, false, false
	}
	key := strings.ReplaceAll(strings.TrimPrefix(strings.TrimPrefix(p, "/proc/sys"), "/"), "/", ".")
	for _, k := range emu.SysctlKeys() {
		if k == key {
			return &EmuFile{
				Read: func() ([]byte, error) {
					v, err := ns.Sysctl(key)
					if err != nil {
						return nil, errNoEnt
					}
					return []byte(v + "\n"), nil
				},
				Write: func(data []byte) error {
					if err := ns.SetSysctl(key, string(data)); err != nil {
						if errors.Is(err, emu.ErrSysctlValue) {
							return errInval
						}
						return err
					}
					return nil
				},
			}, false, true
		}
		if key == "" || strings.HasPrefix(k, key+".") {
			return nil, true, true
		}
	}
	return nil, false, true
}

// procNetFiles serves /proc/net/{arp,route,dev}.
func procNetFiles(ns *emu.Namespace, p string) (*EmuFile, bool, bool) {
	switch p {
	case "/proc/net":
		return nil, true, true
	case "/proc/net/arp":
		return &EmuFile{Read: func() ([]byte, error) { return []byte(procNetARP(ns)), nil }}, false, true
	case "/proc/net/route":
		return &EmuFile{Read: func() ([]byte, error) { return []byte(procNetRoute(ns)), nil }}, false, true
	case "/proc/net/dev":
		return &EmuFile{Read: func() ([]byte, error) { return []byte(procNetDev(ns)), nil }}, false, true
	}
	if strings.HasPrefix(p, "/proc/net/") {
		return nil, false, true
	}
	return nil, false, false
}

// sysClassNetFiles serves /sys/class/net/DEV/...
func sysClassNetFiles(ns *emu.Namespace, p string) (*EmuFile, bool, bool) {
	switch p {
	case "/sys", "/sys/class", "/sys/class/net":
		return nil, true, true
	}
	if !strings.HasPrefix(p, "/sys/") {
		return nil, false, false
	}
	rest, ok := strings.CutPrefix(p, "/sys/class/net/")
	if !ok {
		return nil, false, true
	}
	devName, attr, _ := strings.Cut(rest, "/")
	d, err := ns.Link(devName)
	if err != nil {
		return nil, false, true
	}
	if attr == "" || attr == "statistics" || (attr == "master" && d.Master() != nil) {
		return nil, true, true
	}
	val := func(f func() string) *EmuFile {
		return &EmuFile{Read: func() ([]byte, error) { return []byte(f() + "\n"), nil }}
	}
	switch attr {
	case "address":
		return val(func() string { return d.MAC().String() }), false, true
	case "broadcast":
		return val(func() string { return "ff:ff:ff:ff:ff:ff" }), false, true
	case "mtu":
		return val(func() string { return fmt.Sprint(d.MTU()) }), false, true
	case "ifindex":
		return val(func() string { return fmt.Sprint(d.Index()) }), false, true
	case "iflink":
		return val(func() string {
			if pi := d.PeerIndex(); pi != 0 {
				return fmt.Sprint(pi)
			}
			return fmt.Sprint(d.Index())
		}), false, true
	case "operstate":
		return val(func() string { return strings.ToLower(d.OperState()) }), false, true
	case "carrier":
		return &EmuFile{Read: func() ([]byte, error) {
			if !d.IsUp() {
				return nil, errInval
			}
			if d.Carrier() {
				return []byte("1\n"), nil
			}
			return []byte("0\n"), nil
		}}, false, true
	case "type":
		return val(func() string {
			if d.Kind == emu.KindLoopback {
				return "772"
			}
			return "1"
		}), false, true
	case "tx_queue_len":
		return val(func() string { return "1000" }), false, true
	case "flags":
		return val(func() string { return fmt.Sprintf("%#x", ntIffFlags(d)&^ntIffRunning) }), false, true
	}
	if stat, ok := strings.CutPrefix(attr, "statistics/"); ok {
		pick := map[string]func(vethsim.Counters) uint64{
			"rx_packets": func(c vethsim.Counters) uint64 { return c.RxPackets },
			"tx_packets": func(c vethsim.Counters) uint64 { return c.TxPackets },
			"rx_bytes":   func(c vethsim.Counters) uint64 { return c.RxBytes },
			"tx_bytes":   func(c vethsim.Counters) uint64 { return c.TxBytes },
			"rx_dropped": func(c vethsim.Counters) uint64 { return c.RxDropped },
			"tx_dropped": func(c vethsim.Counters) uint64 { return c.TxDropped },
			"rx_errors":  func(vethsim.Counters) uint64 { return 0 },
			"tx_errors":  func(vethsim.Counters) uint64 { return 0 },
		}[stat]
		if pick != nil {
			return val(func() string { return fmt.Sprint(pick(ntCounters(ns, d))) }), false, true
		}
	}
	return nil, false, true
}

func init() {
	Register(&Builtin{
		Name:  "cat",
		Usage: "cat [-nbEATsv] [FILE]...",
		Help: `Prints the current namespace's emulated files — /proc/sys/net/ipv4/ip_forward,
/proc/net/arp, /proc/net/route, /proc/net/dev, /sys/class/net/DEV/{address,mtu,
ifindex,iflink,operstate,carrier,...} — or standard input (no FILE, or -).
It never reads the host's files.`,
		Run: runCat,
	})
}

type catFlags struct {
	number, numberNonBlank, ends, tabs, squeeze, nonprint bool
}

func runCat(c *Cmd) int {
	var f catFlags
	var files []string
	opts := true
	for _, a := range c.Args[1:] {
		switch {
		case opts && a == "--":
			opts = false
		case opts && strings.HasPrefix(a, "--") && len(a) > 2:
			switch a {
			case "--number":
				f.number = true
			case "--number-nonblank":
				f.numberNonBlank = true
			case "--show-ends":
				f.ends = true
			case "--show-tabs":
				f.tabs = true
			case "--show-all":
				f.nonprint, f.ends, f.tabs = true, true, true
			case "--squeeze-blank":
				f.squeeze = true
			case "--show-nonprinting":
				f.nonprint = true
			case "--help":
				c.Printf("Usage: cat [OPTION]... [FILE]...\nConcatenate FILE(s) to standard output.\n")
				return 0
			default:
				return c.Fail(1, "cat: unrecognized option '%s'\nTry 'cat --help' for more information.", a)
			}
		case opts && strings.HasPrefix(a, "-") && len(a) > 1:
			for _, o := range a[1:] {
				switch o {
				case 'n':
					f.number = true
				case 'b':
					f.numberNonBlank = true
				case 'E':
					f.ends = true
				case 'T':
					f.tabs = true
				case 's':
					f.squeeze = true
				case 'v':
					f.nonprint = true
				case 'A':
					f.nonprint, f.ends, f.tabs = true, true, true
				case 'e':
					f.nonprint, f.ends = true, true
				case 't':
					f.nonprint, f.tabs = true, true
				case 'u':
				default:
					return c.Fail(1, "cat: invalid option -- '%c'\nTry 'cat --help' for more information.", o)
				}
			}
		default:
			files = append(files, a)
		}
	}
	if len(files) == 0 {
		files = []string{"-"}
	}
	w := &catWriter{f: f, out: c.Stdout, bol: true}
	status := 0
	for _, name := range files {
		var data []byte
		var err error
		if name == "-" {
			if c.Stdin == nil {
				continue
			}
			data, err = io.ReadAll(c.Stdin)
		} else {
			data, err = ReadEmuFile(c.NS, name)
		}
		if err != nil {
			fmt.Fprintf(c.Stderr, "cat: %s: %v\n", name, err)
			status = 1
			continue
		}
		if _, err := w.Write(data); err != nil {
			return 1
		}
	}
	return status
}

// catWriter applies cat's options across files, as GNU cat does (line
// numbers carry on from one file to the next).
type catWriter struct {
	f      catFlags
	out    io.Writer
	line   int
	bol    bool
	blanks int
}

func (w *catWriter) Write(data []byte) (int, error) {
	f := w.f
	if !f.number && !f.numberNonBlank && !f.ends && !f.tabs && !f.squeeze && !f.nonprint {
		return w.out.Write(data)
	}
	var b bytes.Buffer
	for _, ch := range data {
		if w.bol {
			if ch == '\n' {
				w.blanks++
				if f.squeeze && w.blanks > 1 {
					continue
				}
			} else {
				w.blanks = 0
			}
			if f.numberNonBlank && ch != '\n' || f.number && !f.numberNonBlank {
				w.line++
				fmt.Fprintf(&b, "%6d\t", w.line)
			}
			w.bol = false
		}
		switch {
		case ch == '\n':
			if f.ends {
				b.WriteByte('$')
			}
			b.WriteByte('\n')
			w.bol = true
		case ch == '\t' && f.tabs:
			b.WriteString("^I")
		case f.nonprint && ch != '\t' && (ch < 32 || ch == 127):
			b.WriteByte('^')
			b.WriteByte(ch ^ 0x40)
		case f.nonprint && ch >= 128:
			b.WriteString("M-")
			c := ch - 128
			switch {
			case c < 32 || c == 127:
				b.WriteByte('^')
				b.WriteByte(c ^ 0x40)
			default:
				b.WriteByte(c)
			}
		default:
			b.WriteByte(ch)
		}
	}
	if _, err := w.out.Write(b.Bytes()); err != nil {
		return 0, err
	}
	return len(data), nil
}

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
	if !IsEmulatedPath(p) {
		return interp.DefaultOpenHandler()(ctx, name, flag, perm)
	}
	pathErr := func(err error) error { return &fs.PathError{Op: "open", Path: name, Err: err} }
	f, err := lookupEmuFile(s.ns(), p)
	if err != nil {
		return nil, pathErr(err)
	}
	if flag&(os.O_WRONLY|os.O_RDWR) != 0 {
		if f.Write == nil {
			return nil, pathErr(errPerm)
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
type emuWriteFile struct{ f *EmuFile }

func (*emuWriteFile) Read([]byte) (int, error) { return 0, errors.New("bad file descriptor") }
func (w *emuWriteFile) Write(p []byte) (int, error) {
	if err := w.f.Write(p); err != nil {
		return 0, err
	}
	return len(p), nil
}
func (*emuWriteFile) Close() error { return nil }
