package shell

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/google/gopacket/pcapgo"

	"github.com/nsemu/nsemu/capture"
	"github.com/nsemu/nsemu/emu/trace"
)

func init() {
	Register(&Builtin{
		Name:  "tcpdump",
		Usage: "tcpdump [-i DEV|any] [-n] [-e] [-c COUNT] [-w FILE] [-r FILE] [EXPRESSION]",
		Help: `Prints the frames seen on a device of the current namespace in tcpdump's
one-line format (-e adds the MAC addresses), or writes them to a pcapng FILE
(-w), or reads and prints a capture file (-r). EXPRESSION is a tcpdump filter:
arp, ip, icmp, tcp, udp, [src|dst] host H, [tcp|udp] [src|dst] port P,
ether [src|dst] host MAC, and/or/not, parentheses.
Run it in the background (tcpdump ... &) or with -c; it stops at the end of
the script.`,
		Run: runTcpdump,
	})
}

type tcpdumpFlags struct {
	dev     string
	ether   bool
	count   int
	write   string
	read    string
	quiet   bool
	verbose bool
	expr    string
}

func parseTcpdump(args []string) (tcpdumpFlags, error) {
	f := tcpdumpFlags{dev: "", count: -1}
	var expr []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") || len(a) < 2 {
			expr = append(expr, a)
			continue
		}
		for j := 1; j < len(a); j++ {
			switch a[j] {
			case 'n', 'l', 'p', 'U', 'N', 't':
			case 'e':
				f.ether = true
			case 'q':
				f.quiet = true
			case 'v':
				f.verbose = true
			case 'i', 'c', 'w', 'r', 's':
				val := a[j+1:]
				if val == "" {
					i++
					if i >= len(args) {
						return f, fmt.Errorf("tcpdump: option requires an argument -- '%c'", a[j])
					}
					val = args[i]
				}
				switch a[j] {
				case 'i':
					f.dev = val
				case 'c':
					n, err := strconv.Atoi(val)
					if err != nil || n <= 0 {
						return f, fmt.Errorf("tcpdump: invalid packet count %s", val)
					}
					f.count = n
				case 'w':
					f.write = val
				case 'r':
					f.read = val
				case 's':
					if _, err := strconv.Atoi(val); err != nil {
						return f, fmt.Errorf("tcpdump: invalid snaplen %s", val)
					}
				}
				j = len(a)
			default:
				return f, fmt.Errorf("tcpdump: invalid option -- '%c'", a[j])
			}
		}
	}
	f.expr = strings.Join(expr, " ")
	return f, nil
}

func tsString(t time.Time) string {
	return t.UTC().Format("15:04:05.000000")
}

func runTcpdump(c *Cmd) int {
	f, err := parseTcpdump(c.Args[1:])
	if err != nil {
		return c.Errorf("%v", err)
	}
	flt, err := capture.Compile(f.expr)
	if err != nil {
		return c.Errorf("tcpdump: %v", err)
	}
	if f.read != "" {
		return tcpdumpRead(c, f, flt)
	}
	ns := c.NS
	if f.dev == "" {
		// tcpdump picks the first up, non-loopback device.
		for _, d := range ns.Links() {
			if d.Name() != "lo" && d.IsUp() {
				f.dev = d.Name()
				break
			}
		}
		if f.dev == "" {
			return c.Errorf("tcpdump: no suitable device found")
		}
	}
	if f.dev != "any" {
		if _, err := ns.Link(f.dev); err != nil {
			return c.Errorf("tcpdump: %s: No such device exists\n(SIOCGIFHWADDR: No such device)", f.dev)
		}
	}
	var pw *capture.Writer
	if f.write != "" {
		file, err := os.Create(f.write)
		if err != nil {
			return c.Errorf("tcpdump: %s: %v", f.write, errors.Unwrap(err))
		}
		pw, err = capture.NewWriter(file, "nsemu tcpdump")
		if err != nil {
			file.Close()
			return c.Errorf("tcpdump: %v", err)
		}
		defer pw.Close()
	}
	if !f.verbose && f.write == "" {
		fmt.Fprintf(c.Diag, "tcpdump: verbose output suppressed, use -v[v]... for full protocol decode\n")
	}
	if f.dev == "any" {
		fmt.Fprintf(c.Diag, "listening on any, link-type LINUX_SLL2 (Linux cooked v2), snapshot length 262144 bytes\n")
	} else {
		fmt.Fprintf(c.Diag, "listening on %s, link-type EN10MB (Ethernet), snapshot length 262144 bytes\n", f.dev)
	}

	sink := &dumpSink{ns: ns.Name(), dev: f.dev, filter: flt, ch: make(chan *trace.Event, 4096)}
	detach := c.World().Bus().Attach(sink)
	captured := 0
	defer func() {
		detach()
		fmt.Fprintf(c.Diag, "\n%d packets captured\n%d packets received by filter\n%d packets dropped by kernel\n",
			captured, sink.received.Load(), sink.dropped.Load())
	}()
	stopping := false
	for f.count < 0 || captured < f.count {
		var e *trace.Event
		if stopping {
			// Interrupted: print what was already captured, as tcpdump
			// does on SIGINT, then stop.
			select {
			case e = <-sink.ch:
			default:
				return 0
			}
		} else {
			select {
			case e = <-sink.ch:
			case <-c.Ctx.Done():
				stopping = true
				continue
			}
		}
		{
			captured++
			if pw != nil {
				dir := capture.DirIn
				if e.Kind == trace.FrameSent {
					dir = capture.DirOut
				}
				if err := pw.WritePacket(capture.TapName(e.NS, e.Dev), e.Time, dir, e.Frame, e.Reason); err != nil {
					return c.Errorf("tcpdump: %v", err)
				}
				continue
			}
			line := tsString(e.Time) + " "
			if f.dev == "any" {
				dir := "In "
				if e.Kind == trace.FrameSent {
					dir = "Out"
				}
				line += e.Dev + " " + dir + " "
			}
			c.Printf("%s%s\n", line, capture.Summary(e.Frame, f.ether))
		}
	}
	return 0
}

// dumpSink hands matching frames of one device to tcpdump's goroutine; it
// never blocks the data path (a full buffer counts as dropped, as the
// kernel's does).
type dumpSink struct {
	ns, dev  string
	filter   *capture.Filter
	ch       chan *trace.Event
	received atomic.Int64
	dropped  atomic.Int64
}

func (d *dumpSink) WantsFrames() bool { return true }

func (d *dumpSink) Emit(e *trace.Event) {
	if e.Kind != trace.FrameSent && e.Kind != trace.FrameReceived {
		return
	}
	if e.NS != d.ns || (d.dev != "any" && e.Dev != d.dev) || e.Frame == nil {
		return
	}
	if !d.filter.Match(e.Frame) {
		return
	}
	d.received.Add(1)
	select {
	case d.ch <- e.Clone():
	default:
		d.dropped.Add(1)
	}
}

func tcpdumpRead(c *Cmd, f tcpdumpFlags, flt *capture.Filter) int {
	file, err := os.Open(f.read)
	if err != nil {
		return c.Errorf("tcpdump: %s: %v", f.read, errors.Unwrap(err))
	}
	defer file.Close()
	r, err := pcapgo.NewNgReader(file, pcapgo.DefaultNgReaderOptions)
	if err != nil {
		return c.Errorf("tcpdump: %s: unknown file format", f.read)
	}
	fmt.Fprintf(c.Stderr, "reading from file %s, link-type EN10MB (Ethernet), snapshot length 262144\n", f.read)
	n := 0
	for {
		data, ci, err := r.ReadPacketData()
		if err == io.EOF {
			break
		}
		if err != nil {
			return c.Errorf("tcpdump: %s: %v", f.read, err)
		}
		if !flt.Match(data) {
			continue
		}
		line := tsString(ci.Timestamp) + " "
		if in, err := r.Interface(ci.InterfaceIndex); err == nil && in.Name != "" {
			line += in.Name + " "
		}
		c.Printf("%s%s\n", line, capture.Summary(data, f.ether))
		n++
		if f.count > 0 && n >= f.count {
			break
		}
	}
	return 0
}
