package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nsemu/nsemu/emu/emutest"
)

// freeUDPPort returns a UDP port of 127.0.0.1 free now.
func freeUDPPort(t *testing.T) int {
	t.Helper()
	c, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port
}

// overlayScript joins a container of an nsemu process to a VXLAN segment
// whose underlay is the real network, through the host uplink: VXLAN
// datagrams to 10.0.2.2:$1 reach the real 127.0.0.1:$1, where the peer
// process publishes its port 4789. $2 is the container's address, $3 the
// peer's, $4 this side's Docker gateway (the two must differ: one L2
// segment).
const overlayScript = `ip link add vx0 type vxlan id 42 dstport 4789 dev eth0 nolearning
bridge fdb append 00:00:00:00:00:00 dev vx0 dst 10.0.2.2 port $1
docker network create --subnet 10.42.0.0/24 --gateway $4 overlay >/dev/null
br=$(ip -o link show type bridge | awk -F': ' '/br-/ {print $2}')
ip link set vx0 master $br
ip link set vx0 up
docker run -d --name c --network overlay --ip $2 busybox sleep 3600 >/dev/null
docker exec c ip link set eth0 mtu 1450
until docker exec c ping -c 1 -W 1 $3 >/dev/null; do sleep 0.2; done
docker exec c ping -c 2 $3
echo overlay-ok
`

// TestVxlanAcrossProcesses runs two nsemu processes on this machine, each
// with a host uplink and its VXLAN port published on 127.0.0.1: their
// containers, one on each, ping each other over one L2 segment.
func TestVxlanAcrossProcesses(t *testing.T) {
	dir, bin := workDir(t, map[string]string{"overlay.sh": overlayScript})
	pa, pb := freeUDPPort(t), freeUDPPort(t)
	if pa == pb {
		t.Skip("the same free port twice")
	}
	a := start(t, dir, bin, "run", "--uplink", "host,loopback", "--publish", fmt.Sprintf("%d:4789/udp", pa), "--keep",
		"overlay.sh", fmt.Sprint(pb), "10.42.0.2", "10.42.0.3", "10.42.0.1")
	b := start(t, dir, bin, "run", "--uplink", "host,loopback", "--publish", fmt.Sprintf("%d:4789/udp", pb), "--keep",
		"overlay.sh", fmt.Sprint(pa), "10.42.0.3", "10.42.0.2", "10.42.0.254")
	a.waitOutput(t, "overlay-ok")
	b.waitOutput(t, "overlay-ok")
	for _, p := range []*proc{a, b} {
		if out := p.out.String(); !strings.Contains(out, "2 packets transmitted, 2 packets received") {
			t.Errorf("a container's ping across the processes:\n%s\nstderr:\n%s", out, p.err.String())
		}
	}
	a.term(t)
	b.term(t)
}

// kernelPeerScript gives the emulated host 192.0.2.2 on a TAP uplink and a
// VXLAN device (VNI 77, port 4789) towards the real kernel's 192.0.2.1,
// bridged with a Docker network whose container is 10.77.0.2.
const kernelPeerScript = `ip addr add 192.0.2.2/24 dev eth0
ip link set eth0 up
ip link add vx0 type vxlan id 77 dstport 4789 dev eth0 remote 192.0.2.1
docker network create --subnet 10.77.0.0/24 --gateway 10.77.0.254 overlay >/dev/null
br=$(ip -o link show type bridge | awk -F': ' '/br-/ {print $2}')
ip link set vx0 master $br
ip link set vx0 up
docker run -d --name c --network overlay --ip 10.77.0.2 busybox sleep 3600 >/dev/null
docker exec c ip link set eth0 mtu 1450
echo overlay-ready
until docker exec c ping -c 1 -W 1 10.77.0.1 >/dev/null; do sleep 0.2; done
echo kernel-reached
`

// TestVxlanKernelPeer: a Linux kernel vxlan device, in a network namespace
// the test made, and an emulated container exchange pings over VXLAN,
// through a TAP uplink that nsemu creates in that namespace.
func TestVxlanKernelPeer(t *testing.T) {
	needs(t, true, "ip", "ping")
	n := newNetns(t)
	dir, bin := workDir(t, map[string]string{"peer.sh": kernelPeerScript})
	p := start(t, dir, "ip", "netns", "exec", n.name, bin, "run", "--uplink", "tap:vxtap0", "--keep", "peer.sh")
	p.waitOutput(t, "overlay-ready")
	n.ip(t, "addr", "add", "192.0.2.1/24", "dev", "vxtap0")
	n.ip(t, "link", "set", "vxtap0", "up")
	n.ip(t, "link", "add", "vxk", "type", "vxlan", "id", "77", "dstport", "4789", "local", "192.0.2.1", "remote", "192.0.2.2", "dev", "vxtap0")
	n.ip(t, "addr", "add", "10.77.0.1/24", "dev", "vxk")
	n.ip(t, "link", "set", "vxk", "up")
	p.waitOutput(t, "kernel-reached")
	var out string
	ok := emutest.Eventually(func() bool {
		var err error
		out, err = n.exec("ping", "-c", "2", "-W", "2", "10.77.0.2")
		return err == nil
	})
	if !ok {
		t.Fatalf("the kernel's ping of the emulated container over VXLAN:\n%s\nnsemu's stderr:\n%s", out, p.err.String())
	}
	if !strings.Contains(out, "2 received") {
		t.Errorf("kernel ping: %s", out)
	}
	p.term(t)
}

// TestVxlanPcapTshark captures scenario 030 at node1's eth0 and checks
// that tshark decodes the outer IP/UDP/VXLAN and the inner frame.
func TestVxlanPcapTshark(t *testing.T) {
	needs(t, false, "tshark")
	pcap := filepath.Join(t.TempDir(), "overlay.pcapng")
	code, out, errs := nsemu(t, "", "run", "--pcap", pcap, "--capture", "node1/eth0",
		"../../scenarios/030-vxlan-cross-host-bridge.sh")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	got, err := exec.Command("tshark", "-r", pcap, "-Y", "vxlan && icmp",
		"-T", "fields", "-E", "separator=|", "-e", "frame.interface_name", "-e", "udp.dstport",
		"-e", "vxlan.vni", "-e", "ip.src", "-e", "ip.dst", "-e", "icmp.type").CombinedOutput()
	if err != nil {
		t.Fatalf("tshark: %v\n%s", err, got)
	}
	want := "node1/eth0|4789|100|192.168.56.11,10.0.0.1|192.168.56.12,10.0.0.2|8"
	if !strings.Contains(string(got), want) {
		t.Errorf("tshark's fields lack %q (interface, UDP port, VNI, outer,inner source, destination, ICMP type):\n%s", want, got)
	}
}

// configMapScript returns the body of a "NAME: |" block of the ConfigMap in
// scenarios/k8s/nsemu-shards.yaml (its lines indented by four spaces).
func configMapScript(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("../../scenarios/k8s/nsemu-shards.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	in := false
	for _, line := range strings.Split(string(b), "\n") {
		switch {
		case line == "  "+name+": |":
			in = true
		case in && (strings.HasPrefix(line, "    ") || line == ""):
			out = append(out, strings.TrimPrefix(line, "    "))
		case in:
			return strings.Join(out, "\n")
		}
	}
	t.Fatalf("no %s in the manifest", name)
	return ""
}

// TestK8sShardScript runs the Kubernetes example's shard script as three
// nsemu processes, as the StatefulSet's pods would: each in the test's
// network namespace with a pod address of its own (198.51.100.N on lo),
// its VXLAN port published there, the others' addresses as arguments.
// Every shard's container reaches the first container of every other.
func TestK8sShardScript(t *testing.T) {
	needs(t, true, "ip")
	n := newNetns(t)
	dir, bin := workDir(t, map[string]string{"shard.sh": configMapScript(t, "shard.sh")})
	pod := func(i int) string { return fmt.Sprintf("198.51.100.%d", i+1) }
	var procs []*proc
	for i := 0; i < 3; i++ {
		n.ip(t, "addr", "add", pod(i)+"/32", "dev", "lo")
	}
	for i := 0; i < 3; i++ {
		argv := []string{"ip", "netns", "exec", n.name, bin, "run", "--uplink", "host",
			"--publish", pod(i) + ":4789:4789/udp", "--keep", "shard.sh", fmt.Sprint(i), "1450", "3"}
		for j := 0; j < 3; j++ {
			if j != i {
				argv = append(argv, pod(j))
			}
		}
		procs = append(procs, start(t, dir, argv...))
	}
	for i, p := range procs {
		others := []string{}
		for j := 0; j < 3; j++ {
			if j != i {
				others = append(others, fmt.Sprintf("10.42.%d.1", j))
			}
		}
		p.waitOutput(t, fmt.Sprintf("shard %d: reached %s", i, strings.Join(others, " ")))
		// The script's last line printed, but may not have returned yet:
		// a SIGTERM then interrupts it (status 2).
		p.waitOutput(t, "done; the world keeps running")
	}
	for _, p := range procs {
		p.term(t)
	}
}
