package web

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/builtin/builtintest"
	"github.com/nsemu/nsemu/emu/emutest"
	"github.com/nsemu/nsemu/emu/leakcheck"
	"github.com/nsemu/nsemu/emu/teach"
)

// TestMain runs the tests with the PacketBuffer and goroutine leak checks.
func TestMain(m *testing.M) { leakcheck.Main(m) }

// twoOnABridge: ns1 (10.0.0.1) and ns2 (10.0.0.2) on the host's br0.
const twoOnABridge = `
ip netns add ns1
ip netns add ns2
ip link add br0 type bridge
ip link set br0 up
ip link add v1 type veth peer name v1-br
ip link add v2 type veth peer name v2-br
ip link set v1 netns ns1
ip link set v2 netns ns2
ip link set v1-br master br0
ip link set v2-br master br0
ip link set v1-br up
ip link set v2-br up
ip netns exec ns1 ip addr add 10.0.0.1/24 dev v1
ip netns exec ns2 ip addr add 10.0.0.2/24 dev v2
ip netns exec ns1 ip link set v1 up
ip netns exec ns2 ip link set v2 up
`

// routedNAT adds ns3 (10.1.0.2) behind the host, which masquerades ns1.
const routedNAT = `
ip addr add 10.0.0.254/24 dev br0
ip netns add ns3
ip link add v3 type veth peer name v3-h
ip link set v3 netns ns3
ip addr add 10.1.0.1/24 dev v3-h
ip link set v3-h up
ip netns exec ns3 ip addr add 10.1.0.2/24 dev v3
ip netns exec ns3 ip link set v3 up
ip netns exec ns1 ip route add default via 10.0.0.254
sysctl -qw net.ipv4.ip_forward=1
iptables -t nat -A POSTROUTING -s 10.0.0.0/24 -o v3-h -j MASQUERADE
`

// view starts a view of a fresh world, closed (before the world) when
// the test ends. The page's title is the test's name, or title.
func view(t *testing.T, title ...string) (*emu.World, *Server) {
	t.Helper()
	w := builtintest.World(t)
	srv, err := Start(w, Options{Title: strings.Join(append(title, "test")[:1], "")})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return w, srv
}

var httpc = &http.Client{Timeout: emutest.Deadline, Transport: &http.Transport{DisableKeepAlives: true}}

// get fetches path from srv and returns the status and body.
func get(t *testing.T, srv *Server, path string) (int, []byte) {
	t.Helper()
	resp, err := httpc.Get(strings.TrimSuffix(srv.URL(), "/") + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return resp.StatusCode, b
}

// getJSON fetches path and decodes it into v; the status must be 200.
func getJSON(t *testing.T, srv *Server, path string, v any) {
	t.Helper()
	code, b := get(t, srv, path)
	if code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, code, b)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("GET %s: %v\n%s", path, err, b)
	}
}

func postStep(t *testing.T, srv *Server, action string) int {
	t.Helper()
	body := fmt.Sprintf(`{"action":%q}`, action)
	resp, err := httpc.Post(srv.URL()+"api/step", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatalf("POST step %s: %v", action, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// sseMsg is one Server-Sent Event.
type sseMsg struct {
	event string
	data  []byte
}

// stream is a page's event stream, read on a goroutine of its own.
type stream struct {
	msgs   chan sseMsg
	cancel context.CancelFunc
	done   chan struct{}
}

func openStream(t *testing.T, srv *Server) *stream {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL()+"api/events", nil)
	resp, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Do(req)
	if err != nil {
		cancel()
		t.Fatalf("GET /api/events: %v", err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Errorf("/api/events Content-Type %q", ct)
	}
	s := &stream{msgs: make(chan sseMsg, 1024), cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		defer resp.Body.Close()
		defer close(s.msgs)
		readSSE(resp.Body, s.msgs)
	}()
	t.Cleanup(s.close)
	return s
}

func readSSE(r io.Reader, out chan<- sseMsg) {
	br := bufio.NewReader(r)
	var m sseMsg
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\n")
		switch {
		case line == "":
			if m.event != "" {
				out <- m
			}
			m = sseMsg{}
		case strings.HasPrefix(line, "event: "):
			m.event = line[len("event: "):]
		case strings.HasPrefix(line, "data: "):
			m.data = []byte(line[len("data: "):])
		}
	}
}

func (s *stream) close() {
	s.cancel()
	<-s.done
}

// until reads messages until cond holds for one, and returns it.
func (s *stream) until(t *testing.T, what string, cond func(sseMsg) bool) sseMsg {
	t.Helper()
	deadline := time.After(emutest.Deadline)
	for {
		select {
		case m, ok := <-s.msgs:
			if !ok {
				t.Fatalf("the stream ended waiting for %s", what)
			}
			if cond(m) {
				return m
			}
		case <-deadline:
			t.Fatalf("waited %v for %s", emutest.Deadline, what)
		}
	}
}

// records collects the records of the stream until one satisfies cond.
func (s *stream) records(t *testing.T, what string, cond func(record) bool) []record {
	t.Helper()
	var all []record
	s.until(t, what, func(m sseMsg) bool {
		if m.event != "records" {
			return false
		}
		var rs []record
		if err := json.Unmarshal(m.data, &rs); err != nil {
			t.Fatalf("records: %v\n%s", err, m.data)
		}
		for _, r := range rs {
			all = append(all, r)
			if cond(r) {
				return true
			}
		}
		return false
	})
	return all
}

func TestListensOnLoopbackByDefault(t *testing.T) {
	_, srv := view(t)
	a, ok := srv.Addr().(*net.TCPAddr)
	if !ok || !a.IP.Equal(net.IPv4(127, 0, 0, 1)) || a.Port == 0 {
		t.Fatalf("Addr() = %v, want 127.0.0.1 and a port", srv.Addr())
	}
	if want := fmt.Sprintf("http://127.0.0.1:%d/", a.Port); srv.URL() != want {
		t.Errorf("URL() = %q, want %q", srv.URL(), want)
	}
	code, body := get(t, srv, "/")
	if code != http.StatusOK || !bytes.Contains(body, []byte("<title>nsemu — test</title>")) {
		t.Errorf("GET / = %d:\n%.300s", code, body)
	}
	// A page of another site reaching 127.0.0.1 under its own name (DNS
	// rebinding) is refused.
	req, _ := http.NewRequest("GET", srv.URL()+"api/topology", nil)
	req.Host = "attacker.example:80"
	resp, err := httpc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMisdirectedRequest {
		t.Errorf("Host attacker.example: %d, want 421", resp.StatusCode)
	}
}

func TestParseAddr(t *testing.T) {
	cases := []struct{ in, want, err string }{
		{"", "127.0.0.1:0", ""},
		{"8080", "127.0.0.1:8080", ""},
		{"127.0.0.1:9000", "127.0.0.1:9000", ""},
		{":9000", ":9000", ""},
		{"0.0.0.0:80", "0.0.0.0:80", ""},
		{"[::1]:80", "[::1]:80", ""},
		{"localhost:80", "localhost:80", ""},
		{"script.sh", "", `web view address "script.sh": want PORT or HOST:PORT`},
		{"1.2.3.4:http", "", `web view address "1.2.3.4:http": bad port "http"`},
		{"99999", "", `web view address "99999": want PORT or HOST:PORT`},
	}
	for _, c := range cases {
		got, err := ParseAddr(c.in)
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("ParseAddr(%q) = %q, %v; want error %q", c.in, got, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("ParseAddr(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	for in, want := range map[string]bool{"8080": true, ":8080": true, "localhost:1": true, "x.sh": false, "a:b": false, "": false} {
		if got := LooksLikeAddr(in); got != want {
			t.Errorf("LooksLikeAddr(%q) = %v", in, got)
		}
	}
}

// FuzzParseAddr: no --web argument panics, and what it accepts listens.
func FuzzParseAddr(f *testing.F) {
	for _, s := range []string{"", "8080", ":1", "[::1]:0", "a:b:c", "%zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseAddr(s)
		if err == nil {
			if _, _, err := net.SplitHostPort(a); err != nil {
				t.Errorf("ParseAddr(%q) = %q, not HOST:PORT", s, a)
			}
		}
		_ = LooksLikeAddr(s)
	})
}

func TestTopologyJSON(t *testing.T) {
	w, srv := view(t)
	builtintest.MustRun(t, w, nil, twoOnABridge)
	srv.topo.refresh() // rather than wait for the next reading
	var topo topology
	getJSON(t, srv, "/api/topology", &topo)
	topo.Version = 0
	b, _ := json.MarshalIndent(topo, "", "  ")
	emutest.Golden(t, "testdata/topology.json", builtintest.NormMACs(string(b))+"\n")

	// The page learns of changes: a new namespace bumps the version.
	v := srv.topo.Version()
	builtintest.MustRun(t, w, nil, "ip netns add ns9")
	emutest.WaitFor(t, "a new topology version with ns9", func() bool {
		getJSON(t, srv, "/api/topology", &topo)
		return topo.Version > v && topo.Namespaces[len(topo.Namespaces)-1].ID == "netns/ns9"
	})
}

// TestStreamSaysWhatExplainSays: the timeline is --explain's narration
// (a teach.Narrator's lines), and frames come with what the page draws
// them with.
func TestStreamSaysWhatExplainSays(t *testing.T) {
	w, srv := view(t)
	builtintest.MustRun(t, w, nil, twoOnABridge)
	st := openStream(t, srv)
	st.until(t, "hello", func(m sseMsg) bool { return m.event == "hello" })
	var narrated bytes.Buffer
	cats, _ := teach.ParseCategories("")
	n := teach.NewWorldNarrator(w, &narrated, cats)
	detach := w.Bus().Attach(n)
	builtintest.MustRun(t, w, nil, "ip netns exec ns1 ping -c 1 10.0.0.2")
	// Frames still in flight when ping returns (the bridge's own copy of
	// the broadcast) must reach both.
	emutest.WaitFor(t, "the world to go idle", w.Idle)
	detach()
	n.Close()
	want := strings.Split(strings.TrimSuffix(narrated.String(), "\n"), "\n")
	seen := 0
	recs := st.records(t, "as many timeline lines as --explain told", func(r record) bool {
		if r.Cat != "" {
			seen++
		}
		return seen == len(want)
	})
	var got []string
	var request, atPort, echo bool
	for _, r := range recs {
		if r.Cat != "" {
			got = append(got, fmt.Sprintf("%-14s %s", r.Subject, r.Text))
		}
		request = request || r.Cat == "arp" && r.NS == "ns1" && r.Proto == "arp" && r.Bcast && r.FrameSeq != 0 && strings.HasPrefix(r.Text, "→ ARP who-has")
		atPort = atPort || r.Kind == "received" && r.Bridged && r.Dev == "v1-br" && r.Cat == "" && r.Frame
		echo = echo || r.Cat == "icmp" && r.Proto == "icmp" && r.NS == "ns1" && strings.Contains(r.Text, "echo request")
	}
	// Two narrators cut their batches at different moments: compare the
	// lines, not their order.
	if g, w := builtintest.SortLines(strings.Join(got, "\n")), builtintest.SortLines(strings.Join(want, "\n")); g != w {
		t.Errorf("timeline (-explain +stream):\n%s", emutest.Diff(w, g))
	}
	if !request || !atPort || !echo {
		t.Errorf("ARP request from ns1 %v, frame at the bridge port %v, ns1's echo request %v; records:\n%+v", request, atPort, echo, recs)
	}
}

func TestTablesJSON(t *testing.T) {
	w, srv := view(t)
	builtintest.MustRun(t, w, nil, twoOnABridge+routedNAT+"ip netns exec ns1 ping -c 1 10.0.0.2\nip netns exec ns1 ping -c 2 10.1.0.2\n")
	ns1, _ := w.Namespace("ns1")
	var mac1 string
	for _, li := range ns1.LinkInfos() {
		if li.Name == "v1" {
			mac1 = li.MAC.String()
		}
	}
	var host tables
	emutest.WaitFor(t, "the NAT rewrites in the host's tables", func() bool {
		getJSON(t, srv, "/api/ns?id=host", &host)
		return len(host.NAT) > 0
	})
	if len(host.Bridges) != 1 || host.Bridges[0].Name != "br0" || host.Bridges[0].Ageing != 300 {
		t.Fatalf("host bridges: %+v", host.Bridges)
	}
	learned := false
	for _, e := range host.Bridges[0].CAM {
		if e.MAC == mac1 && e.Port == "v1-br" && !e.Local && e.Age >= 0 && e.Age < 300 {
			learned = true
		}
	}
	if !learned {
		t.Errorf("no CAM entry %s on v1-br: %+v", mac1, host.Bridges[0].CAM)
	}
	if !host.Forwarding {
		t.Errorf("host forwarding off")
	}
	var masq *iptRule
	for _, tb := range host.IPTables {
		for _, c := range tb.Chains {
			for i, r := range c.Rules {
				if tb.Table == "nat" && r.Spec == "-A POSTROUTING -s 10.0.0.0/24 -o v3-h -j MASQUERADE" {
					masq = &c.Rules[i]
				}
			}
		}
	}
	if masq == nil || masq.Packets == 0 {
		t.Errorf("no MASQUERADE rule with its counters: %+v", host.IPTables)
	}
	if host.NAT[0].What != "MASQUERADE 10.0.0.1 → 10.1.0.1 (source)" || host.NAT[0].Count < 1 {
		t.Errorf("NAT rows: %+v", host.NAT)
	}
	var t1 tables
	getJSON(t, srv, "/api/ns?id=netns/ns1", &t1)
	wantRoutes := []string{"default via 10.0.0.254 dev v1", "10.0.0.0/24 dev v1 proto kernel scope link src 10.0.0.1"}
	if strings.Join(t1.Routes, "\n") != strings.Join(wantRoutes, "\n") {
		t.Errorf("ns1 routes:\n%s\nwant:\n%s", strings.Join(t1.Routes, "\n"), strings.Join(wantRoutes, "\n"))
	}
	reachable := false
	for _, nb := range t1.Neighbours {
		if nb.Addr == "10.0.0.2" && nb.Dev == "v1" && nb.MAC != "" && nb.State != "" && nb.State != "INCOMPLETE" {
			reachable = true
		}
	}
	if !reachable || len(t1.Devices) != 2 || t1.Devices[1].Addrs[0] != "10.0.0.1/24" || t1.Devices[1].Peer != "host/v1-br" {
		t.Errorf("ns1 tables: %+v", t1)
	}
}

func TestFrameJSON(t *testing.T) {
	w, srv := view(t)
	builtintest.MustRun(t, w, nil, twoOnABridge)
	st := openStream(t, srv)
	builtintest.MustRun(t, w, nil, "ip netns exec ns1 ping -c 1 10.0.0.2")
	var arp, echo int64
	st.records(t, "ns1's echo request", func(r record) bool {
		switch {
		case r.NS == "ns1" && r.Kind == "sent" && r.Proto == "arp" && arp == 0:
			arp = r.Seq
		case r.NS == "ns1" && r.Kind == "sent" && r.Proto == "icmp":
			echo = r.Seq
		}
		return echo != 0
	})
	var f frameStory
	getJSON(t, srv, fmt.Sprintf("/api/frame?seq=%d", arp), &f)
	if f.Layers[1].Summary != "Address Resolution Protocol (request)" || !strings.Contains(f.Decision[0], "no neighbour entry for 10.0.0.2") {
		t.Errorf("ARP request's story: %+v", f)
	}
	getJSON(t, srv, fmt.Sprintf("/api/frame?seq=%d", echo), &f)
	names := []string{}
	for _, l := range f.Layers {
		names = append(names, l.Name)
	}
	if strings.Join(names, ",") != "Ethernet II,IPv4,ICMP,Data" {
		t.Errorf("echo request's layers: %v", names)
	}
	if len(f.Decision) == 0 || f.Decision[0] != "ns1: route to 10.0.0.2: 10.0.0.0/24 dev v1 (connected)" {
		t.Errorf("echo request's decision: %q", f.Decision)
	}
	if !strings.Contains(f.Summary, "ICMP echo request") {
		t.Errorf("summary %q", f.Summary)
	}
}

func TestBadRequests(t *testing.T) {
	_, srv := view(t)
	cases := []struct {
		method, path, ctype, body string
		want                      int
	}{
		{"GET", "/nope", "", "", http.StatusNotFound},
		{"GET", "/api/ns", "", "", http.StatusBadRequest},
		{"GET", "/api/ns?id=netns/nosuch", "", "", http.StatusNotFound},
		{"GET", "/api/frame", "", "", http.StatusBadRequest},
		{"GET", "/api/frame?seq=abc", "", "", http.StatusBadRequest},
		{"GET", "/api/frame?seq=-1", "", "", http.StatusBadRequest},
		{"GET", "/api/frame?seq=99999999", "", "", http.StatusNotFound},
		{"POST", "/api/step", "text/plain", `{"action":"next"}`, http.StatusUnsupportedMediaType},
		{"POST", "/api/step", "application/json", `{"action":`, http.StatusBadRequest},
		{"POST", "/api/step", "application/json", `{"action":"next"}`, http.StatusConflict},
		{"PUT", "/api/step", "application/json", `{}`, http.StatusMethodNotAllowed},
		{"POST", "/api/topology", "", "", http.StatusMethodNotAllowed},
		{"GET", "/assets/nope.js", "", "", http.StatusNotFound},
	}
	for _, c := range cases {
		req, _ := http.NewRequest(c.method, strings.TrimSuffix(srv.URL(), "/")+c.path, strings.NewReader(c.body))
		if c.ctype != "" {
			req.Header.Set("Content-Type", c.ctype)
		}
		resp, err := httpc.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", c.method, c.path, err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("%s %s: %d, want %d", c.method, c.path, resp.StatusCode, c.want)
		}
	}
	srv.Stepper(context.Background(), nil)
	if code := postStep(t, srv, "jump"); code != http.StatusBadRequest {
		t.Errorf("action jump: %d, want 400", code)
	}
}

func TestClosedTabFreesItsStream(t *testing.T) {
	_, srv := view(t)
	a, b := openStream(t, srv), openStream(t, srv)
	emutest.WaitFor(t, "two streams", func() bool { return srv.Clients() == 2 })
	a.close()
	emutest.WaitFor(t, "the closed stream to go", func() bool { return srv.Clients() == 1 })
	b.close()
	emutest.WaitFor(t, "no stream", func() bool { return srv.Clients() == 0 })
}

// TestStepFromThePage: the script waits before its first command; "next"
// runs to the first event (ns1's ARP request) with the clock paused
// there; "continue" runs to the end.
func TestStepFromThePage(t *testing.T) {
	w, srv := view(t)
	builtintest.MustRun(t, w, nil, twoOnABridge)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st := srv.Stepper(ctx, cancel)
	sh := newShell(w)
	sh.OnCommand = st.BeforeCommand
	done := make(chan error, 1)
	go func() {
		done <- sh.RunScript(ctx, "ping.sh", strings.NewReader("ip netns exec ns1 ping -c 1 10.0.0.2\n"), nil)
	}()
	stream := openStream(t, srv)
	var s stepState
	emutest.WaitFor(t, "the pause before line 1", func() bool {
		getJSON(t, srv, "/api/step", &s)
		return s.Paused && s.What == "line 1: ip netns exec ns1 ping -c 1 10.0.0.2"
	})
	if code := postStep(t, srv, "next"); code != http.StatusOK {
		t.Fatalf("next: %d", code)
	}
	m := stream.until(t, "the pause at the ARP request", func(m sseMsg) bool {
		return m.event == "step" && bytes.Contains(m.data, []byte("ARP who-has 10.0.0.2 tell 10.0.0.1"))
	})
	if err := json.Unmarshal(m.data, &s); err != nil || !s.Paused || s.Mode != "event" || s.At == 0 {
		t.Errorf("step state %s: %v", m.data, err)
	}
	if !w.Clock().Paused() {
		t.Errorf("the clock runs during the pause")
	}
	if code := postStep(t, srv, "continue"); code != http.StatusOK {
		t.Fatalf("continue: %d", code)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("script: %v", err)
		}
	case <-time.After(emutest.Deadline):
		t.Fatal("the script did not end after continue")
	}
	getJSON(t, srv, "/api/step", &s)
	if s.Paused || s.Mode != "off" {
		t.Errorf("after continue: %+v", s)
	}
}

// TestStepperReleasedOnClose: closing the view lets a pause waiting for
// the page go on (Ctrl-C while paused must not hang the world).
func TestStepperReleasedOnClose(t *testing.T) {
	w := builtintest.World(t)
	srv, err := Start(w, Options{})
	if err != nil {
		t.Fatal(err)
	}
	builtintest.MustRun(t, w, nil, twoOnABridge)
	st := srv.Stepper(context.Background(), nil)
	sh := newShell(w)
	sh.OnCommand = st.BeforeCommand
	done := make(chan error, 1)
	go func() {
		done <- sh.RunScript(context.Background(), "ping.sh", strings.NewReader("ip netns exec ns1 ping -c 1 10.0.0.2\n"), nil)
	}()
	emutest.WaitFor(t, "the pause", func() bool { return srv.step.current().Paused })
	srv.Close()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("script: %v", err)
		}
	case <-time.After(emutest.Deadline):
		t.Fatal("the script hangs on a pause after Close")
	}
}

// TestStepperReleasedOnInterrupt: Ctrl-C while the script waits before a
// command ends the script (the pause is on the script's own goroutine).
func TestStepperReleasedOnInterrupt(t *testing.T) {
	w, srv := view(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st := srv.Stepper(ctx, cancel)
	sh := newShell(w)
	sh.OnCommand = st.BeforeCommand
	done := make(chan error, 1)
	go func() {
		done <- sh.RunScript(ctx, "wait.sh", strings.NewReader("ip netns add never\n"), nil)
	}()
	emutest.WaitFor(t, "the pause before line 1", func() bool { return srv.step.current().Paused })
	cancel()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "interrupted") {
			t.Errorf("script: %v, want interrupted", err)
		}
	case <-time.After(emutest.Deadline):
		t.Fatal("the script hangs on a pause after Ctrl-C")
	}
	if _, err := w.Namespace("never"); err == nil {
		t.Errorf("the interrupted command ran")
	}
}

func TestCaptureDownload(t *testing.T) {
	w, srv := view(t)
	builtintest.MustRun(t, w, nil, twoOnABridge+"ip netns exec ns1 ping -c 2 10.0.0.2\n")
	var frames int
	var taps map[string]bool
	emutest.WaitFor(t, "the ping's frames in the capture", func() bool {
		code, body := get(t, srv, "/capture.pcapng")
		if code != http.StatusOK {
			t.Fatalf("GET /capture.pcapng: %d", code)
		}
		frames, taps = readPcapng(t, body)
		return frames >= 2*(2+4) // ARP request and reply, two echoes and replies, at two taps
	})
	for _, tap := range []string{"ns1/v1", "host/v1-br", "host/v2-br", "ns2/v2"} {
		if !taps[tap] {
			t.Errorf("no interface %s in the capture (have %v)", tap, taps)
		}
	}
}

// TestVendoredFiles: the embedded library is the one vendor/README.md
// names (a changed file must change its checksum there too).
func TestVendoredFiles(t *testing.T) {
	lib, err := assets.ReadFile("assets/vendor/cytoscape.esm.min.mjs")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := assets.ReadFile("assets/vendor/README.md")
	if err != nil {
		t.Fatal(err)
	}
	sum := fmt.Sprintf("%x", sha256.Sum256(lib))
	if !bytes.Contains(readme, []byte(sum)) {
		t.Errorf("assets/vendor/README.md does not name the sha256 of cytoscape.esm.min.mjs, %s", sum)
	}
}

// TestAssetsOffline: everything the page loads is embedded; nothing comes
// from another site.
func TestAssetsOffline(t *testing.T) {
	page, _ := assets.ReadFile("assets/index.html")
	refs := regexp.MustCompile(`(?:src|href)="([^"]*)"`).FindAllStringSubmatch(string(page), -1)
	js, _ := fs.Glob(assets, "assets/*.js")
	for _, f := range js {
		b, _ := assets.ReadFile(f)
		for _, m := range regexp.MustCompile(`from '\./([^']+)'`).FindAllStringSubmatch(string(b), -1) {
			refs = append(refs, []string{"", "/assets/" + m[1]})
		}
	}
	if len(refs) < 5 {
		t.Fatalf("found only %d references", len(refs))
	}
	for _, r := range refs {
		ref := r[1]
		switch {
		case ref == "data:,":
		case strings.HasPrefix(ref, "/assets/"):
			if _, err := assets.ReadFile("assets/" + strings.TrimPrefix(ref, "/assets/")); err != nil {
				t.Errorf("%s is not embedded", ref)
			}
		case ref == "/capture.pcapng":
		default:
			t.Errorf("the page loads %q, from outside", ref)
		}
	}
}
