package web

import (
	"bytes"
	"fmt"
	"io"
	"net/netip"
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

// manyOnABridge builds n namespaces ns0… on the host's br0, each with an
// eth0 at 10.x.y.z/8.
func manyOnABridge(t testing.TB, w *emu.World, n int) []*emu.Namespace {
	t.Helper()
	host := w.Host()
	if _, err := host.AddBridge("br0"); err != nil {
		t.Fatal(err)
	}
	if err := host.SetLinkUp("br0", true); err != nil {
		t.Fatal(err)
	}
	nss := make([]*emu.Namespace, n)
	for i := range n {
		ns, err := w.AddNamespace(fmt.Sprintf("ns%d", i))
		if err != nil {
			t.Fatal(err)
		}
		nss[i] = ns
		port := fmt.Sprintf("v%d", i)
		a := netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})
		for _, err := range []error{
			firstErr(host.AddVeth(port, "eth0", ns)), host.SetMaster(port, "br0"), host.SetLinkUp(port, true),
			ns.AddAddr("eth0", netip.PrefixFrom(a, 8)), ns.SetLinkUp("eth0", true),
		} {
			if err != nil {
				t.Fatalf("namespace %d: %v", i, err)
			}
		}
	}
	return nss
}

func firstErr(_, _ *emu.Device, err error) error { return err }
