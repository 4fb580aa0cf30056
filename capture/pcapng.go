// Package capture writes what the emulator's tap points see to pcapng files
// for Wireshark (one Interface Description Block per tap point, named
// NAMESPACE/DEVICE, with a comment on each packet giving the decision behind
// it), and renders frames as tcpdump's one-line summaries.
//
// Deciding what to tap is not this package's business: it consumes
// trace.Events and writes what it is given.
package capture

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"
)

// Direction of a packet relative to its tap point.
type Direction uint8

// Directions, as pcapng's epb_flags encode them.
const (
	DirUnknown Direction = 0
	DirIn      Direction = 1
	DirOut     Direction = 2
)

const (
	blockSHB = 0x0A0D0D0A
	blockIDB = 0x00000001
	blockEPB = 0x00000006

	optEnd       = 0
	optComment   = 1
	optShbApp    = 4
	optIfName    = 2
	optIfDescr   = 3
	optIfTsresol = 9
	optEpbFlags  = 2

	linkTypeEthernet = 1
	snapLen          = 262144
)

// Writer writes a pcapng file. It is safe for concurrent use. Interfaces
// are added on first use; Close flushes, and the file is valid after every
// Flush.
type Writer struct {
	// mu guards the rest; it is held across writes to the underlying
	// writer, so that blocks never interleave. It is a leaf.
	mu     sync.Mutex
	w      *bufio.Writer
	closer io.Closer
	ifaces map[string]uint32
	n      uint32
	err    error
	closed bool
	// each: every frame is flushed as it is written (StreamEach).
	each bool
}

// NewWriter starts a pcapng section on w. If w is an io.Closer, Close closes
// it.
func NewWriter(w io.Writer, app string) (*Writer, error) {
	pw := &Writer{w: bufio.NewWriterSize(w, 64<<10), ifaces: map[string]uint32{}}
	if c, ok := w.(io.Closer); ok {
		pw.closer = c
	}
	var body []byte
	body = binary.LittleEndian.AppendUint32(body, 0x1A2B3C4D)
	body = binary.LittleEndian.AppendUint16(body, 1)
	body = binary.LittleEndian.AppendUint16(body, 0)
	body = binary.LittleEndian.AppendUint64(body, 0xFFFFFFFFFFFFFFFF)
	body = appendOpt(body, optShbApp, []byte(app))
	body = appendOptEnd(body)
	if err := pw.block(blockSHB, body); err != nil {
		return nil, err
	}
	return pw, nil
}

func appendOpt(b []byte, code uint16, val []byte) []byte {
	b = binary.LittleEndian.AppendUint16(b, code)
	b = binary.LittleEndian.AppendUint16(b, uint16(len(val)))
	b = append(b, val...)
	for len(val)%4 != 0 {
		b = append(b, 0)
		val = append(val, 0)
	}
	return b
}

func appendOptEnd(b []byte) []byte {
	return append(b, 0, 0, 0, 0)
}

func (pw *Writer) block(typ uint32, body []byte) error {
	for len(body)%4 != 0 {
		body = append(body, 0)
	}
	total := uint32(12 + len(body))
	var hdr [8]byte
	binary.LittleEndian.PutUint32(hdr[0:], typ)
	binary.LittleEndian.PutUint32(hdr[4:], total)
	if _, err := pw.w.Write(hdr[:]); err != nil {
		return err
	}
	if _, err := pw.w.Write(body); err != nil {
		return err
	}
	var tr [4]byte
	binary.LittleEndian.PutUint32(tr[:], total)
	_, err := pw.w.Write(tr[:])
	return err
}

// Interface returns the id of a tap point, writing its Interface Description
// Block on first use.
func (pw *Writer) Interface(name, descr string) (uint32, error) {
	pw.mu.Lock()
	defer pw.mu.Unlock()
	return pw.ifaceLocked(name, descr)
}

// ifaceLocked is Interface; pw.mu must be held.
func (pw *Writer) ifaceLocked(name, descr string) (uint32, error) {
	if id, ok := pw.ifaces[name]; ok {
		return id, nil
	}
	var body []byte
	body = binary.LittleEndian.AppendUint16(body, linkTypeEthernet)
	body = binary.LittleEndian.AppendUint16(body, 0)
	body = binary.LittleEndian.AppendUint32(body, snapLen)
	body = appendOpt(body, optIfName, []byte(name))
	if descr != "" {
		body = appendOpt(body, optIfDescr, []byte(descr))
	}
	body = appendOpt(body, optIfTsresol, []byte{9}) // nanoseconds
	body = appendOptEnd(body)
	if err := pw.block(blockIDB, body); err != nil {
		pw.err = err
		return 0, err
	}
	id := pw.n
	pw.ifaces[name] = id
	pw.n++
	return id, nil
}

// ErrClosed is returned after Close.
var ErrClosed = errors.New("capture: writer closed")

// WritePacket writes one frame seen at tap point iface (added on first use)
// at time ts, with an optional comment.
func (pw *Writer) WritePacket(iface string, ts time.Time, dir Direction, frame []byte, comment string) error {
	pw.mu.Lock()
	defer pw.mu.Unlock()
	if pw.closed {
		return ErrClosed
	}
	if pw.err != nil {
		return pw.err
	}
	id, err := pw.ifaceLocked(iface, "")
	if err != nil {
		return err
	}
	capLen := len(frame)
	if capLen > snapLen {
		capLen = snapLen
	}
	ns := uint64(ts.UnixNano())
	body := make([]byte, 0, 20+capLen+3+len(comment)+24)
	body = binary.LittleEndian.AppendUint32(body, id)
	body = binary.LittleEndian.AppendUint32(body, uint32(ns>>32))
	body = binary.LittleEndian.AppendUint32(body, uint32(ns))
	body = binary.LittleEndian.AppendUint32(body, uint32(capLen))
	body = binary.LittleEndian.AppendUint32(body, uint32(len(frame)))
	body = append(body, frame[:capLen]...)
	for len(body)%4 != 0 {
		body = append(body, 0)
	}
	if comment != "" {
		body = appendOpt(body, optComment, []byte(comment))
	}
	if dir != DirUnknown {
		body = appendOpt(body, optEpbFlags, binary.LittleEndian.AppendUint32(nil, uint32(dir)))
	}
	if comment != "" || dir != DirUnknown {
		body = appendOptEnd(body)
	}
	if err := pw.block(blockEPB, body); err != nil {
		pw.err = err
		return err
	}
	if pw.each {
		if err := pw.w.Flush(); err != nil {
			pw.err = err
			return err
		}
	}
	return nil
}

// StreamEach makes every frame go out as it is written, for a reader that
// follows the file live (nsemu run --pcap - | wireshark -k -i -).
func (pw *Writer) StreamEach() {
	pw.mu.Lock()
	defer pw.mu.Unlock()
	pw.each = true
	pw.err = pw.w.Flush()
}

// Flush writes buffered blocks out; the file is then a valid pcapng file.
func (pw *Writer) Flush() error {
	pw.mu.Lock()
	defer pw.mu.Unlock()
	if pw.err != nil {
		return pw.err
	}
	return pw.w.Flush()
}

// Close flushes and closes the underlying file (when it is a Closer).
func (pw *Writer) Close() error {
	pw.mu.Lock()
	defer pw.mu.Unlock()
	if pw.closed {
		return nil
	}
	pw.closed = true
	err := pw.w.Flush()
	if pw.closer != nil {
		if cerr := pw.closer.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return fmt.Errorf("capture: %w", err)
	}
	return nil
}
