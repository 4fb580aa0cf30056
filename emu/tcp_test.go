package emu

import (
	"context"
	"crypto/sha256"
	"io"
	"math/rand"
	"net"
	"net/netip"
	"testing"
	"time"
)

// twoOnBridge builds ns1 and ns2 (192.168.28.1, .2) on a host bridge.
func twoOnBridge(tb testing.TB, w *World) (*Namespace, *Namespace) {
	tb.Helper()
	host := w.Host()
	chk := func(err error) {
		tb.Helper()
		if err != nil {
			tb.Fatal(err)
		}
	}
	_, err := host.AddBridge("br0")
	chk(err)
	chk(host.SetLinkUp("br0", true))
	var out [2]*Namespace
	for i := range out {
		name := []string{"ns1", "ns2"}[i]
		n, err := w.AddNamespace(name)
		chk(err)
		out[i] = n
		dev := "veth" + string(rune('1'+i))
		_, _, err = host.AddVeth(dev+"-br", dev, n)
		chk(err)
		chk(host.SetMaster(dev+"-br", "br0"))
		chk(host.SetLinkUp(dev+"-br", true))
		chk(n.AddAddr(dev, netip.MustParsePrefix([]string{"192.168.28.1/24", "192.168.28.2/24"}[i])))
		chk(n.SetLinkUp(dev, true))
		chk(n.SetLinkUp("lo", true))
	}
	return out[0], out[1]
}

// transfer sends size bytes from a to b's TCP port 5001 and returns the
// digests of what was sent and received.
func transfer(tb testing.TB, a, b *Namespace, size int64) (sent, got [32]byte) {
	tb.Helper()
	l, err := b.ListenTCP(netip.MustParseAddrPort("0.0.0.0:5001"))
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	done := make(chan [32]byte, 1)
	errc := make(chan error, 1)
	go func() {
		c, err := l.Accept()
		if err != nil {
			errc <- err
			return
		}
		defer c.Close()
		h := sha256.New()
		if _, err := io.Copy(h, c); err != nil {
			errc <- err
			return
		}
		var d [32]byte
		copy(d[:], h.Sum(nil))
		done <- d
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := a.DialTCP(ctx, netip.MustParseAddrPort("192.168.28.2:5001"))
	if err != nil {
		tb.Fatal(err)
	}
	h := sha256.New()
	src := io.TeeReader(io.LimitReader(rand.New(rand.NewSource(1)), size), h)
	if _, err := io.Copy(c, src); err != nil {
		tb.Fatal(err)
	}
	_ = c.(netTCPConn).CloseWrite()
	copy(sent[:], h.Sum(nil))
	select {
	case got = <-done:
	case err := <-errc:
		tb.Fatal(err)
	case <-time.After(60 * time.Second):
		tb.Fatal("transfer did not finish")
	}
	c.Close()
	return sent, got
}

type netTCPConn = interface {
	net.Conn
	CloseWrite() error
}

func TestTCP64MiBAcrossBridge(t *testing.T) {
	for _, gso := range []bool{true, false} {
		name := map[bool]string{true: "gso", false: "mtu-frames"}[gso]
		t.Run(name, func(t *testing.T) {
			w := New(Options{NoGSO: !gso})
			defer w.Close()
			a, b := twoOnBridge(t, w)
			size := int64(64 << 20)
			if testing.Short() || !gso {
				size = 8 << 20
			}
			sent, got := transfer(t, a, b, size)
			if sent != got {
				t.Fatalf("content differs: sent %x, received %x", sent, got)
			}
		})
	}
}
