package uplink

import (
	"net/netip"
	"testing"
)

var specCases = []struct {
	in   string
	want Spec
	err  string
}{
	{in: "tap:tap0", want: Spec{Mode: TAP, Device: "tap0"}},
	{in: "tap:nsemu-uplink1", want: Spec{Mode: TAP, Device: "nsemu-uplink1"}},
	{in: "host", want: Spec{Mode: Host}},
	{in: "host,loopback", want: Spec{Mode: Host, Loopback: true}},
	{in: "tap:", err: `--uplink tap:: "" not a valid ifname`},
	{in: "tap:a/b", err: `--uplink tap:a/b: "a/b" not a valid ifname`},
	{in: "tap:0123456789abcdef", err: `--uplink tap:0123456789abcdef: "0123456789abcdef" not a valid ifname: longer than 15 characters`},
	{in: "host,lo", err: `--uplink host,lo: unknown option "lo" (host takes loopback)`},
	{in: "slirp", err: `--uplink "slirp": want tap:NAME or host[,loopback]`},
	{in: "", err: `--uplink "": want tap:NAME or host[,loopback]`},
}

func TestParseSpec(t *testing.T) {
	for _, c := range specCases {
		got, err := ParseSpec(c.in)
		switch {
		case c.err != "":
			if err == nil || err.Error() != c.err {
				t.Errorf("ParseSpec(%q): error %v, want %q", c.in, err, c.err)
			}
		case err != nil:
			t.Errorf("ParseSpec(%q): %v", c.in, err)
		case got != c.want:
			t.Errorf("ParseSpec(%q) = %+v, want %+v", c.in, got, c.want)
		case got.String() != c.in:
			t.Errorf("ParseSpec(%q).String() = %q", c.in, got.String())
		}
	}
}

var publishCases = []struct {
	in   string
	want Publish
	err  string
}{
	{in: "8080:80", want: Publish{Proto: "tcp", RealPort: 8080, Port: 80}},
	{in: "0.0.0.0:8080:80", want: Publish{Proto: "tcp", Real: netip.MustParseAddr("0.0.0.0"), RealPort: 8080, Port: 80}},
	{in: "127.0.0.2:5353:53/udp", want: Publish{Proto: "udp", Real: netip.MustParseAddr("127.0.0.2"), RealPort: 5353, Port: 53}},
	{in: "9000:9000/tcp", want: Publish{Proto: "tcp", RealPort: 9000, Port: 9000}},
	{in: "80", err: "--publish 80: want [ADDR:]HOST:PORT[/udp]"},
	{in: "a:b:c:d", err: `--publish a:b:c:d: want [ADDR:]HOST:PORT[/udp]`},
	{in: "x:8080:80", err: `--publish x:8080:80: "x" is not an IPv4 address`},
	{in: "::1:8080:80", err: `--publish ::1:8080:80: want [ADDR:]HOST:PORT[/udp]`},
	{in: "8080:80/sctp", err: `--publish 8080:80/sctp: unknown protocol "sctp" (tcp or udp)`},
	{in: "0:80", err: `--publish 0:80: invalid port "0"`},
	{in: "8080:65536", err: `--publish 8080:65536: invalid port "65536"`},
}

func TestParsePublish(t *testing.T) {
	for _, c := range publishCases {
		got, err := ParsePublish(c.in)
		switch {
		case c.err != "":
			if err == nil || err.Error() != c.err {
				t.Errorf("ParsePublish(%q): error %v, want %q", c.in, err, c.err)
			}
		case err != nil:
			t.Errorf("ParsePublish(%q): %v", c.in, err)
		case got != c.want:
			t.Errorf("ParsePublish(%q) = %+v, want %+v", c.in, got, c.want)
		}
	}
}

func FuzzParseSpec(f *testing.F) {
	for _, c := range specCases {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, v string) {
		s, err := ParseSpec(v)
		if err != nil {
			return
		}
		if s.Mode != TAP && s.Mode != Host || (s.Mode == TAP) != (s.Device != "") {
			t.Fatalf("ParseSpec(%q) accepted %+v", v, s)
		}
		if again, err := ParseSpec(s.String()); err != nil || again != s {
			t.Fatalf("ParseSpec(%q) = %+v, which prints as %q and parses as %+v, %v", v, s, s.String(), again, err)
		}
	})
}

func FuzzParsePublish(f *testing.F) {
	for _, c := range publishCases {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, v string) {
		p, err := ParsePublish(v)
		if err != nil {
			return
		}
		if p.RealPort == 0 || p.Port == 0 || (p.Proto != "tcp" && p.Proto != "udp") || (p.Real.IsValid() && !p.Real.Is4()) {
			t.Fatalf("ParsePublish(%q) accepted %+v", v, p)
		}
		if again, err := ParsePublish(p.String()); err != nil || again != p {
			t.Fatalf("ParsePublish(%q) = %+v, which prints as %q and parses as %+v, %v", v, p, p.String(), again, err)
		}
	})
}
