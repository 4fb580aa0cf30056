// This file is the README's Go example, kept compiling and passing.
package emu_test

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"github.com/nsemu/nsemu/emu"
)

func TestReadmeExample(t *testing.T) {
	w := emu.New(emu.Options{})
	defer w.Close()
	host := w.Host()
	if _, err := host.AddBridge("br0"); err != nil {
		t.Fatal(err)
	}
	host.SetLinkUp("br0", true)
	var ns []*emu.Namespace
	for i := 1; i <= 3; i++ {
		n, _ := w.AddNamespace("ns" + string(rune('0'+i)))
		port := "veth" + string(rune('0'+i))
		host.AddVeth(port, "eth0", n) // host end, and eth0 inside n
		host.SetMaster(port, "br0")
		host.SetLinkUp(port, true)
		n.AddAddr("eth0", netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 0, 0, byte(i)}), 24))
		n.SetLinkUp("eth0", true)
		ns = append(ns, n)
	}
	reply, err := ns[0].Ping(context.Background(), netip.MustParseAddr("10.0.0.3"), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("reply from %s: ttl=%d time=%s", reply.From, reply.TTL, reply.RTT)

	// Sockets are net.Conn / net.Listener.
	l, _ := ns[2].ListenTCP(netip.MustParseAddrPort("0.0.0.0:80"))
	defer l.Close()
	c, err := ns[0].DialTCP(context.Background(), netip.MustParseAddrPort("10.0.0.3:80"))
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
}
