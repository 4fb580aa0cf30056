package main

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/gopacket/pcapgo"
)

const arpingScript = `ip netns add a
ip netns add b
ip link add v0 netns a type veth peer name v1 netns b
ip -n a addr add 10.0.0.1/24 dev v0
ip -n b addr add 10.0.0.2/24 dev v1
ip -n a link set v0 up
ip -n b link set v1 up
ip netns exec a arping -c 2 10.0.0.2
! ip netns exec a arping -D -c 2 -I v0 10.0.0.2
ip netns exec a arping -D -c 1 -I v0 10.0.0.9
ip netns exec a arping -U -c 1 -I v0 10.0.0.1
`

// TestCLIArping runs arping through nsemu run with --pcap: its output, its
// exit statuses (-D fails on a taken address, passes on a free one), and
// its frames in the capture: requests from 10.0.0.1, the DAD probes from
// 0.0.0.0, the gratuitous one for 10.0.0.1 itself.
func TestCLIArping(t *testing.T) {
	pcap := filepath.Join(t.TempDir(), "arp.pcapng")
	code, out, errs := nsemu(t, "", "run", "--pcap", pcap, writeScript(t, arpingScript))
	if code != 0 {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
	want := regexp.MustCompile(`(?s)^ARPING 10\.0\.0\.2 from 10\.0\.0\.1 v0\n` +
		`Unicast reply from 10\.0\.0\.2 \[([0-9A-F]{2}:){5}[0-9A-F]{2}\]  \d+\.\d{3}ms\n.*` +
		`Sent 2 probes \(1 broadcast\(s\)\)\nReceived 2 response\(s\)\n` +
		`ARPING 10\.0\.0\.2 from 0\.0\.0\.0 v0\n.*Sent 1 probes \(1 broadcast\(s\)\)\nReceived 1 response\(s\)\n` +
		`ARPING 10\.0\.0\.9 from 0\.0\.0\.0 v0\nSent 1 probes \(1 broadcast\(s\)\)\nReceived 0 response\(s\)\n` +
		`ARPING 10\.0\.0\.1 from 10\.0\.0\.1 v0\nSent 1 probes \(1 broadcast\(s\)\)\nReceived 0 response\(s\)\n$`)
	if !want.MatchString(out) {
		t.Errorf("stdout:\n%s\ndoes not match %s", out, want)
	}
	got := arpRequests(t, pcap, "a/v0")
	for _, w := range []string{"10.0.0.1>10.0.0.2", "0.0.0.0>10.0.0.2", "0.0.0.0>10.0.0.9", "10.0.0.1>10.0.0.1"} {
		if got[w] == 0 {
			t.Errorf("no ARP request %s captured on a/v0; got %v", w, got)
		}
	}
}

// arpRequests counts the ARP requests captured on tap point iface, by
// "SENDER>TARGET" address.
func arpRequests(t *testing.T, path, iface string) map[string]int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := pcapgo.NewNgReader(f, pcapgo.DefaultNgReaderOptions)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	got := map[string]int{}
	for {
		data, ci, err := r.ReadPacketData()
		if err != nil {
			break
		}
		in, _ := r.Interface(ci.InterfaceIndex)
		if in.Name != iface || len(data) < 42 || binary.BigEndian.Uint16(data[12:]) != 0x0806 || binary.BigEndian.Uint16(data[20:]) != 1 {
			continue
		}
		ip := func(b []byte) string {
			return strings.Join([]string{itoa(b[0]), itoa(b[1]), itoa(b[2]), itoa(b[3])}, ".")
		}
		got[ip(data[28:32])+">"+ip(data[38:42])]++
	}
	return got
}

func itoa(b byte) string { return strconv.Itoa(int(b)) }

const tracepathScript = `ip netns add a
ip netns add r
ip netns add b
ip link add a0 netns a type veth peer name r0 netns r
ip link add b0 netns b mtu 1400 type veth peer name r1 netns r mtu 1400
ip -n a addr add 10.0.1.2/24 dev a0
ip -n r addr add 10.0.1.1/24 dev r0
ip -n r addr add 10.0.2.1/24 dev r1
ip -n b addr add 10.0.2.2/24 dev b0
ip -n a link set a0 up
ip -n r link set r0 up
ip -n r link set r1 up
ip -n b link set b0 up
ip -n a route add default via 10.0.1.1
ip -n b route add default via 10.0.2.1
ip netns exec r sysctl -qw net.ipv4.ip_forward=1
ip netns exec a tracepath -n 10.0.2.2
`

// TestCLITracepath runs tracepath through nsemu run: the path MTU found
// locally and from the router, the hops, the Resume line.
func TestCLITracepath(t *testing.T) {
	code, out, errs := nsemu(t, "", "run", writeScript(t, tracepathScript))
	if code != 0 {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
	want := regexp.MustCompile(`^ 1\?: \[LOCALHOST\] {22}pmtu 1500\n` +
		`( 1:  10\.0\.1\.1 {44} *\d+\.\d{3}ms \n){2}` +
		` 2:  10\.0\.1\.1 {44} *\d+\.\d{3}ms pmtu 1400\n` +
		` 2:  10\.0\.2\.2 {44} *\d+\.\d{3}ms reached\n` +
		`     Resume: pmtu 1400 hops 2 back 2 \n$`)
	if !want.MatchString(out) {
		t.Errorf("stdout:\n%s\ndoes not match %s", out, want)
	}
}
