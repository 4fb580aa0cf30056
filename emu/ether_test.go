package emu

import (
	"context"
	"errors"
	"net/netip"
	"sync"
	"testing"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/stack"

	"github.com/nsemu/nsemu/vethsim"
)

// frames collects what arrives at a wire's end.
type frames struct {
	mu  sync.Mutex
	got [][]byte
}

func (f *frames) Receive(_ *vethsim.End, pkt *stack.PacketBuffer) {
	v := pkt.ToView()
	f.mu.Lock()
	f.got = append(f.got, append([]byte(nil), v.AsSlice()...))
	f.mu.Unlock()
	v.Release()
	pkt.DecRef()
}

func (f *frames) arp() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, b := range f.got {
		if len(b) >= header.EthernetMinimumSize && header.Ethernet(b).Type() == header.ARPProtocolNumber {
			return true
		}
	}
	return false
}

// TestEther: an Ethernet device is a NIC of its namespace whose wire the
// caller holds; it stays put, and has carrier while the wire's end is up.
func TestEther(t *testing.T) {
	w := New(Options{})
	defer w.Close()
	h := w.Host()
	d, wire, err := h.AddEther("eth0", EtherConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := h.AddEther("eth0", EtherConfig{}); !errors.Is(err, ErrExists) {
		t.Errorf("a second eth0: %v", err)
	}
	if d.Kind != KindEther || d.Kind.String() != "ether" || d.PeerIndex() != 0 || d.IsUp() {
		t.Errorf("eth0: kind %v, peer index %d, up %v", d.Kind, d.PeerIndex(), d.IsUp())
	}
	f := &frames{}
	wire.SetReceiver(f)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(h.AddAddr("eth0", netip.MustParsePrefix("192.0.2.2/24")))
	must(h.SetLinkUp("eth0", true))
	if !d.Carrier() || d.OperState() != "UP" {
		t.Errorf("eth0 with its wire up: carrier %v, %s", d.Carrier(), d.OperState())
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_, _ = h.Ping(ctx, netip.MustParseAddr("192.0.2.1"), 10*time.Millisecond)
	if !f.arp() {
		t.Error("no ARP request reached the wire")
	}
	must(h.SetMTU("eth0", 1400))
	if d.MTU() != 1400 {
		t.Errorf("MTU %d", d.MTU())
	}
	n, err := w.AddNamespace("ns1")
	must(err)
	if err := h.MoveLink("eth0", n); !errors.Is(err, ErrInvalid) {
		t.Errorf("moving eth0: %v", err)
	}
	if err := h.DelLink("eth0"); !errors.Is(err, ErrNotSupp) {
		t.Errorf("deleting eth0: %v", err)
	}
	_, err = h.AddBridge("br0")
	must(err)
	must(h.SetMaster("eth0", "br0"))
	must(h.SetNoMaster("eth0"))
	wire.SetUp(false)
	if d.Carrier() {
		t.Error("eth0 has carrier with its wire down")
	}
}

type recordingExposer struct{ got []Exposure }

func (r *recordingExposer) Expose(_ *Namespace, x Exposure) (func(), error) {
	r.got = append(r.got, x)
	return func() {}, nil
}

// TestExpose: without an exposer nothing happens; SetExposer's restore
// puts the old one back.
func TestExpose(t *testing.T) {
	w := New(Options{})
	defer w.Close()
	x := Exposure{Proto: "tcp", Listen: netip.MustParseAddrPort("0.0.0.0:80")}
	stop, err := w.Expose(w.Host(), x)
	if err != nil || stop == nil {
		t.Fatalf("Expose without an exposer: %v", err)
	}
	stop()
	r := &recordingExposer{}
	restore := w.SetExposer(r)
	if _, err := w.Expose(w.Host(), x); err != nil || len(r.got) != 1 || r.got[0] != x {
		t.Fatalf("Expose: %v, %+v", err, r.got)
	}
	restore()
	if _, err := w.Expose(w.Host(), x); err != nil || len(r.got) != 1 {
		t.Fatalf("Expose after restore reached the old exposer: %+v", r.got)
	}
}
