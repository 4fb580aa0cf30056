package nettools

import (
	"net"
	"net/netip"
	"reflect"
	"strings"
	"testing"

	"github.com/nsemu/nsemu/emu/vfs"
	"gvisor.dev/gvisor/pkg/tcpip"
)

var arpCases = []struct {
	name string
	args []string
	want arpReq
	err  string
	st   int
}{
	{name: "show", want: arpReq{}},
	{name: "bsd numeric device", args: []string{"-an", "-i", "eth0"}, want: arpReq{bsd: true, dev: "eth0"}},
	{name: "attached device", args: []string{"-ieth0", "-ae"}, want: arpReq{dev: "eth0"}},
	{name: "long", args: []string{"--all", "--device", "eth1", "--verbose"}, want: arpReq{bsd: true, dev: "eth1", verbose: true}},
	{name: "host", args: []string{"-n", "10.0.0.1"}, want: arpReq{host: "10.0.0.1", addr: netip.MustParseAddr("10.0.0.1")}},
	{name: "empty host", args: []string{""}, want: arpReq{}},
	{name: "hardware type", args: []string{"-H", "ether", "-Ainet", "-v"}, want: arpReq{verbose: true}},
	{name: "set", args: []string{"-s", "192.168.28.9", "02:00:00:00:00:09", "temp"},
		want: arpReq{set: true, host: "192.168.28.9", addr: netip.MustParseAddr("192.168.28.9"), mac: net.HardwareAddr{2, 0, 0, 0, 0, 9}}},
	{name: "set wins", args: []string{"-d", "-s", "10.1", "02:00:00:00:00:09", "-i", "eth0"},
		want: arpReq{set: true, del: true, dev: "eth0", host: "10.1", addr: netip.MustParseAddr("10.0.0.1"), mac: net.HardwareAddr{2, 0, 0, 0, 0, 9}}},
	{name: "delete", args: []string{"--delete", "localhost"}, want: arpReq{del: true, host: "localhost", addr: netip.MustParseAddr("127.0.0.1")}},
	{name: "help stops", args: []string{"-h", "-z"}, want: arpReq{help: true}},
	{name: "long help", args: []string{"--help"}, want: arpReq{help: true}},
	{name: "bad letter", args: []string{"-z"}, err: "arp: invalid option -- 'z'\n" + arpUsage, st: 3},
	{name: "bad long", args: []string{"--foo"}, err: "arp: unrecognized option '--foo'\n" + arpUsage, st: 3},
	{name: "missing device", args: []string{"-i"}, err: "arp: option requires an argument -- 'i'\n" + arpUsage, st: 3},
	{name: "missing type", args: []string{"-nH"}, err: "arp: option requires an argument -- 'H'\n" + arpUsage, st: 3},
	{name: "bad type", args: []string{"-H", "ax25"}, err: "arp: ax25: unknown hardware type.", st: 3},
	{name: "file", args: []string{"-f"}, err: "arp: -f is not emulated by nsemu", st: 3},
	{name: "unknown host", args: []string{"foo"}, err: "foo: Unknown host", st: 255},
	{name: "set without host", args: []string{"-s"}, err: "arp: need host name", st: 255},
	{name: "set empty host", args: []string{"-s", ""}, err: ": Unknown host", st: 255},
	{name: "set without mac", args: []string{"-s", "10.0.0.1"}, err: "arp: need hardware address", st: 255},
	{name: "set bad mac", args: []string{"-s", "10.0.0.1", "zz:00:00:00:00:09"}, err: "arp: invalid hardware address", st: 255},
	{name: "set pub", args: []string{"-s", "10.0.0.1", "02:00:00:00:00:09", "pub"}, err: "arp: proxy ARP (pub) is not emulated by nsemu", st: 255},
	{name: "set flag", args: []string{"-s", "10.0.0.1", "02:00:00:00:00:09", "dontpub"}, err: "arp: unknown flag dontpub", st: 255},
	{name: "delete without host", args: []string{"-d"}, err: "arp: need host name", st: 255},
}

func TestParseArp(t *testing.T) {
	for _, c := range arpCases {
		t.Run(c.name, func(t *testing.T) {
			r, err := parseArp(c.args)
			if c.err != "" {
				if st, msg := exitErr(err); err == nil || st != c.st || msg != c.err {
					t.Fatalf("parseArp(%q): error %v, want status %d %q", c.args, err, c.st, c.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseArp(%q): %v", c.args, err)
			}
			if !reflect.DeepEqual(r, c.want) {
				t.Errorf("parseArp(%q) = %+v, want %+v", c.args, r, c.want)
			}
		})
	}
}

func FuzzParseArp(f *testing.F) {
	for _, c := range arpCases {
		f.Add(strings.Join(c.args, "\x00"))
	}
	f.Fuzz(func(t *testing.T, line string) {
		args := fuzzArgs(line)
		r, err := parseArp(args)
		checkFuzzErr(t, args, err, 3, 255)
		if err == nil && r.set && len(r.mac) != 6 {
			t.Fatalf("%q: arp -s with MAC %v", args, r.mac)
		}
	})
}

func TestArpTable(t *testing.T) {
	mac := tcpip.LinkAddress("\x02\x00\x00\x00\x00\x09")
	entries := []vfs.ARPEntry{
		{Addr: netip.MustParseAddr("10.0.0.9"), MAC: mac, Dev: "eth0", Flags: 0x6},
		{Addr: netip.MustParseAddr("10.0.0.7"), Dev: "eth0"},
		{Addr: netip.MustParseAddr("10.1.0.1"), MAC: mac, Dev: "eth1", Flags: 0x2},
	}
	for _, c := range []struct {
		req  arpReq
		want string
	}{
		{arpReq{}, "Address                  HWtype  HWaddress           Flags Mask            Iface\n" +
			"10.0.0.9                 ether   02:00:00:00:00:09   CM                    eth0\n" +
			"10.0.0.7                         (incomplete)                              eth0\n" +
			"10.1.0.1                 ether   02:00:00:00:00:09   C                     eth1\n"},
		{arpReq{bsd: true, dev: "eth0"}, "? (10.0.0.9) at 02:00:00:00:00:09 [ether] PERM on eth0\n? (10.0.0.7) at <incomplete> on eth0\n"},
		{arpReq{verbose: true, dev: "eth1", bsd: true}, "? (10.1.0.1) at 02:00:00:00:00:09 [ether] on eth1\nEntries: 3\tSkipped: 2\tFound: 1\n"},
		{arpReq{host: "10.9", addr: netip.MustParseAddr("10.0.0.9"), dev: "eth1"}, "10.9 (10.0.0.9) -- no entry\n"},
		{arpReq{host: "10.9", addr: netip.MustParseAddr("10.0.0.9"), dev: "eth1", bsd: true}, "arp: in 3 entries no match found.\n"},
		{arpReq{dev: "eth9"}, "arp: in 3 entries no match found.\n"},
	} {
		if got := arpTable(entries, c.req); got != c.want {
			t.Errorf("arpTable(%+v):\n%s\nwant\n%s", c.req, got, c.want)
		}
	}
	if got := arpTable(nil, arpReq{}); got != "" {
		t.Errorf("arpTable of no entries: %q", got)
	}
}
