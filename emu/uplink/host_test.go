package uplink

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/builtin/builtintest"
	"github.com/nsemu/nsemu/emu/emutest"
)

// testNet is the "internet" of the host uplink's tests: the gateway maps
// its TEST-NET addresses to the real loopback, so the tests reach real
// sockets without leaving the machine.
var testNet = netip.MustParsePrefix("198.51.100.0/24")

func testRealDst(a netip.Addr) (netip.Addr, error) {
	if testNet.Contains(a) {
		return loopback4, nil
	}
	return netip.Addr{}, errMartian
}

// fakeResolver is the real machine's resolver, for the gateway's DNS.
type fakeResolver map[string][]netip.Addr

func notFound(name string) error {
	return &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
}

func (f fakeResolver) LookupNetIP(_ context.Context, network, host string) ([]netip.Addr, error) {
	var out []netip.Addr
	for _, a := range f[host] {
		if (network == "ip4") == a.Is4() {
			out = append(out, a)
		}
	}
	if len(out) == 0 {
		return nil, notFound(host)
	}
	return out, nil
}

func (f fakeResolver) LookupAddr(_ context.Context, addr string) ([]string, error) {
	for name, as := range f {
		for _, a := range as {
			if a.String() == addr {
				return []string{name + "."}, nil
			}
		}
	}
	return nil, notFound(addr)
}

func (f fakeResolver) LookupCNAME(_ context.Context, host string) (string, error) {
	if _, ok := f[host]; ok {
		return host + ".", nil
	}
	return "", notFound(host)
}

func (f fakeResolver) LookupMX(_ context.Context, name string) ([]*net.MX, error) {
	if name == "mail.test" {
		return []*net.MX{{Host: "mx.mail.test.", Pref: 10}}, nil
	}
	return nil, notFound(name)
}

func (f fakeResolver) LookupTXT(_ context.Context, name string) ([]string, error) {
	if name == "broken.test" {
		return nil, &net.DNSError{Err: "server misbehaving", Name: name, IsTemporary: true}
	}
	if _, ok := f[name]; ok {
		return []string{"v=test"}, nil
	}
	return nil, notFound(name)
}

var testResolver = fakeResolver{
	"web.test": {netip.MustParseAddr("198.51.100.7"), netip.MustParseAddr("2001:db8::7")},
}

// startHost starts a host uplink with the tests' hooks.
func startHost(t *testing.T, loopback bool) (*emu.World, *Uplink, *syncBuffer) {
	t.Helper()
	w := builtintest.World(t)
	log := &syncBuffer{}
	u, err := Start(w, Spec{Mode: Host, Loopback: loopback}, Options{Log: log, Resolver: testResolver, realDst: testRealDst})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	if loopback {
		u.gw.realDst = func(a netip.Addr) (netip.Addr, error) {
			if a == GatewayAddr {
				return loopback4, nil
			}
			return testRealDst(a)
		}
	} else {
		u.gw.realDst = func(a netip.Addr) (netip.Addr, error) {
			if a == GatewayAddr {
				return netip.Addr{}, errLoopbackOff
			}
			return testRealDst(a)
		}
	}
	t.Cleanup(func() { u.Close() })
	return w, u, log
}

// realServer is an HTTP server on the real 127.0.0.1 that answers with
// the path and the client's address.
func realServer(t *testing.T) uint16 {
	t.Helper()
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, _ := net.SplitHostPort(r.RemoteAddr)
		fmt.Fprintf(w, "real %s for %s\n", r.URL.Path, host)
	})}
	done := make(chan struct{})
	go func() { srv.Serve(l); close(done) }()
	t.Cleanup(func() { srv.Close(); <-done })
	return uint16(l.Addr().(*net.TCPAddr).Port)
}

// TestHostLayout: the emulated host is set up as QEMU's user network sets
// up its guest.
func TestHostLayout(t *testing.T) {
	w, _, _ := startHost(t, false)
	out := builtintest.MustRun(t, w, nil, "ip -br addr show eth0\nip route\ncat /etc/resolv.conf\nip link show eth0\nping -c 1 10.0.2.2\nping -c 1 10.0.2.3\n")
	for _, want := range []string{
		"eth0             UP             10.0.2.15/24",
		"default via 10.0.2.2 dev eth0",
		"nameserver 10.0.2.3",
		"qdisc fq_codel state UP",
		"link/ether 52:54:00:12:34:56",
		"64 bytes from 10.0.2.2",
		"64 bytes from 10.0.2.3",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if !w.Realtime() {
		t.Error("the world's clock may warp while an uplink runs")
	}
}

// TestHostLoopback: with loopback, 10.0.2.2 is the real machine's
// 127.0.0.1, for the host and for a container behind docker0 (through
// Docker's MASQUERADE, then the uplink).
func TestHostLoopback(t *testing.T) {
	w, _, _ := startHost(t, true)
	port := realServer(t)
	out := builtintest.MustRun(t, w, nil, fmt.Sprintf(`curl -s http://10.0.2.2:%d/host
docker run --rm busybox wget -qO- http://10.0.2.2:%d/container
`, port, port))
	for _, want := range []string{"real /host for 127.0.0.1\n", "real /container for 127.0.0.1\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// TestHostLoopbackOff: without the option, 10.0.2.2 refuses, and the log
// says why (once).
func TestHostLoopbackOff(t *testing.T) {
	w, _, log := startHost(t, false)
	port := realServer(t)
	r := builtintest.Run(t, w, nil, fmt.Sprintf("curl -s -S -m 5 http://10.0.2.2:%d/\n", port))
	if r.Status != 7 || !strings.Contains(r.Err, "Couldn't connect to server") {
		t.Errorf("curl through 10.0.2.2: status %d, stderr %q; want 7, refused", r.Status, r.Err)
	}
	builtintest.Run(t, w, nil, fmt.Sprintf("curl -s -m 5 http://10.0.2.2:%d/\n", port))
	if got := strings.Count(log.String(), "only with --uplink host,loopback"); got != 1 {
		t.Errorf("the hint was logged %d times:\n%s", got, log)
	}
}

// TestHostTCP: flows to the "internet" leave from real sockets; a real
// refusal is an emulated one.
func TestHostTCP(t *testing.T) {
	w, _, _ := startHost(t, false)
	port := realServer(t)
	closed := freePort(t, "tcp")
	out := builtintest.MustRun(t, w, nil, fmt.Sprintf(`curl -s http://198.51.100.7:%d/out
! curl -s -m 5 http://198.51.100.7:%d/
`, port, closed))
	if !strings.Contains(out, "real /out for 127.0.0.1") {
		t.Errorf("output:\n%s", out)
	}
}

// TestHostUDP: a UDP flow reaches a real server and its replies come back.
func TestHostUDP(t *testing.T) {
	w, _, _ := startHost(t, false)
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	go func() {
		b := make([]byte, 1500)
		for {
			n, from, err := pc.ReadFrom(b)
			if err != nil {
				return
			}
			pc.WriteTo(append([]byte("echo "), b[:n]...), from)
		}
	}()
	port := uint16(pc.LocalAddr().(*net.UDPAddr).Port)
	c, err := w.Host().DialUDP(netip.AddrPortFrom(netip.MustParseAddr("198.51.100.9"), port))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for i := range 3 {
		msg := "hello " + strconv.Itoa(i)
		c.Write([]byte(msg))
		c.SetReadDeadline(time.Now().Add(emutest.Deadline))
		b := make([]byte, 100)
		n, err := c.Read(b)
		if err != nil || string(b[:n]) != "echo "+msg {
			t.Fatalf("reply %d: %q, %v", i, b[:n], err)
		}
	}
}

// TestHostDNS: 10.0.2.3 answers from the real machine's resolver, for the
// host, for a container on the default bridge (whose resolv.conf Docker
// copied from the host's), and for one on a user-defined network (whose
// embedded server forwards what is not a container's name).
func TestHostDNS(t *testing.T) {
	w, _, _ := startHost(t, false)
	port := realServer(t)
	out := builtintest.MustRun(t, w, nil, fmt.Sprintf(`curl -s http://web.test:%d/byname
docker run --rm busybox cat /etc/resolv.conf
docker run --rm busybox wget -qO- http://web.test:%d/container
docker network create app
docker run -d --name peer --network app busybox sleep 1000
docker run --rm --network app busybox wget -qO- http://web.test:%d/user-network
docker run --rm --network app busybox ping -c 1 peer
! docker run --rm --network app busybox wget -qO- http://nosuch.test/
`, port, port, port))
	for _, want := range []string{"real /byname for 127.0.0.1", "nameserver 10.0.2.3", "real /container for 127.0.0.1", "real /user-network for 127.0.0.1", "1 packets transmitted, 1 packets received"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	r := builtintest.Run(t, w, nil, "curl -s -S http://nosuch.test/\n")
	if r.Status != 6 || !strings.Contains(r.Err, "Could not resolve host: nosuch.test") {
		t.Errorf("curl nosuch.test: %d %q", r.Status, r.Err)
	}
}

// TestHostPing: ping leaves through an unprivileged ICMP socket when the
// system lets this process's group open one, and says why not otherwise.
func TestHostPing(t *testing.T) {
	w, _, log := startHost(t, false)
	r := builtintest.Run(t, w, nil, "ping -c 1 -W 5 198.51.100.7\n")
	if pingSocketsAllowed() {
		if r.Status != 0 || !strings.Contains(r.Out, "64 bytes from 198.51.100.7") {
			t.Errorf("ping through a ping socket: status %d\n%s%s", r.Status, r.Out, r.Err)
		}
		return
	}
	if r.Status != 1 || !strings.Contains(r.Out, "From 10.0.2.2 icmp_seq=1 Packet filtered") {
		t.Errorf("ping without ping sockets: status %d\n%s%s", r.Status, r.Out, r.Err)
	}
	if !strings.Contains(log.String(), "net.ipv4.ping_group_range") {
		t.Errorf("log lacks the hint:\n%s", log)
	}
}

// pingSocketsAllowed reports whether this process may open an ICMP
// datagram socket.
func pingSocketsAllowed() bool {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_DGRAM, syscall.IPPROTO_ICMP)
	if err != nil {
		return false
	}
	syscall.Close(fd)
	return true
}
