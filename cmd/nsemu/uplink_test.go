package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestUplinkFlags(t *testing.T) {
	cases := []struct {
		args []string
		code int
		err  string // in the output, standard or error
	}{
		{[]string{"run", "--publish", "8080:80"}, 2, "nsemu run: --publish needs --uplink"},
		{[]string{"run", "--uplink", "slirp"}, 2, `nsemu run: --uplink "slirp": want tap:NAME or host[,loopback]`},
		{[]string{"run", "--uplink", "host", "--publish", "80"}, 2, "nsemu run: --publish 80: want [ADDR:]HOST:PORT[/udp]"},
		{[]string{"shell", "--uplink", "tap:"}, 2, `nsemu shell: --uplink tap:: "" not a valid ifname`},
		{[]string{"run", "--help"}, 0, "--uplink SPEC"},
		{[]string{"shell", "--help"}, 0, "--publish [ADDR:]HOST:PORT[/udp]"},
	}
	for _, c := range cases {
		args := append([]string(nil), c.args...)
		if args[0] == "run" && c.code != 0 {
			args = append(args, writeScript(t, "true\n"))
		}
		code, out, errs := nsemu(t, "", args...)
		if code != c.code || !strings.Contains(out+errs, c.err) {
			t.Errorf("nsemu %s: exit %d, output %q; want %d, %q", strings.Join(c.args, " "), code, out+errs, c.code, c.err)
		}
	}
}

// freePortIn returns a TCP port free now in n (nil: the test's namespace).
func freePortIn(t *testing.T, n *netns) int {
	t.Helper()
	var l net.Listener
	if n == nil {
		var err error
		if l, err = net.Listen("tcp4", "127.0.0.1:0"); err != nil {
			t.Fatal(err)
		}
	} else {
		l = n.listen(t, "tcp4", "127.0.0.1:0")
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

const rootlessScript = `# $1: the real test server's port; $2: the port to publish; $3: yes when
# the test's namespace also has 198.51.100.1 and ping sockets.
docker run --rm busybox wget -qO- http://10.0.2.2:$1/via-loopback
docker run -d --name web -p $2:80 nginx
if [ "$3" = yes ]; then
  curl -s http://198.51.100.1:$1/via-host-sockets
  ping -c 1 -W 5 198.51.100.1
fi
`

// TestUplinkRootless runs nsemu run --uplink host,loopback as an
// unprivileged user: a container fetches a file from a server on the real
// 127.0.0.1, a real HTTP client fetches the emulated nginx through its
// published port, and SIGTERM ends it all. As root, the test runs nsemu as
// nobody in a namespace of its own, where 198.51.100.1 is an address of
// the real kernel and ping sockets are allowed: the emulated host reaches
// it, and pings it, through ordinary sockets.
func TestUplinkRootless(t *testing.T) {
	dir, bin := workDir(t, map[string]string{"up.sh": rootlessScript})
	var n *netns
	argv := []string{bin}
	world := "no"
	if os.Geteuid() == 0 {
		needs(t, true, "ip", "setpriv")
		n = newNetns(t)
		n.ip(t, "addr", "add", "198.51.100.1/32", "dev", "lo")
		if out, err := n.exec("sysctl", "-qw", "net.ipv4.ping_group_range=0 2147483647"); err != nil {
			t.Fatalf("sysctl: %v\n%s", err, out)
		}
		argv = []string{"ip", "netns", "exec", n.name, "setpriv", "--reuid=" + nobody, "--regid=" + nobody, "--clear-groups", bin}
		world = "yes"
	}
	var l net.Listener
	if n != nil {
		l = n.listen(t, "tcp4", "0.0.0.0:0")
	} else {
		var err error
		if l, err = net.Listen("tcp4", "127.0.0.1:0"); err != nil {
			t.Fatal(err)
		}
	}
	serve(t, l)
	port, pub := l.Addr().(*net.TCPAddr).Port, freePortIn(t, n)
	p := start(t, dir, append(argv, "run", "--uplink", "host,loopback", "--keep", "up.sh", fmt.Sprint(port), fmt.Sprint(pub), world)...)
	p.waitOutput(t, "keeps running")
	if n != nil {
		p.runsAs(t, nobody)
	}
	out := p.out.String()
	for _, want := range []string{"hello 127.0.0.1 /via-loopback\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s\nstderr:\n%s", want, out, p.err.String())
		}
	}
	if world == "yes" {
		for _, want := range []string{"hello 198.51.100.1 /via-host-sockets\n", "64 bytes from 198.51.100.1: icmp_seq=1"} {
			if !strings.Contains(out, want) {
				t.Errorf("stdout lacks %q:\n%s\nstderr:\n%s", want, out, p.err.String())
			}
		}
	}
	url := fmt.Sprintf("http://127.0.0.1:%d/", pub)
	if body, err := n.get(url); err != nil || !strings.Contains(body, "Welcome to nginx!") {
		t.Errorf("GET %s on the real machine: %v\n%s", url, err, body)
	}
	p.term(t)
	if _, err := n.get(url); err == nil {
		t.Errorf("%s still answers after nsemu ended", url)
	}
}

// TestUplinkShell: nsemu shell --uplink --publish serves the emulated
// host's own nginx (run with --network host) on a real port, and ends
// cleanly on SIGTERM while it waits at the prompt.
func TestUplinkShell(t *testing.T) {
	dir, bin := workDir(t, nil)
	var n *netns
	argv := []string{bin}
	if os.Geteuid() == 0 {
		needs(t, true, "ip", "setpriv")
		n = newNetns(t)
		argv = []string{"ip", "netns", "exec", n.name, "setpriv", "--reuid=" + nobody, "--regid=" + nobody, "--clear-groups", bin}
	}
	pub := freePortIn(t, n)
	p := start(t, dir, append(argv, "shell", "--uplink", "host", "--publish", fmt.Sprintf("%d:80", pub))...)
	fmt.Fprintf(p.stdin, "docker run -d --network host --name web nginx\necho started\n")
	p.waitOutput(t, "started")
	if n != nil {
		p.runsAs(t, nobody)
	}
	url := fmt.Sprintf("http://127.0.0.1:%d/", pub)
	if body, err := n.get(url); err != nil || !strings.Contains(body, "Welcome to nginx!") {
		t.Errorf("GET %s: %v\n%s", url, err, body)
	}
	if want := fmt.Sprintf("nsemu: uplink: 127.0.0.1:%d/tcp on the real machine → the emulated host's port 80", pub); !strings.Contains(p.err.String(), want) {
		t.Errorf("stderr lacks %q:\n%s", want, p.err.String())
	}
	p.term(t)
	if _, err := n.get(url); err == nil {
		t.Errorf("%s still answers after nsemu ended", url)
	}
}

const tapScript = `# $1: the kernel's server port; $2: the port to publish.
ip addr add 192.0.2.2/24 dev eth0
ip link set eth0 up
ip route add default via 192.0.2.1
docker run -d --name web -p $2:80 nginx
docker run --rm busybox wget -qO- http://192.0.2.1:$1/from-a-container
`

// TestUplinkTAP runs nsemu run --uplink tap:tap0 as an unprivileged user,
// in a namespace the test made, on a persistent TAP device root made for
// that user: the kernel pings the emulated host, fetches the emulated
// nginx through its published port (on the TAP's address, and on the
// real 127.0.0.1), and an emulated container fetches from a server on the
// kernel's side, which sees the emulated host's address (Docker's
// MASQUERADE). /dev/net/tun is mode 0600 on some machines: the test binds
// a 0666 node of its own over it, in `ip netns exec`'s private mounts.
func TestUplinkTAP(t *testing.T) {
	needs(t, true, "ip", "setpriv", "ping", "mount", "mknod", "/dev/net/tun")
	dir, bin := workDir(t, map[string]string{"tap.sh": tapScript})
	n := newNetns(t)
	n.ip(t, "tuntap", "add", "tap0", "mode", "tap", "user", nobody)
	n.ip(t, "addr", "add", "192.0.2.1/24", "dev", "tap0")
	n.ip(t, "link", "set", "tap0", "up")
	tun := filepath.Join(dir, "tun")
	sh(t, "mknod", "-m", "0666", tun, "c", "10", "200")
	l := n.listen(t, "tcp4", "192.0.2.1:0")
	serve(t, l)
	port, pub := l.Addr().(*net.TCPAddr).Port, freePortIn(t, n)

	p := start(t, dir, "ip", "netns", "exec", n.name, "sh", "-c", `mount --bind "$0" /dev/net/tun && exec "$@"`, tun,
		"setpriv", "--reuid="+nobody, "--regid="+nobody, "--clear-groups", bin,
		"run", "--uplink", "tap:tap0", "--keep", "tap.sh", fmt.Sprint(port), fmt.Sprint(pub))
	p.waitOutput(t, "keeps running")
	p.runsAs(t, nobody)
	// Standard output is a pipe of its own, copied by its own goroutine:
	// its last line may come after stderr's "keeps running".
	p.waitOutput(t, "hello 192.0.2.2 /from-a-container\n")
	if out, err := n.exec("ping", "-c", "1", "-W", "5", "192.0.2.2"); err != nil {
		t.Errorf("the kernel pinging the emulated host: %v\n%s", err, out)
	}
	for _, url := range []string{fmt.Sprintf("http://192.0.2.2:%d/", pub), fmt.Sprintf("http://127.0.0.1:%d/", pub)} {
		if body, err := n.get(url); err != nil || !strings.Contains(body, "Welcome to nginx!") {
			t.Errorf("the kernel fetching %s: %v\n%s", url, err, body)
		}
	}
	p.term(t)
	// The user's TAP stays, without carrier now that nsemu let it go.
	if out, err := exec.Command("ip", "-n", n.name, "link", "show", "tap0").CombinedOutput(); err != nil || !strings.Contains(string(out), "NO-CARRIER") {
		t.Errorf("tap0 after nsemu ended: %v\n%s", err, out)
	}
}

// TestUplinkTAPCreated: as root, nsemu creates a missing TAP device, and
// it goes when nsemu ends.
func TestUplinkTAPCreated(t *testing.T) {
	needs(t, true, "ip", "/dev/net/tun")
	dir, bin := workDir(t, map[string]string{"up.sh": "ip link show eth0\n"})
	n := newNetns(t)
	p := start(t, dir, "ip", "netns", "exec", n.name, bin, "run", "--uplink", "tap:nsemu-new", "up.sh")
	<-p.done
	if p.code != 0 || !strings.Contains(p.err.String(), "created TAP device nsemu-new") {
		t.Fatalf("status %d\nstdout:\n%s\nstderr:\n%s", p.code, p.out.String(), p.err.String())
	}
	if out, err := exec.Command("ip", "-n", n.name, "link", "show", "nsemu-new").CombinedOutput(); err == nil {
		t.Errorf("the TAP nsemu created outlived it:\n%s", out)
	}
}
