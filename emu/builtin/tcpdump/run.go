package tcpdump

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/google/gopacket/pcapgo"

	"github.com/nsemu/nsemu/capture"
	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/shell"
	"github.com/nsemu/nsemu/emu/trace"
)

// run is tcpdump: parse, then read a file (-r) or capture live.
func run(c *shell.Cmd) int {
	r, err := Parse(c.Args[1:])
	if err != nil {
		return c.Errorf("%v", err)
	}
	if r.Read != "" {
		return c.Exit(readFile(c, r))
	}
	return live(c, r)
}

// live captures on r.Dev until the count or the end of the command; the
// statistics follow on standard error, as tcpdump prints them on exit.
func live(c *shell.Cmd, r Request) int {
	dev, err := device(c.NS, r.Dev)
	if err != nil {
		return c.Exit(err)
	}
	d := &dump{c: c, r: r, dev: dev}
	if r.Write != "" {
		if d.pw, err = create(c, r.Write); err != nil {
			return c.Exit(err)
		}
		defer d.pw.Close()
	}
	printListening(c.Diag, r, dev)
	d.sink = newSink(c.NS.Name(), dev, r.Filter)
	detach := c.World().Bus().Attach(d.sink)
	defer func() {
		detach()
		printStats(c.Diag, d.captured, d.sink.received.Load(), d.sink.dropped.Load())
	}()
	// The error line, if any, comes before the statistics.
	return c.Exit(d.loop())
}

// device picks the device to capture on: the one asked for (or "any"),
// or, as tcpdump does, the first that is up and not loopback.
func device(ns *emu.Namespace, dev string) (string, error) {
	if dev == "any" {
		return dev, nil
	}
	if dev != "" {
		if _, err := ns.Link(dev); err != nil {
			return "", fmt.Errorf("tcpdump: %s: No such device exists\n(SIOCGIFHWADDR: No such device)", dev)
		}
		return dev, nil
	}
	for _, d := range ns.Links() {
		if d.Name() != "lo" && d.IsUp() {
			return d.Name(), nil
		}
	}
	return "", errors.New("tcpdump: no suitable device found")
}

// create opens the pcapng file of -w, in the emulated file system (the
// working directory is the real one: a learner opens it in Wireshark).
func create(c *shell.Cmd, name string) (*capture.Writer, error) {
	if name == "-" {
		// Standard output, frame by frame (tcpdump -w - | ...).
		pw, err := capture.NewWriter(struct{ io.Writer }{c.Stdout}, "nsemu tcpdump")
		if err != nil {
			return nil, fmt.Errorf("tcpdump: %v", err)
		}
		pw.StreamEach()
		return pw, nil
	}
	file, err := c.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, fmt.Errorf("tcpdump: %s", shell.FileError(err))
	}
	pw, err := capture.NewWriter(file, "nsemu tcpdump")
	if err != nil {
		file.Close()
		return nil, fmt.Errorf("tcpdump: %v", err)
	}
	return pw, nil
}

// dump is one live capture: the frames the sink hands over, printed or
// written to the -w file.
type dump struct {
	c        *shell.Cmd
	r        Request
	dev      string
	pw       *capture.Writer // nil: print
	sink     *sink
	captured int
}

// loop takes frames until the count (-c) or the end of the command; then
// it prints what was already captured, as tcpdump does on SIGINT.
func (d *dump) loop() error {
	stopping := false
	for d.r.Count < 0 || d.captured < d.r.Count {
		var e *trace.Event
		if stopping {
			select {
			case e = <-d.sink.ch:
			default:
				return nil
			}
		} else {
			select {
			case e = <-d.sink.ch:
			case <-d.c.Ctx.Done():
				stopping = true
				continue
			}
		}
		d.captured++
		if err := d.take(e); err != nil {
			return err
		}
	}
	return nil
}

// take writes one frame to the -w file, or prints it.
func (d *dump) take(e *trace.Event) error {
	if d.pw == nil {
		printEvent(d.c.Stdout, e, d.dev == "any", d.r.Ether)
		return nil
	}
	dir := capture.DirIn
	if e.Kind == trace.FrameSent {
		dir = capture.DirOut
	}
	if err := d.pw.WritePacket(capture.TapName(e.NS, e.Dev), e.Time, dir, e.Frame, e.Reason); err != nil {
		return fmt.Errorf("tcpdump: %v", err)
	}
	return nil
}

// readFile prints the frames of a pcapng file that match the filter, up
// to the count.
func readFile(c *shell.Cmd, r Request) error {
	file, err := c.Open(r.Read)
	if err != nil {
		return fmt.Errorf("tcpdump: %s", shell.FileError(err))
	}
	defer file.Close()
	rd, err := pcapgo.NewNgReader(file, pcapgo.DefaultNgReaderOptions)
	if err != nil {
		return fmt.Errorf("tcpdump: %s: unknown file format", r.Read)
	}
	fmt.Fprintf(c.Stderr, "reading from file %s, link-type EN10MB (Ethernet), snapshot length 262144\n", r.Read)
	for n := 0; r.Count <= 0 || n < r.Count; {
		data, ci, err := rd.ReadPacketData()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("tcpdump: %s: %v", r.Read, err)
		}
		if !r.Filter.Match(data) {
			continue
		}
		tap := ""
		if in, err := rd.Interface(ci.InterfaceIndex); err == nil {
			tap = in.Name
		}
		printFrame(c.Stdout, ci.Timestamp, tap, data, r.Ether)
		n++
	}
	return nil
}
