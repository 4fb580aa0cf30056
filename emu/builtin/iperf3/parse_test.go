package iperf3

import (
	"strings"
	"testing"
	"time"

	"github.com/nsemu/nsemu/emu/builtin/internal/parsetest"
)

func client10(host string) Request {
	return Request{Host: host, Port: 5201, Duration: 10, Parallel: 1, Len: defaultTCPLen, Format: 'a', Interval: time.Second}
}

func with(r Request, f func(*Request)) Request { f(&r); return r }

var parseCases = []parsetest.Case[Request]{
	{Args: "-s", Want: Request{Server: true, Port: 5201, Duration: 10, Parallel: 1, Len: defaultTCPLen, Format: 'a', Interval: time.Second}},
	{Args: "-s -1 -D -p 5202 -B 10.0.0.1", Want: Request{Server: true, OneOff: true, Daemon: true, Port: 5202, Bind: "10.0.0.1", Duration: 10, Parallel: 1, Len: defaultTCPLen, Format: 'a', Interval: time.Second}},
	{Args: "-c 10.0.0.2", Want: client10("10.0.0.2")},
	{Args: "-c h -t 3 -P 4 -R -f m -i 0.5 -J", Want: with(client10("h"), func(r *Request) {
		r.Duration, r.Parallel, r.Reverse, r.Format, r.Interval, r.JSON = 3, 4, true, 'm', 500*time.Millisecond, true
	})},
	{Args: "-c h -n 100M", Want: with(client10("h"), func(r *Request) { r.Duration, r.Bytes = 0, 100<<20 })},
	{Args: "-c h -u", Want: with(client10("h"), func(r *Request) { r.UDP, r.Len, r.Rate = true, 0, 1<<20 })},
	{Args: "-c h -u -b 10M -l 1000", Want: with(client10("h"), func(r *Request) { r.UDP, r.Len, r.Rate = true, 1000, 10000000 })},
	{Args: "-c h -b 10X -l 64K", Want: with(client10("h"), func(r *Request) { r.Rate, r.Len = 10, 64<<10 })},
	{Args: "--client h --time=2 --udp --bitrate 1k", Want: with(client10("h"), func(r *Request) { r.Duration, r.UDP, r.Len, r.Rate = 2, true, 0, 1000 })},
	{Args: "-c h -t abc -P 0", Want: with(client10("h"), func(r *Request) { r.Duration = 0 })},
	{Args: "-h", Want: Request{Help: true, Port: 5201, Duration: 10, Parallel: 1, Format: 'a', Interval: time.Second}},
	{Args: "", Err: "iperf3: parameter error - must either be a client (-c) or server (-s)"},
	{Args: "-x", Err: "iperf3: invalid option -- 'x'"},
	{Args: "-c", Err: "iperf3: option requires an argument -- 'c'"},
	{Args: "-s -c h", Err: "iperf3: parameter error - cannot be both server and client"},
	{Args: "-c h -s", Err: "iperf3: parameter error - cannot be both server and client"},
	{Args: "-c h -P 200", Err: "iperf3: parameter error - number of parallel streams too large (maximum = 128)"},
	{Args: "-c h -p 70000", Err: "iperf3: parameter error - port number must be between 1 and 65535 inclusive"},
	{Args: "-s -p 0", Err: "iperf3: parameter error - port number must be between 1 and 65535 inclusive"},
	{Args: "-c h -f z", Err: "iperf3: parameter error - bad format specifier (valid formats are in the set [kmgtKMGT])"},
	{Args: "-c h -n 1M -t 3", Err: "iperf3: parameter error - only one test end condition (-t, -n, -k) may be specified"},
	{Args: "-c h -u -l 70000", Err: "iperf3: parameter error - block size invalid (minimum = 16 bytes, maximum = 65507 bytes)"},
	{Args: "-c h -l 2M", Err: "iperf3: parameter error - block size too large (maximum = 1048576 bytes)"},
	{Args: "-c h -i 0.05", Err: "iperf3: parameter error - invalid report interval (min = 0.1, max = 60 seconds)"},
	{Args: "-c h -t 90000", Err: "iperf3: parameter error - test duration too long (maximum = 86400 seconds)"},
	{Args: "-c h -1", Err: "iperf3: parameter error - some option you are trying to set is server only"},
	{Args: "-s -t 5", Err: "iperf3: parameter error - some option you are trying to set is client only"},
	{Args: "-c h --bidir", Err: "nsemu: iperf3 --bidir: not emulated"},
	{Args: "-c h -w 1M", Err: "nsemu: iperf3 -w: not emulated"},
	{Args: "-c h --bogus", Err: "iperf3: unrecognized option '--bogus'"},
}

func TestParse(t *testing.T) { parsetest.Run(t, Parse, parseCases, nil) }

func TestUnitString(t *testing.T) {
	for _, c := range []struct {
		n    float64
		f    byte
		want string
	}{
		{0, 'A', "0.00 Byte"}, {360 << 20, 'A', " 360 MByte"}, {1.38 * (1 << 30), 'A', "1.38 GByte"},
		{96.2 * (1 << 20), 'A', "96.2 MByte"}, {3.01e9 / 8, 'a', "3.01 Gbit"}, {210e3 / 8, 'a', " 210 Kbit"},
		{2025e6 / 8, 'm', "2025 Mbit"}, {452 << 10, 'A', " 452 KByte"},
	} {
		if got := unitString(c.n, c.f); got != c.want {
			t.Errorf("unitString(%v, %c) = %q, want %q", c.n, c.f, got, c.want)
		}
	}
}

func TestCJSONNumber(t *testing.T) {
	for _, c := range []struct {
		d    float64
		want string
	}{{5, "5"}, {1.000157, "1.000157"}, {1.0001569986343384, "1.0001569986343384"}, {3658955788.9380322, "3658955788.9380322"}, {0.5, "0.5"}} {
		if got := cjsonNumber(c.d); got != c.want {
			t.Errorf("cjsonNumber(%v) = %q, want %q", c.d, got, c.want)
		}
	}
}

// FuzzParse: no command line panics the parser; what it accepts is a
// client with a host or a server, with at least one stream.
func FuzzParse(f *testing.F) {
	parsetest.Seed(f, parseCases)
	f.Fuzz(func(t *testing.T, line string) {
		r, err := Parse(strings.Fields(line))
		if err != nil || r.Help || r.Version {
			return
		}
		if (r.Server == (r.Host != "")) || r.Parallel < 1 || r.Port < 1 || r.Port > 65535 {
			t.Fatalf("Parse(%q) accepted %+v", line, r)
		}
	})
}
