package capture

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"
)

func mustSerialize(t *testing.T, ls ...gopacket.SerializableLayer) []byte {
	t.Helper()
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ls...); err != nil {
		t.Fatal(err)
	}
	return append([]byte(nil), buf.Bytes()...)
}

var (
	mac1 = net.HardwareAddr{0x3a, 0, 0, 0, 0, 1}
	mac2 = net.HardwareAddr{0x3a, 0, 0, 0, 0, 2}
	ip1  = net.IP{192, 168, 28, 1}
	ip2  = net.IP{192, 168, 28, 2}
)

func arpRequest(t *testing.T) []byte {
	// gopacket pads to 60 bytes; a veth carries the 42 bytes unpadded.
	return mustSerialize(t,
		&layers.Ethernet{SrcMAC: mac1, DstMAC: layers.EthernetBroadcast, EthernetType: layers.EthernetTypeARP},
		&layers.ARP{AddrType: layers.LinkTypeEthernet, Protocol: layers.EthernetTypeIPv4, HwAddressSize: 6, ProtAddressSize: 4,
			Operation: layers.ARPRequest, SourceHwAddress: mac1, SourceProtAddress: ip1, DstHwAddress: make([]byte, 6), DstProtAddress: ip2})[:42]
}

func echo(t *testing.T) []byte {
	ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolICMPv4, SrcIP: ip1, DstIP: ip2}
	return mustSerialize(t,
		&layers.Ethernet{SrcMAC: mac1, DstMAC: mac2, EthernetType: layers.EthernetTypeIPv4}, ip,
		&layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(layers.ICMPv4TypeEchoRequest, 0), Id: 7, Seq: 1},
		gopacket.Payload(make([]byte, 56)))
}

// tunnelled wraps frame in VXLAN (VNI 42) in UDP to port.
func tunnelled(t *testing.T, port layers.UDPPort, frame []byte) []byte {
	ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolUDP, SrcIP: net.IP{192, 0, 2, 1}, DstIP: net.IP{192, 0, 2, 2}}
	udp := &layers.UDP{SrcPort: 40000, DstPort: port}
	_ = udp.SetNetworkLayerForChecksum(ip)
	return mustSerialize(t, &layers.Ethernet{SrcMAC: mac2, DstMAC: mac1, EthernetType: layers.EthernetTypeIPv4}, ip, udp,
		gopacket.Payload(append([]byte{0x08, 0, 0, 0, 0, 0, 42, 0}, frame...)))
}

func TestSummary(t *testing.T) {
	cases := []struct {
		name  string
		frame []byte
		ether bool
		want  string
	}{
		{"arp", arpRequest(t), false, "ARP, Request who-has 192.168.28.2 tell 192.168.28.1, length 28"},
		{"arp -e", arpRequest(t), true, "3a:00:00:00:00:01 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Request who-has 192.168.28.2 tell 192.168.28.1, length 28"},
		{"icmp", echo(t), false, "IP 192.168.28.1 > 192.168.28.2: ICMP echo request, id 7, seq 1, length 64"},
		{"icmp -e", echo(t), true, "3a:00:00:00:00:01 > 3a:00:00:00:00:02, ethertype IPv4 (0x0800), length 98: 192.168.28.1 > 192.168.28.2: ICMP echo request, id 7, seq 1, length 64"},
		{"garbage", []byte{1, 2, 3}, false, "[|ether] length 3"},
		// tcpdump 4.99's words for Linux's VXLAN, recorded: the carried
		// frame on its own line; flannel's port 8472 is OTV's to tcpdump.
		{"vxlan", tunnelled(t, 4789, echo(t)), false, "IP 192.0.2.1.40000 > 192.0.2.2.4789: VXLAN, flags [I] (0x08), vni 42\n" +
			"IP 192.168.28.1 > 192.168.28.2: ICMP echo request, id 7, seq 1, length 64"},
		{"vxlan -e", tunnelled(t, 4789, arpRequest(t)), true, "3a:00:00:00:00:02 > 3a:00:00:00:00:01, ethertype IPv4 (0x0800), length 92: " +
			"192.0.2.1.40000 > 192.0.2.2.4789: VXLAN, flags [I] (0x08), vni 42\n" +
			"3a:00:00:00:00:01 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Request who-has 192.168.28.2 tell 192.168.28.1, length 28"},
		{"otv", tunnelled(t, 8472, echo(t)), false, "IP 192.0.2.1.40000 > 192.0.2.2.8472: OTV, flags [I] (0x08), overlay 0, instance 42\n" +
			"IP 192.168.28.1 > 192.168.28.2: ICMP echo request, id 7, seq 1, length 64"},
		{"vxlan too short", tunnelled(t, 4789, nil)[:14+20+8+4], false, "IP 192.0.2.1.40000 > 192.0.2.2.4789: VXLAN (invalid)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Summary(c.frame, c.ether); got != c.want {
				t.Errorf("got  %q\nwant %q", got, c.want)
			}
		})
	}
}

// FuzzSummary: no frame from a TAP or a capture may panic the decoder.
func FuzzSummary(f *testing.F) {
	f.Add([]byte{})
	f.Add(make([]byte, 14))
	f.Fuzz(func(t *testing.T, b []byte) {
		_ = Summary(b, true)
		_ = Summary(b, false)
	})
}

func TestWriterRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.pcapng")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w, err := NewWriter(f, "nsemu test")
	if err != nil {
		t.Fatal(err)
	}
	ts := time.Date(2026, 1, 1, 0, 0, 1, 500, time.UTC)
	if err := w.WritePacket("ns1/veth-1", ts, DirOut, arpRequest(t), "vbridge: CAM miss for ff:ff:ff:ff:ff:ff, flooded to veth-2-br"); err != nil {
		t.Fatal(err)
	}
	if err := w.WritePacket("host/vbridge", ts.Add(time.Millisecond), DirIn, echo(t), ""); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	rf, _ := os.Open(path)
	defer rf.Close()
	r, err := pcapgo.NewNgReader(rf, pcapgo.DefaultNgReaderOptions)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	for {
		data, ci, err := r.ReadPacketData()
		if err != nil {
			break
		}
		n++
		if n == 1 && (!bytes.Equal(data, arpRequest(t)) || !ci.Timestamp.Equal(ts)) {
			t.Errorf("packet 1: %x at %v", data, ci.Timestamp)
		}
	}
	if n != 2 || r.NInterfaces() != 2 {
		t.Fatalf("read %d packets on %d interfaces, want 2 and 2", n, r.NInterfaces())
	}
	if in, _ := r.Interface(0); in.Name != "ns1/veth-1" {
		t.Errorf("interface 0 is %q", in.Name)
	}

	tshark, err := exec.LookPath("tshark")
	if err != nil {
		if os.Getenv("NSEMU_CI") == "1" {
			t.Fatal("NSEMU_CI=1 but tshark is not installed")
		}
		t.Skip("tshark not installed: apt-get install tshark")
	}
	out, err := exec.Command(tshark, "-r", path, "-T", "fields", "-e", "frame.interface_name", "-e", "frame.comment", "-e", "_ws.col.Protocol").CombinedOutput()
	if err != nil {
		t.Fatalf("tshark: %v\n%s", err, out)
	}
	for _, want := range []string{"ns1/veth-1\tvbridge: CAM miss for ff:ff:ff:ff:ff:ff, flooded to veth-2-br\tARP", "host/vbridge\t\tICMP"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("tshark output lacks %q:\n%s", want, out)
		}
	}
}

func TestFilter(t *testing.T) {
	arp, icmp := arpRequest(t), echo(t)
	cases := []struct {
		expr      string
		arp, icmp bool
		err       bool
	}{
		{"", true, true, false},
		{"arp", true, false, false},
		{"icmp", false, true, false},
		{"ip", false, true, false},
		{"not arp", false, true, false},
		{"! icmp", true, false, false},
		{"tcp", false, false, false},
		{"host 192.168.28.2", true, true, false},
		{"src host 192.168.28.2", false, false, false},
		{"dst host 192.168.28.2", true, true, false},
		{"icmp and host 192.168.28.1", false, true, false},
		{"arp or icmp", true, true, false},
		{"(arp or tcp) and not icmp", true, false, false},
		{"ether host 3a:00:00:00:00:02", false, true, false},
		{"ether src host 3a:00:00:00:00:01", true, true, false},
		{"port 80", false, false, false},
		{"tcp port 80 || arp", true, false, false},
		{"192.168.28.1", true, true, false},
		{"host", false, false, true},
		{"host 300.1.1.1", false, false, true},
		{"arp icmp", false, false, true},
		{"(arp", false, false, true},
		{"port 99999", false, false, true},
		{"ether host zz", false, false, true},
		{"frob", false, false, true},
	}
	for _, c := range cases {
		f, err := Compile(c.expr)
		if (err != nil) != c.err {
			t.Errorf("Compile(%q): err %v, want error %v", c.expr, err, c.err)
			continue
		}
		if err != nil {
			continue
		}
		if f.Match(arp) != c.arp || f.Match(icmp) != c.icmp {
			t.Errorf("%q: arp %v icmp %v, want %v %v", c.expr, f.Match(arp), f.Match(icmp), c.arp, c.icmp)
		}
	}
}

// FuzzFilter: no expression may panic the compiler, and a compiled filter
// must not panic on any frame.
func FuzzFilter(f *testing.F) {
	for _, s := range []string{"arp", "icmp and host 1.2.3.4", "not (tcp port 80 or udp)", "ether src host 01:02:03:04:05:06"} {
		f.Add(s, []byte{})
	}
	f.Fuzz(func(t *testing.T, expr string, frame []byte) {
		flt, err := Compile(expr)
		if err != nil {
			return
		}
		flt.Match(frame)
	})
}
