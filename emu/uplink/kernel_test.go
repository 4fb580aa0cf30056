package uplink

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"testing"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/adapters/gonet"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/link/fdbased"
	"gvisor.dev/gvisor/pkg/tcpip/network/arp"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	gstack "gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/tcpip/transport/icmp"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
	"gvisor.dev/gvisor/pkg/tcpip/transport/udp"

	"github.com/nsemu/nsemu/emu/builtin/builtintest"
)

// kernel is a stand-in for the real kernel on the far side of a fake TAP:
// a gVisor stack of its own on the socket pair's peer end, with
// 192.0.2.1/24. Tests that need the real kernel run in cmd/nsemu.
type kernel struct {
	s *gstack.Stack
}

func newKernel(t testing.TB, f *fakeTAP) *kernel {
	t.Helper()
	s := gstack.New(gstack.Options{
		NetworkProtocols:   []gstack.NetworkProtocolFactory{ipv4.NewProtocol, arp.NewProtocol},
		TransportProtocols: []gstack.TransportProtocolFactory{tcp.NewProtocol, udp.NewProtocol, icmp.NewProtocol4},
	})
	link, err := fdbased.New(&fdbased.Options{FDs: []int{int(f.peer.Fd())}, MTU: 1500, EthernetHeader: true, Address: testSrcMAC})
	if err != nil {
		t.Fatalf("fdbased.New: %v", err)
	}
	if err := s.CreateNIC(1, link); err != nil {
		t.Fatalf("CreateNIC: %s", err)
	}
	pa := tcpip.ProtocolAddress{Protocol: ipv4.ProtocolNumber, AddressWithPrefix: tcpip.AddressWithPrefix{Address: testSrcIP, PrefixLen: 24}}
	if err := s.AddProtocolAddress(1, pa, gstack.AddressProperties{}); err != nil {
		t.Fatalf("AddProtocolAddress: %s", err)
	}
	s.SetRouteTable([]tcpip.Route{{Destination: header.IPv4EmptySubnet, NIC: 1}})
	k := &kernel{s: s}
	t.Cleanup(func() {
		s.Close()
		s.Wait()
		s.Destroy()
	})
	return k
}

// serve answers HTTP on 192.0.2.1:port with the client's address.
func (k *kernel) serve(t *testing.T, port uint16) {
	t.Helper()
	l, err := gonet.ListenTCP(k.s, tcpip.FullAddress{NIC: 1, Addr: testSrcIP, Port: port}, ipv4.ProtocolNumber)
	if err != nil {
		t.Fatalf("ListenTCP: %v", err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, _ := net.SplitHostPort(r.RemoteAddr)
		fmt.Fprintf(w, "hello %s\n", host)
	})}
	done := make(chan struct{})
	go func() { srv.Serve(l); close(done) }()
	t.Cleanup(func() { srv.Close(); <-done })
}

// get fetches url through the kernel's stack.
func (k *kernel) get(t *testing.T, url string) string {
	t.Helper()
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true, DialContext: func(ctx context.Context, _, addr string) (net.Conn, error) {
		ap, err := netip.ParseAddrPort(addr)
		if err != nil {
			return nil, err
		}
		return gonet.DialContextTCP(ctx, k.s, tcpip.FullAddress{NIC: 1, Addr: tcpip.AddrFrom4(ap.Addr().As4()), Port: ap.Port()}, ipv4.ProtocolNumber)
	}}}
	resp, err := c.Get(url)
	if err != nil {
		t.Fatalf("GET %s from the kernel's side: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// TestTAPKernel runs the tutorial's chain through a TAP: a container
// behind docker0 fetches from a server on the kernel's side, which sees
// the emulated host's address (Docker's MASQUERADE), and the kernel's
// side fetches the emulated nginx through its published port.
func TestTAPKernel(t *testing.T) {
	w, _, f, _ := startTAP(t)
	k := newKernel(t, f)
	k.serve(t, 80)
	port := freePort(t, "tcp")
	out := builtintest.MustRun(t, w, nil, fmt.Sprintf(`ip route add default via 192.0.2.1
docker run --rm busybox wget -qO- http://192.0.2.1/
docker run -d --name web -p %d:80 nginx
`, port))
	if !strings.Contains(out, "hello 192.0.2.2\n") {
		t.Errorf("the container's fetch through the TAP:\n%s", out)
	}
	if got := k.get(t, fmt.Sprintf("http://192.0.2.2:%d/", port)); !strings.Contains(got, "Welcome to nginx!") {
		t.Errorf("the kernel's side fetching the published port:\n%s", got)
	}
	if got := realGet(t, fmt.Sprintf("http://127.0.0.1:%d/", port)); !strings.Contains(got, "Welcome to nginx!") {
		t.Errorf("the real machine's loopback fetching the published port:\n%s", got)
	}
}
