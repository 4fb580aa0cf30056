package emu

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"github.com/nsemu/nsemu/emu/trace"
)

// wire puts n on a veth pair with the host (hostDev ⇄ eth0), addresses
// 10.9.0.1/24 and 10.9.0.2/24.
func wire(t *testing.T, h, n *Namespace, hostDev string) {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, _, err := h.AddVeth(hostDev, "eth0", n)
	must(err)
	must(h.AddAddr(hostDev, netip.MustParsePrefix("10.9.0.1/24")))
	must(n.AddAddr("eth0", netip.MustParsePrefix("10.9.0.2/24")))
	must(h.SetLinkUp(hostDev, true))
	must(n.SetLinkUp("eth0", true))
}

func TestHiddenNamespace(t *testing.T) {
	w := New(Options{})
	defer w.Close()
	h := w.Host()
	a, err := w.AddNamespace("named")
	if err != nil {
		t.Fatal(err)
	}
	c, err := w.NewHiddenNamespace("web")
	if err != nil {
		t.Fatal(err)
	}
	if !c.Hidden() || a.Hidden() || h.Hidden() {
		t.Fatalf("Hidden: container %v, named %v, host %v", c.Hidden(), a.Hidden(), h.Hidden())
	}
	// ip netns never sees it.
	if _, err := w.Namespace("web"); err == nil {
		t.Fatal("World.Namespace found a hidden namespace")
	}
	if l := w.Namespaces(); len(l) != 1 || l[0] != a {
		t.Fatalf("Namespaces() = %v, want only the named one", l)
	}
	all := w.AllNamespaces()
	if len(all) != 3 || all[0] != h || all[1] != a || all[2] != c {
		t.Fatalf("AllNamespaces() is not host, named, hidden in creation order: %v", all)
	}

	// A veth pair to it works, and its ends see each other.
	wire(t, h, c, "veth1234567")
	d, _ := h.Link("veth1234567")
	p := d.Peer()
	if p == nil || p.Namespace() != c || p.Name() != "eth0" || p.Peer() != d {
		t.Fatalf("Peer() = %v", p)
	}
	if _, err := h.Ping(context.Background(), netip.MustParseAddr("10.9.0.2"), time.Second); err != nil {
		t.Fatal(err)
	}

	// Destroy hooks run once, before the devices go.
	ran := 0
	c.OnDestroy(func() {
		ran++
		if _, err := c.Link("eth0"); err != nil {
			t.Errorf("the hook ran after the devices went: %v", err)
		}
	})
	cancelled := false
	cancel := c.OnDestroy(func() { cancelled = true })
	cancel()
	if err := w.DelHiddenNamespace(c); err != nil {
		t.Fatal(err)
	}
	if err := w.DelHiddenNamespace(c); err != nil {
		t.Fatalf("deleting twice: %v", err)
	}
	if ran != 1 || cancelled {
		t.Fatalf("hooks: ran %d times, cancelled one ran: %v", ran, cancelled)
	}
	// Deleting it took the pair with it.
	if _, err := h.Link("veth1234567"); err == nil {
		t.Fatal("the host end of the pair survived its namespace")
	}
	if err := w.DelHiddenNamespace(a); err == nil {
		t.Fatal("DelHiddenNamespace deleted a named namespace")
	}
}

// TestCloseDestroysHidden: the world's Close takes hidden namespaces and
// runs every hook (the goroutine leak check in TestMain would see a
// hidden namespace's stack left behind).
func TestCloseDestroysHidden(t *testing.T) {
	w := New(Options{})
	c, err := w.NewHiddenNamespace("web")
	if err != nil {
		t.Fatal(err)
	}
	wire(t, w.Host(), c, "vethabcdef0")
	hostHook, ctrHook := false, false
	w.Host().OnDestroy(func() { hostHook = true })
	c.OnDestroy(func() { ctrHook = true })
	w.Close()
	if !hostHook || !ctrHook {
		t.Fatalf("hooks at Close: host %v, hidden %v", hostHook, ctrHook)
	}
	if _, err := w.NewHiddenNamespace("late"); err == nil {
		t.Fatal("NewHiddenNamespace after Close succeeded")
	}
}

// TestDeleteWithNeighboursObserved: deleting a device whose neighbour
// table has entries while a sink observes the bus (tcpdump, --explain)
// must not deadlock: gVisor reports the removed entries synchronously
// from inside the stack's RemoveNIC.
func TestDeleteWithNeighboursObserved(t *testing.T) {
	w := New(Options{})
	defer w.Close()
	n, _ := w.AddNamespace("ns1")
	wire(t, w.Host(), n, "v1")
	if _, err := w.Host().Ping(context.Background(), netip.MustParseAddr("10.9.0.2"), time.Second); err != nil {
		t.Fatal(err)
	}
	detach := w.Bus().Attach(trace.SinkFunc(func(*trace.Event) {}))
	defer detach()
	done := make(chan error, 1)
	go func() {
		if err := n.SetLinkUp("eth0", false); err != nil {
			done <- err
			return
		}
		done <- w.Host().DelLink("v1")
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("deleting a device with neighbours deadlocked while the bus was observed")
	}
}
