package web

import (
	"bytes"
	"io"
	"testing"

	"github.com/google/gopacket/pcapgo"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/shell"
)

// newShell is a shell on w whose output is discarded.
func newShell(w *emu.World) *shell.Shell { return shell.New(w, nil, io.Discard, io.Discard) }

// readPcapng counts the packets of a pcapng file and names the
// interfaces they were captured on.
func readPcapng(t *testing.T, b []byte) (int, map[string]bool) {
	t.Helper()
	r, err := pcapgo.NewNgReader(bytes.NewReader(b), pcapgo.DefaultNgReaderOptions)
	if err != nil {
		t.Fatalf("reading the capture: %v", err)
	}
	n := 0
	taps := map[string]bool{}
	for {
		_, ci, err := r.ReadPacketData()
		if err == io.EOF {
			return n, taps
		}
		if err != nil {
			t.Fatalf("reading the capture: %v", err)
		}
		n++
		if iface, err := r.Interface(ci.InterfaceIndex); err == nil {
			taps[iface.Name] = true
		}
	}
}
