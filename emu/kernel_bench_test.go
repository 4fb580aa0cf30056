package emu

// Real-kernel counterparts of BenchmarkTCPThroughput and BenchmarkPing: the
// same topology (two namespaces on a bridge, 192.168.28.1 and .2, MTU 1500)
// built with Linux network namespaces, veths and a bridge, so that
//
//	go test -run XXX -bench 'TCPThroughput|Ping' ./emu/
//
// prints nsemu's and the kernel's figures side by side, in the same units.
// They need root and iproute2, and skip otherwise.
//
// Everything they make lives in three namespaces of their own
// (nsemu-bench-{a,b,br}-<pid>): the bridge sits in the third, and no device
// of the host's namespace is touched. Traffic goes only between 192.168.28.1
// and 192.168.28.2 inside them. b.Cleanup deletes the namespaces, which
// removes every device in them, also when a benchmark fails.

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

const (
	kernelAddrA = "192.168.28.1"
	kernelAddrB = "192.168.28.2"
)

// kernelTopo is two namespaces, a and b, each with an eth0 whose veth peer
// is a port of bridge br0 in a third namespace, br.
type kernelTopo struct {
	a, b, br string
}

// newKernelTopo builds the topology, or skips b when it cannot.
func newKernelTopo(b *testing.B) *kernelTopo {
	b.Helper()
	if runtime.GOOS != "linux" {
		b.Skip("kernel benchmarks need Linux network namespaces")
	}
	if os.Geteuid() != 0 {
		b.Skip("kernel benchmarks need root (they create network namespaces)")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		b.Skip("kernel benchmarks need the ip command (iproute2)")
	}
	pid := os.Getpid()
	t := &kernelTopo{
		a:  fmt.Sprintf("nsemu-bench-a-%d", pid),
		b:  fmt.Sprintf("nsemu-bench-b-%d", pid),
		br: fmt.Sprintf("nsemu-bench-br-%d", pid),
	}
	for _, ns := range []string{t.br, t.a, t.b} {
		if out, err := exec.Command("ip", "netns", "add", ns).CombinedOutput(); err != nil {
			b.Skipf("kernel benchmarks: ip netns add %s: %v: %s", ns, err, bytes.TrimSpace(out))
		}
		b.Cleanup(func() {
			if out, err := exec.Command("ip", "netns", "del", ns).CombinedOutput(); err != nil {
				b.Errorf("ip netns del %s: %v: %s", ns, err, bytes.TrimSpace(out))
			}
		})
	}
	// Every command names one of our namespaces (ip -n), never the host's.
	cmds := [][]string{
		{"-n", t.br, "link", "add", "br0", "type", "bridge"},
		{"-n", t.br, "link", "set", "br0", "up"},
	}
	for _, h := range []struct{ ns, port, addr string }{{t.a, "veth-a", kernelAddrA}, {t.b, "veth-b", kernelAddrB}} {
		cmds = append(cmds,
			[]string{"-n", h.ns, "link", "add", "eth0", "mtu", "1500", "type", "veth", "peer", "name", h.port, "mtu", "1500", "netns", t.br},
			[]string{"-n", t.br, "link", "set", h.port, "master", "br0"},
			[]string{"-n", t.br, "link", "set", h.port, "up"},
			[]string{"-n", h.ns, "addr", "add", h.addr + "/24", "dev", "eth0"},
			[]string{"-n", h.ns, "link", "set", "lo", "up"},
			[]string{"-n", h.ns, "link", "set", "eth0", "up"},
		)
	}
	for _, c := range cmds {
		if err := runIP(c...); err != nil {
			b.Fatal(err)
		}
	}
	return t
}

// runIP runs ip with args; errors carry its output.
func runIP(args ...string) error {
	out, err := exec.Command("ip", args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("ip %s: %v: %s", strings.Join(args, " "), err, bytes.TrimSpace(out))
	}
	return nil
}

// setOffloads turns TSO and GSO (and GRO) on or off on both veths of a
// and b, with ethtool. Off, TCP sends one MSS per packet and real
// 1500-byte frames cross the bridge, as in BenchmarkTCPThroughput/mtu-frames.
// (Capping gso_max_segs at 1 with ip instead is no substitute: it makes the
// kernel's TCP crawl, at a fifteenth of the rate.)
func (t *kernelTopo) setOffloads(on bool) error {
	state := map[bool]string{true: "on", false: "off"}[on]
	args := []string{"tso", state, "gso", state}
	if !on {
		args = append(args, "gro", "off")
	}
	for _, d := range [][2]string{{t.a, "eth0"}, {t.b, "eth0"}, {t.br, "veth-a"}, {t.br, "veth-b"}} {
		c := append([]string{"netns", "exec", d[0], "ethtool", "-K", d[1]}, args...)
		if err := runIP(c...); err != nil {
			return err
		}
	}
	return nil
}

// inNetns runs f on an OS thread moved into the named namespace: sockets f
// creates stay in that namespace, wherever they are used later. The thread
// is moved back before it is unlocked; if that fails it stays locked, and Go
// ends it with its goroutine, so no other code ever runs in the wrong
// namespace.
func inNetns(name string, f func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		orig, err := os.Open("/proc/thread-self/ns/net")
		if err != nil {
			runtime.UnlockOSThread()
			errc <- err
			return
		}
		defer orig.Close()
		target, err := os.Open("/run/netns/" + name)
		if err != nil {
			runtime.UnlockOSThread()
			errc <- err
			return
		}
		defer target.Close()
		if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
			runtime.UnlockOSThread()
			errc <- fmt.Errorf("setns %s: %w", name, err)
			return
		}
		ferr := f()
		if err := unix.Setns(int(orig.Fd()), unix.CLONE_NEWNET); err != nil {
			errc <- errors.Join(ferr, fmt.Errorf("setns back from %s: %w", name, err))
			return // the thread stays locked and dies with this goroutine
		}
		runtime.UnlockOSThread()
		errc <- ferr
	}()
	return <-errc
}

// BenchmarkKernelTCPThroughput is BenchmarkTCPThroughput on the real
// kernel: TCP from a to b through a Linux bridge, MTU 1500, in Gbit/s.
// "gso" keeps the veths' offloads (TSO/GSO: 64 KB segments cross the
// bridge whole, as nsemu's gso); "mtu-frames" turns them off with ethtool
// (skipped without it), so every frame is at most 1514 bytes. Checksum
// offload stays on in both: the kernel's veths never compute checksums.
func BenchmarkKernelTCPThroughput(b *testing.B) {
	t := newKernelTopo(b)
	for _, gso := range []bool{true, false} {
		b.Run(map[bool]string{true: "gso", false: "mtu-frames"}[gso], func(b *testing.B) {
			if _, err := exec.LookPath("ethtool"); err != nil {
				if !gso {
					b.Skip("mtu-frames needs ethtool to turn the veths' offloads off")
				}
			} else if err := t.setOffloads(gso); err != nil {
				b.Fatal(err)
			}
			kernelTCP(b, t)
		})
	}
}

func kernelTCP(b *testing.B, t *kernelTopo) {
	var l net.Listener
	if err := inNetns(t.b, func() (err error) {
		l, err = net.Listen("tcp4", kernelAddrB+":5001")
		return err
	}); err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	got := make(chan int64, 1)
	go func() {
		s, err := l.Accept()
		if err != nil {
			got <- -1
			return
		}
		// 128 KiB reads, as iperf3 makes them: io.Copy to io.Discard would
		// read 8 KiB at a time and measure system calls.
		var n int64
		buf := make([]byte, 128<<10)
		for {
			k, err := s.Read(buf)
			n += int64(k)
			if err != nil {
				break
			}
		}
		s.Close()
		got <- n
	}()
	var conn net.Conn
	if err := inNetns(t.a, func() (err error) {
		d := net.Dialer{Timeout: 5 * time.Second}
		conn, err = d.DialContext(context.Background(), "tcp4", kernelAddrB+":5001")
		return err
	}); err != nil {
		l.Close()
		<-got
		b.Fatal(err)
	}
	buf := make([]byte, 1<<20)
	b.SetBytes(int64(len(buf)))
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if _, err := conn.Write(buf); err != nil {
			conn.Close()
			<-got
			b.Fatal(err)
		}
	}
	_ = conn.(*net.TCPConn).CloseWrite()
	n := <-got
	el := time.Since(start)
	b.StopTimer()
	conn.Close()
	if n != int64(b.N)*int64(len(buf)) {
		b.Fatalf("received %d bytes, sent %d", n, int64(b.N)*int64(len(buf)))
	}
	b.ReportMetric(float64(n)*8/el.Seconds()/1e9, "Gbit/s")
}

// BenchmarkKernelPing is BenchmarkPing on the real kernel: the ICMP echo
// round trip from a to b through a Linux bridge, 56 data bytes as ping
// sends, in µs. It uses a raw ICMP socket in a (root only, as the
// benchmark is).
func BenchmarkKernelPing(b *testing.B) {
	t := newKernelTopo(b)
	var pc net.PacketConn
	if err := inNetns(t.a, func() (err error) {
		pc, err = net.ListenPacket("ip4:icmp", kernelAddrA)
		return err
	}); err != nil {
		b.Fatal(err)
	}
	defer pc.Close()
	dst := &net.IPAddr{IP: net.ParseIP(kernelAddrB)}
	id := uint16(os.Getpid())
	msg := make([]byte, 8+56)
	reply := make([]byte, 1500)
	ping := func(seq uint16) error {
		msg[0], msg[1] = 8, 0 // echo request
		binary.BigEndian.PutUint16(msg[2:], 0)
		binary.BigEndian.PutUint16(msg[4:], id)
		binary.BigEndian.PutUint16(msg[6:], seq)
		binary.BigEndian.PutUint16(msg[2:], icmpChecksum(msg))
		if _, err := pc.WriteTo(msg, dst); err != nil {
			return err
		}
		if err := pc.SetReadDeadline(time.Now().Add(2 * time.Second)); err != nil {
			return err
		}
		for {
			// ReadFrom on an ip4 socket strips the IPv4 header.
			n, _, err := pc.ReadFrom(reply)
			if err != nil {
				return fmt.Errorf("echo %d: %w", seq, err)
			}
			r := reply[:n]
			if n >= 8 && r[0] == 0 && binary.BigEndian.Uint16(r[4:]) == id && binary.BigEndian.Uint16(r[6:]) == seq {
				return nil
			}
		}
	}
	if err := ping(0); err != nil { // ARP
		b.Fatal(err)
	}
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if err := ping(uint16(i + 1)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(time.Since(start).Microseconds())/float64(b.N), "µs")
}

// icmpChecksum is the Internet checksum of b.
func icmpChecksum(b []byte) uint16 {
	var s uint32
	for i := 0; i+1 < len(b); i += 2 {
		s += uint32(binary.BigEndian.Uint16(b[i:]))
	}
	if len(b)%2 == 1 {
		s += uint32(b[len(b)-1]) << 8
	}
	for s>>16 != 0 {
		s = s&0xffff + s>>16
	}
	return ^uint16(s)
}
