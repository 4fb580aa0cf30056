package iperf3_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/nsemu/nsemu/emu/builtin/builtintest"
	"github.com/nsemu/nsemu/emu/emutest"
)

// The tests run between the host (10.0.0.1) and ns1 (10.0.0.2) of
// builtintest.SetupPair: the server in ns1, in the background, its output
// in a file; the client in the host.

// pair runs a server with srvArgs in ns1 and a client with cliArgs, and
// returns both outputs.
func pair(t *testing.T, srvArgs, cliArgs string) (cli, srv string) {
	t.Helper()
	w := builtintest.World(t)
	builtintest.MustRun(t, w, nil, builtintest.SetupPair)
	out := builtintest.MustRun(t, w, nil, fmt.Sprintf(`ip netns exec ns1 iperf3 %s > /tmp/srv.txt &
sleep 0.1
iperf3 -c 10.0.0.2 %s
wait
echo ====
cat /tmp/srv.txt
`, srvArgs, cliArgs))
	cli, srv, _ = strings.Cut(out, "====\n")
	return cli, srv
}

var (
	numRe  = regexp.MustCompile(`\b\d+(\.\d+)?\b`)
	unitRe = regexp.MustCompile(`\b[KMGT]?(Bytes|bits)\b`)
	spcRe  = regexp.MustCompile(` +`)
)

// shape writes a report's lines with every number as N and every unit as
// U, and collapses repeated runs of lines (the number of intervals and of
// streams, a partial last interval).
func shape(s string) string {
	var out []string
	for _, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		l = numRe.ReplaceAllString(l, "N")
		l = unitRe.ReplaceAllString(l, "U")
		out = append(out, spcRe.ReplaceAllString(l, " "))
	}
	for k := 1; k <= 6; k++ {
		out = collapse(out, k)
	}
	return strings.Join(out, "\n") + "\n"
}

// collapse drops a run of k lines that repeats the k before it.
func collapse(ls []string, k int) []string {
	for i := 0; i+2*k <= len(ls); {
		if slices.Equal(ls[i:i+k], ls[i+k:i+2*k]) {
			ls = slices.Delete(ls, i+k, i+2*k)
			continue
		}
		i++
	}
	return ls
}

// TestShapes runs each command line recorded from the real iperf3 3.12
// (testdata/record.sh) and compares the shape of both sides' output.
func TestShapes(t *testing.T) {
	for _, c := range []struct{ name, args string }{
		{"tcp", "-t 2"}, {"rev", "-t 2 -R"}, {"par", "-t 2 -P 2"}, {"udp", "-t 2 -u -b 10M"},
		{"num", "-n 100M"}, {"fm", "-t 1 -f m -l 64K"}, {"fk", "-t 1 -f k -i 0.5"},
		{"rrev", "-t 1 -R -u -b 5M"}, {"fg", "-t 1 -f g -P 3"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cli, srv := pair(t, "-s -1 -p 5203", "-p 5203 "+c.args)
			for _, side := range []struct{ got, file string }{{cli, "cli"}, {srv, "srv"}} {
				want, err := os.ReadFile(filepath.Join("testdata", "real-"+c.name+"."+side.file+".txt"))
				if err != nil {
					t.Fatal(err)
				}
				if w, g := shape(string(want)), shape(side.got); w != g {
					t.Errorf("%s %s: shape differs from the real iperf3's (-want +got):\n%s\ngot:\n%s", side.file, c.args, emutest.Diff(w, g), side.got)
				}
			}
		})
	}
}

// keyPaths lists the object keys of a JSON document as paths (array
// elements are "[]").
func keyPaths(t *testing.T, doc string) []string {
	var v any
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, doc)
	}
	set := map[string]bool{}
	var walk func(string, any)
	walk = func(p string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				set[p+"."+k] = true
				walk(p+"."+k, e)
			}
		case []any:
			for _, e := range v {
				walk(p+"[]", e)
			}
		}
	}
	walk("", v)
	var out []string
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestJSON checks -J against the real iperf3's documents: cJSON's layout,
// and every key nsemu writes is one iperf3 writes at that place. The keys
// nsemu leaves out are those of figures it does not have (TCP_INFO's
// rtt, snd_wnd, pmtu; the UDP out-of-order counts per interval).
func TestJSON(t *testing.T) {
	for _, c := range []struct{ name, args string }{{"json", "-t 2 -J"}, {"udpj", "-t 1 -u -J"}} {
		t.Run(c.name, func(t *testing.T) {
			cli, _ := pair(t, "-s -1 -p 5203", "-p 5203 "+c.args)
			real, err := os.ReadFile(filepath.Join("testdata", "real-"+c.name+".cli.txt"))
			if err != nil {
				t.Fatal(err)
			}
			want := keyPaths(t, string(real))
			for _, k := range keyPaths(t, cli) {
				if !slices.Contains(want, k) {
					t.Errorf("key %s is not in iperf3's -J output", k)
				}
			}
			for _, k := range []string{".start.connected[].local_host", ".start.test_start.protocol", ".intervals[].streams[].bytes",
				".intervals[].sum.bits_per_second", ".end.sum_sent.bytes", ".end.sum_received.bits_per_second"} {
				if !slices.Contains(keyPaths(t, cli), k) {
					t.Errorf("-J output has no %s", k)
				}
			}
			if !strings.HasPrefix(cli, "{\n\t\"start\":\t{\n\t\t\"connected\":\t[{\n\t\t\t\t\"socket\":\t5,\n") {
				t.Errorf("-J output is not laid out as cJSON prints it:\n%.200s", cli)
			}
		})
	}
}

// summary reads a summary line's transfer in bytes and rate in bits/s.
var summaryRe = regexp.MustCompile(`\[\s*5\]\s+\S+\s+sec\s+([\d.]+) (\w?)Bytes\s+([\d.]+) (\w?)bits/sec.*\b(sender|receiver)$`)

func scale(v, prefix string, base float64) float64 {
	f, _ := strconv.ParseFloat(v, 64)
	return f * map[string]float64{"": 1, "K": base, "M": base * base, "G": base * base * base}[prefix]
}

// TestUDPRateOnTheEmulatedClock asks for 2 Mbit/s for 3 s: the paced
// sender leaves the world idle between datagrams, the clock skips those
// waits, and both sides still count 2 Mbit/s of emulated time with nothing
// lost.
func TestUDPRateOnTheEmulatedClock(t *testing.T) {
	cli, _ := pair(t, "-s -1", "-u -b 2M -t 3")
	n := 0
	for _, l := range strings.Split(cli, "\n") {
		m := summaryRe.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		n++
		if rate := scale(m[3], m[4], 1000); rate < 1.9e6 || rate > 2.1e6 {
			t.Errorf("%s: rate %v, want 2 Mbit/s", m[5], rate)
		}
		if !strings.Contains(l, " 0/") {
			t.Errorf("datagrams lost: %s", l)
		}
	}
	if n != 2 {
		t.Fatalf("want a sender and a receiver line:\n%s", cli)
	}
}

// TestTCPBytesAgree: what the server says it received is what the client
// reports as the receiver's, and the sender sent at least that.
func TestTCPBytesAgree(t *testing.T) {
	cli, srv := pair(t, "-s -1 -J", "-n 20M -J")
	var c, s struct {
		End struct {
			SumSent     struct{ Bytes float64 } `json:"sum_sent"`
			SumReceived struct{ Bytes float64 } `json:"sum_received"`
		}
	}
	if err := json.Unmarshal([]byte(cli), &c); err != nil {
		t.Fatalf("client: %v\n%s", err, cli)
	}
	if err := json.Unmarshal([]byte(srv), &s); err != nil {
		t.Fatalf("server: %v\n%s", err, srv)
	}
	if c.End.SumSent.Bytes < 20<<20 || c.End.SumReceived.Bytes != s.End.SumReceived.Bytes || c.End.SumReceived.Bytes > c.End.SumSent.Bytes {
		t.Errorf("client sent %v, client says received %v, server received %v", c.End.SumSent.Bytes, c.End.SumReceived.Bytes, s.End.SumReceived.Bytes)
	}
}
