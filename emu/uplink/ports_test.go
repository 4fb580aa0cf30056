package uplink

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/builtin/builtintest"
	"github.com/nsemu/nsemu/emu/emutest"
)

// emulatedHTTP serves HTTP in the emulated host on port.
func emulatedHTTP(t *testing.T, w *emu.World, port uint16) {
	t.Helper()
	l, err := w.Host().ListenTCP(netip.AddrPortFrom(netip.IPv4Unspecified(), port))
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(rw, "emulated %s from %s\n", r.URL.Path, r.RemoteAddr)
	})}
	done := make(chan struct{})
	go func() { srv.Serve(l); close(done) }()
	t.Cleanup(func() { srv.Close(); <-done })
}

// TestPublish: --publish makes a real port reach the emulated host's own
// service, TCP and UDP; closing the uplink closes them.
func TestPublish(t *testing.T) {
	w, u, log := startHost(t, false)
	emulatedHTTP(t, w, 9000)
	tcpPort := freePort(t, "tcp")
	if err := u.Publish(Publish{Proto: "tcp", RealPort: tcpPort, Port: 9000}); err != nil {
		t.Fatal(err)
	}
	if got := realGet(t, fmt.Sprintf("http://127.0.0.1:%d/x", tcpPort)); !strings.HasPrefix(got, "emulated /x from 127.0.0.1:") {
		t.Errorf("GET through --publish: %q", got)
	}
	if want := fmt.Sprintf("127.0.0.1:%d/tcp on the real machine → the emulated host's port 9000 (--publish %d:9000)", tcpPort, tcpPort); !strings.Contains(log.String(), want) {
		t.Errorf("log lacks %q:\n%s", want, log)
	}

	echo, err := w.Host().ListenUDP(netip.AddrPortFrom(netip.IPv4Unspecified(), 9001))
	if err != nil {
		t.Fatal(err)
	}
	defer echo.Close()
	go func() {
		b := make([]byte, 1500)
		for {
			n, from, err := echo.ReadFrom(b)
			if err != nil {
				return
			}
			echo.WriteTo(append([]byte("echo "), b[:n]...), from)
		}
	}()
	udpPort := freePort(t, "udp")
	if err := u.Publish(Publish{Proto: "udp", RealPort: udpPort, Port: 9001}); err != nil {
		t.Fatal(err)
	}
	c, err := net.Dial("udp4", fmt.Sprintf("127.0.0.1:%d", udpPort))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Write([]byte("hi"))
	c.SetReadDeadline(time.Now().Add(emutest.Deadline))
	b := make([]byte, 100)
	if n, err := c.Read(b); err != nil || string(b[:n]) != "echo hi" {
		t.Errorf("UDP through --publish: %q, %v", b[:n], err)
	}

	u.Close()
	if !closedPort(tcpPort) {
		t.Errorf("127.0.0.1:%d still listens after Close", tcpPort)
	}
	if err := u.Publish(Publish{Proto: "tcp", RealPort: tcpPort, Port: 9000}); err != nil {
		t.Errorf("Publish after Close: %v", err)
	}
}

// TestDockerPublish: docker run -p listens on the real machine, on
// 127.0.0.1 unless -p names an address; removing the container closes it.
func TestDockerPublish(t *testing.T) {
	w, _, log := startHost(t, false)
	p1, p2, p3 := freePort(t, "tcp"), freePort(t, "tcp"), freePort(t, "tcp")
	builtintest.MustRun(t, w, nil, fmt.Sprintf(`docker run -d --name web -p %d:80 nginx
docker run -d --name web2 -p 0.0.0.0:%d:80 nginx
docker run -d --name web3 -p 10.0.2.15:%d:80 nginx
`, p1, p2, p3))
	for _, p := range []uint16{p1, p2, p3} {
		if got := realGet(t, fmt.Sprintf("http://127.0.0.1:%d/", p)); !strings.Contains(got, "Welcome to nginx!") {
			t.Errorf("GET 127.0.0.1:%d: %q", p, got)
		}
	}
	for _, want := range []string{
		fmt.Sprintf("127.0.0.1:%d/tcp on the real machine → docker run -p %d:80 (web)", p1, p1),
		fmt.Sprintf("0.0.0.0:%d/tcp on the real machine → docker run -p 0.0.0.0:%d:80 (web2)", p2, p2),
		fmt.Sprintf("10.0.2.15 is not an address of the real machine: docker run -p 10.0.2.15:%d:80 (web3) listens on 127.0.0.1", p3),
	} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
	out := builtintest.MustRun(t, w, nil, "docker logs web\n")
	if !strings.Contains(out, `172.17.0.1 - - `) || !strings.Contains(out, `"GET / HTTP/1.1" 200`) {
		t.Errorf("nginx's log:\n%s", out)
	}
	builtintest.MustRun(t, w, nil, "docker rm -f web web2 web3\n")
	if !closedPort(p1) || !closedPort(p2) || !closedPort(p3) {
		t.Error("the real ports still listen after docker rm")
	}
}

// TestDockerPublishTaken: a port the real machine has taken fails docker
// run, as Docker's own userland proxy would, and publishes nothing.
func TestDockerPublishTaken(t *testing.T) {
	w, _, _ := startHost(t, false)
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	r := builtintest.Run(t, w, nil, fmt.Sprintf("docker run -d --name web -p %d:80 nginx\n", port))
	want := fmt.Sprintf("Error starting userland proxy: listen tcp4 127.0.0.1:%d: bind: address already in use (port %d of the real machine is taken)", port, port)
	if r.Status != 125 || !strings.Contains(r.Err, want) {
		t.Errorf("status %d, stderr:\n%s\nwant 125 and %q", r.Status, r.Err, want)
	}
	if out := builtintest.MustRun(t, w, nil, "iptables -t nat -S DOCKER\n"); strings.Contains(out, fmt.Sprint(port)) {
		t.Errorf("the failed run left its rules:\n%s", out)
	}
}

// TestPublishOtherNamespace: a Docker engine in another namespace is
// another machine: its ports stay inside the emulation.
func TestPublishOtherNamespace(t *testing.T) {
	w, _, _ := startHost(t, false)
	port := freePort(t, "tcp")
	builtintest.MustRun(t, w, nil, fmt.Sprintf("ip netns add node2\nip netns exec node2 docker run -d -p %d:80 nginx\n", port))
	if !closedPort(port) {
		t.Errorf("node2's port %d listens on the real machine", port)
	}
}

// TestWorldCloseReleases: closing the world without closing the uplink
// releases the real ports too.
func TestWorldCloseReleases(t *testing.T) {
	w := emu.New(emu.Options{})
	u, err := Start(w, Spec{Mode: Host}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	port := freePort(t, "tcp")
	if err := u.Publish(Publish{Proto: "tcp", RealPort: port, Port: 80}); err != nil {
		t.Fatal(err)
	}
	if closedPort(port) {
		t.Fatal("--publish does not listen")
	}
	w.Close()
	if !closedPort(port) {
		t.Error("the real port still listens after the world closed")
	}
}
