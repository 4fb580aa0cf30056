package docker

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/dns/dnsmessage"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/stack"
	"github.com/nsemu/nsemu/stack/netfilter"
)

func newEngine(t *testing.T) (*emu.World, *Engine) {
	t.Helper()
	w := emu.New(emu.Options{})
	t.Cleanup(w.Close)
	e, err := For(w.Host())
	if err != nil {
		t.Fatal(err)
	}
	return w, e
}

func run(t *testing.T, e *Engine, o RunOptions) *Container {
	t.Helper()
	c, err := e.Run(o, AttachIO{})
	if err != nil {
		t.Fatalf("run %+v: %v", o, err)
	}
	return c
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// httpGet fetches http://dst/ from a namespace.
func httpGet(ns *emu.Namespace, dst string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	tr := &http.Transport{DisableKeepAlives: true, DialContext: func(ctx context.Context, _, addr string) (net.Conn, error) {
		return ns.DialTCP(ctx, netip.MustParseAddrPort(addr))
	}}
	defer tr.CloseIdleConnections()
	req, _ := http.NewRequestWithContext(ctx, "GET", "http://"+dst+"/", nil)
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}

func ping(ns *emu.Namespace, dst string) error {
	_, err := ns.Ping(context.Background(), netip.MustParseAddr(dst), time.Second)
	return err
}

// lan puts a machine on a LAN with the host: host eth0 192.0.2.10/24,
// the machine's eth0 192.0.2.3/24.
func lan(t *testing.T, w *emu.World) *emu.Namespace {
	t.Helper()
	m, err := w.AddNamespace("lan-host")
	must(t, err)
	h := w.Host()
	_, _, err = h.AddVeth("eth0", "eth0", m)
	must(t, err)
	must(t, h.AddAddr("eth0", netip.MustParsePrefix("192.0.2.10/24")))
	must(t, m.AddAddr("eth0", netip.MustParsePrefix("192.0.2.3/24")))
	must(t, h.SetLinkUp("eth0", true))
	must(t, m.SetLinkUp("eth0", true))
	must(t, m.SetLinkUp("lo", true))
	return m
}

func rulesOf(t *testing.T, st *stack.Stack, table, chain string) []netfilter.Rule {
	t.Helper()
	cs, err := st.Netfilter().List(table)
	must(t, err)
	for _, c := range cs {
		if c.Name == chain {
			var out []netfilter.Rule
			for _, r := range c.Rules {
				out = append(out, r.Rule)
			}
			return out
		}
	}
	t.Fatalf("no chain %s in %s", chain, table)
	return nil
}

// TestEngineStart: the daemon's start-up makes docker0 (172.17.0.1/16, a
// 02:42 MAC), turns ip_forward on and installs Docker's chains.
func TestEngineStart(t *testing.T) {
	w, _ := newEngine(t)
	h := w.Host()
	d, err := h.Link("docker0")
	must(t, err)
	if d.Kind != emu.KindBridge || !strings.HasPrefix(d.MAC().String(), "02:42:") || !d.IsUp() {
		t.Fatalf("docker0: kind %v MAC %s up %v", d.Kind, d.MAC(), d.IsUp())
	}
	if a := d.Addrs(); len(a) != 1 || a[0].String() != "172.17.0.1/16" {
		t.Fatalf("docker0 addresses %v", a)
	}
	if !h.Stack().Forwarding() {
		t.Fatal("ip_forward is off")
	}
	cs, err := h.Stack().Netfilter().List("filter")
	must(t, err)
	names := map[string]netfilter.ChainStat{}
	for _, c := range cs {
		names[c.Name] = c
	}
	for _, n := range []string{"DOCKER", "DOCKER-USER", "DOCKER-ISOLATION-STAGE-1", "DOCKER-ISOLATION-STAGE-2"} {
		if _, ok := names[n]; !ok {
			t.Errorf("no chain %s", n)
		}
	}
	if names["FORWARD"].Policy != "DROP" {
		t.Errorf("FORWARD policy %s", names["FORWARD"].Policy)
	}
	fwd := rulesOf(t, h.Stack(), "filter", "FORWARD")
	if len(fwd) != 6 || fwd[0].Target != "DOCKER-USER" || fwd[2].CtState != "RELATED,ESTABLISHED" || fwd[2].Out != "docker0" {
		t.Errorf("FORWARD: %+v", fwd)
	}
	post := rulesOf(t, h.Stack(), "nat", "POSTROUTING")
	if len(post) != 1 || post[0].Src.String() != "172.17.0.0/16" || post[0].Out != "docker0" || !post[0].NotOut || post[0].Target != "MASQUERADE" {
		t.Errorf("POSTROUTING: %+v", post)
	}
	// A second For is the same engine.
	if e2, _ := For(h); e2 == nil || len(e2.Networks()) != 3 {
		t.Fatal("For made a second engine")
	}
}

func TestTwoNginxOnDocker0(t *testing.T) {
	w, e := newEngine(t)
	h := w.Host()
	n1 := run(t, e, RunOptions{Name: "nginx-1", Image: "nginx"})
	n2 := run(t, e, RunOptions{Name: "nginx-2", Image: "nginx:latest"})
	ep1, ep2 := n1.Endpoints()[0], n2.Endpoints()[0]
	if ep1.IP.String() != "172.17.0.2" || ep2.IP.String() != "172.17.0.3" {
		t.Fatalf("addresses %s %s", ep1.IP, ep2.IP)
	}
	if ep1.MAC.String() != "02:42:ac:11:00:02" || ep1.IfName != "eth0" || !strings.HasPrefix(ep1.HostVeth, "veth") || len(ep1.HostVeth) != 11 {
		t.Fatalf("endpoint %+v", ep1)
	}
	// The pair: eth0@ifN ⇄ vethXXXXXXX@ifM, on docker0, the container's
	// end first (the lower ifindex).
	ns1 := n1.Namespace()
	eth0, err := ns1.Link("eth0")
	must(t, err)
	veth, err := h.Link(ep1.HostVeth)
	must(t, err)
	if eth0.PeerIndex() != veth.Index() || veth.PeerIndex() != eth0.Index() || eth0.Index() >= veth.Index() {
		t.Fatalf("eth0 %d@if%d, %s %d@if%d", eth0.Index(), eth0.PeerIndex(), veth.Name(), veth.Index(), veth.PeerIndex())
	}
	if veth.Master() == nil || veth.Master().Name() != "docker0" || !veth.IsUp() || eth0.MAC().String() != "02:42:ac:11:00:02" {
		t.Fatalf("veth master %v up %v, eth0 MAC %s", veth.Master(), veth.IsUp(), eth0.MAC())
	}
	lo, _ := ns1.Link("lo")
	if !lo.IsUp() {
		t.Fatal("lo is down in the container")
	}
	var def bool
	for _, r := range ns1.Stack().Routes() {
		def = def || (r.IsDefault() && r.Gateway.String() == "172.17.0.1" && r.Dev == "eth0")
	}
	if !def {
		t.Fatalf("routes %+v", ns1.Stack().Routes())
	}
	// The container's namespace is hidden from ip netns.
	if len(w.Namespaces()) != 0 || !ns1.Hidden() {
		t.Fatal("a container's namespace is listed by ip netns")
	}
	must(t, ping(ns1, ep2.IP.String()))
	body, err := httpGet(h, "172.17.0.3:80")
	if err != nil || !strings.Contains(body, "Welcome to nginx!") || len(body) != 615 {
		t.Fatalf("host → nginx-2: %d bytes %v", len(body), err)
	}
	var access bool
	for _, l := range n2.Logs() {
		access = access || l.Stream == "stdout" && strings.HasPrefix(l.Text, "172.17.0.1 - - [") && strings.Contains(l.Text, `"GET / HTTP/1.1" 200 615 "-" "Go-http-client/1.1" "-"`)
	}
	if !access {
		t.Fatalf("no access line in nginx-2's log: %+v", n2.Logs())
	}
	// docker rm -f: the pair and the namespace go, the address is free.
	must(t, e.Remove(n1, true))
	if _, err := h.Link(ep1.HostVeth); err == nil {
		t.Fatal("the veth survived docker rm")
	}
	if len(w.AllNamespaces()) != 2 {
		t.Fatalf("%d namespaces after rm, want the host and nginx-2's", len(w.AllNamespaces()))
	}
	n3 := run(t, e, RunOptions{Image: "busybox"})
	if n3.Endpoints()[0].IP.String() != "172.17.0.2" || n3.Name == "" {
		t.Fatalf("a new container got %s (name %q), want the freed 172.17.0.2", n3.Endpoints()[0].IP, n3.Name)
	}
}

func TestHttpd(t *testing.T) {
	w, e := newEngine(t)
	c := run(t, e, RunOptions{Name: "web", Image: "httpd:2.4"})
	body, err := httpGet(w.Host(), c.Endpoints()[0].IP.String()+":80")
	if err != nil || body != HttpdItWorks {
		t.Fatalf("httpd said %q, %v", body, err)
	}
	last := c.Logs()[len(c.Logs())-1]
	if !strings.HasSuffix(last.Text, `"GET / HTTP/1.1" 200 45`) {
		t.Fatalf("last log line %q", last.Text)
	}
}

func TestNoneMode(t *testing.T) {
	_, e := newEngine(t)
	c := run(t, e, RunOptions{Name: "none", Image: "hwchiu/netutils", Network: "none"})
	ns := c.Namespace()
	if l := ns.Links(); len(l) != 1 || l[0].Name() != "lo" || !l[0].IsUp() {
		t.Fatalf("links %v", l)
	}
	if err := ping(ns, "172.17.0.1"); !errors.Is(err, stack.ErrNetworkUnreachable) {
		t.Fatalf("ping from none: %v", err)
	}
	if len(c.Endpoints()) != 0 {
		t.Fatal("a none container has an endpoint")
	}
}

// TestHostMode: the container runs in the engine's namespace; a second
// nginx there cannot bind port 80, exits 1 and logs why.
func TestHostMode(t *testing.T) {
	w, e := newEngine(t)
	h1 := run(t, e, RunOptions{Name: "h1", Image: "nginx", Network: "host"})
	if h1.Namespace() != w.Host() {
		t.Fatal("a host-mode container has a namespace of its own")
	}
	body, err := httpGet(w.Host(), "127.0.0.1:80")
	if err != nil || !strings.Contains(body, "Welcome to nginx!") {
		t.Fatalf("host nginx: %v", err)
	}
	h2, err := e.Run(RunOptions{Name: "h2", Image: "nginx", Network: "host"}, AttachIO{})
	must(t, err)
	code, err := e.Wait(context.Background(), h2)
	if err != nil || code != 1 {
		t.Fatalf("second host nginx exited %d, %v; want 1", code, err)
	}
	found := false
	for _, l := range h2.Logs() {
		found = found || (l.Stream == "stderr" && strings.HasSuffix(l.Text, "bind() to 0.0.0.0:80 failed (98: Address already in use)"))
	}
	if !found {
		t.Fatalf("no bind error in the log: %+v", h2.Logs())
	}
	if j := e.Inspect(h2); j.State.Status != "exited" || j.State.ExitCode != 1 || j.HostConfig.NetworkMode != "host" {
		t.Fatalf("inspect: %+v", j.State)
	}
	// Stopping h1 frees the port.
	must(t, e.Stop(h1))
	if _, err := httpGet(w.Host(), "127.0.0.1:80"); err == nil {
		t.Fatal("port 80 still answers after docker stop")
	}
}

// TestContainerMode: --network container:X shares X's namespace (lo
// included: the pod model); joining a stopped container is refused and
// leaves a created container and nothing else.
func TestContainerMode(t *testing.T) {
	w, e := newEngine(t)
	web := run(t, e, RunOptions{Name: "web", Image: "nginx"})
	side := run(t, e, RunOptions{Name: "side", Image: "busybox", Network: "container:" + web.ID[:5]})
	if side.Namespace() != web.Namespace() {
		t.Fatal("the sidecar has a namespace of its own")
	}
	if body, err := httpGet(side.Namespace(), "127.0.0.1:80"); err != nil || !strings.Contains(body, "nginx") {
		t.Fatalf("localhost from the sidecar: %v", err)
	}
	if e.Inspect(side).Config.Hostname != e.Inspect(web).Config.Hostname {
		t.Fatal("the sidecar's hostname differs from its pod's")
	}
	// The owner stops: the sidecar keeps the namespace (lo only now).
	must(t, e.Stop(web))
	if ns := side.Namespace(); ns == nil || !ns.Hidden() {
		t.Fatal("the sidecar lost its namespace")
	}
	if _, err := side.Namespace().Link("eth0"); err == nil {
		t.Fatal("eth0 survived its owner")
	}
	before := len(w.AllNamespaces())
	late, err := e.Run(RunOptions{Name: "late", Image: "busybox", Network: "container:web"}, AttachIO{})
	if err == nil || err.Error() != "cannot join network of a non running container: web" {
		t.Fatalf("joining a stopped container: %v", err)
	}
	if late == nil || late.IsRunning() || e.Inspect(late).State.Status != "created" {
		t.Fatal("the failed container is not left created")
	}
	if len(w.AllNamespaces()) != before {
		t.Fatal("a failed start left a namespace behind")
	}
	if _, err := e.Create(RunOptions{Image: "busybox", Network: "container:nosuch"}); err == nil || !strings.Contains(err.Error(), "No such container: nosuch") {
		t.Fatalf("container:nosuch: %v", err)
	}
	if _, err := e.Create(RunOptions{Image: "busybox", Network: "container:web", Ports: []PortBinding{{ContainerPort: 80, Proto: "tcp"}}}); err == nil {
		t.Fatal("-p with container: mode was accepted")
	}
	// The last user gone, the namespace goes.
	ns := side.Namespace()
	must(t, e.Remove(side, true))
	for _, n := range w.AllNamespaces() {
		if n == ns {
			t.Fatal("the shared namespace outlived its last container")
		}
	}
}

// TestPublish: -p 8080:80 is reachable from another machine through the
// DNAT rule, from the host itself on 127.0.0.1 through the proxy, and on
// the host's own address; removing the container removes its rules.
func TestPublish(t *testing.T) {
	w, e := newEngine(t)
	m := lan(t, w)
	b, err := ParsePort("8080:80")
	must(t, err)
	web := run(t, e, RunOptions{Name: "web", Image: "nginx", Ports: []PortBinding{b}})
	for _, x := range []struct {
		ns  *emu.Namespace
		dst string
	}{{m, "192.0.2.10:8080"}, {w.Host(), "127.0.0.1:8080"}, {w.Host(), "192.0.2.10:8080"}} {
		if body, err := httpGet(x.ns, x.dst); err != nil || !strings.Contains(body, "Welcome to nginx!") {
			t.Fatalf("%s → %s: %v", x.ns.Name(), x.dst, err)
		}
	}
	// The other machine's request kept its source (DNAT only).
	var fromLAN bool
	for _, l := range web.Logs() {
		fromLAN = fromLAN || strings.HasPrefix(l.Text, "192.0.2.3 - - ")
	}
	if !fromLAN {
		t.Fatalf("nginx did not see 192.0.2.3: %+v", web.Logs())
	}
	dnat := rulesOf(t, w.Host().Stack(), "nat", "DOCKER")
	if len(dnat) != 2 || dnat[1].Target != "DNAT" || dnat[1].ToAddr.String() != "172.17.0.2" || dnat[1].ToPort != 80 || dnat[1].DPort.Lo != 8080 || !dnat[1].NotIn {
		t.Fatalf("nat DOCKER: %+v", dnat)
	}
	if f := rulesOf(t, w.Host().Stack(), "filter", "DOCKER"); len(f) != 1 || f[0].Dst.String() != "172.17.0.2/32" || f[0].DPort.Lo != 80 {
		t.Fatalf("filter DOCKER: %+v", f)
	}
	// The port is taken: a second container fails to start, with
	// nothing of its network left.
	_, err = e.Run(RunOptions{Name: "web2", Image: "nginx", Ports: []PortBinding{b}}, AttachIO{})
	if err == nil || !strings.Contains(err.Error(), "Bind for 0.0.0.0:8080 failed: port is already allocated") {
		t.Fatalf("second -p 8080: %v", err)
	}
	if n := len(w.Host().Slaves("docker0")); n != 1 {
		t.Fatalf("docker0 has %d ports after a failed start", n)
	}
	must(t, e.Remove(web, true))
	if r := rulesOf(t, w.Host().Stack(), "nat", "DOCKER"); len(r) != 1 {
		t.Fatalf("nat DOCKER after rm: %+v", r)
	}
	if r := rulesOf(t, w.Host().Stack(), "filter", "DOCKER"); len(r) != 0 {
		t.Fatalf("filter DOCKER after rm: %+v", r)
	}
	if _, err := httpGet(w.Host(), "127.0.0.1:8080"); err == nil {
		t.Fatal("the proxy survived docker rm")
	}
	for _, bad := range []string{"abc", "8080:abc", "99999:80", "1.2.3:80:80", "80/sctp"} {
		if _, err := ParsePort(bad); err == nil {
			t.Errorf("ParsePort(%q) accepted", bad)
		}
	}
	if p, err := ParsePort("127.0.0.1:9000:90/udp"); err != nil || p.HostIP.String() != "127.0.0.1" || p.HostPort != 9000 || p.ContainerPort != 90 || p.Proto != "udp" {
		t.Errorf("ParsePort: %+v %v", p, err)
	}
}

// TestMasquerade: a container reaches another machine of the host's LAN
// through docker0, forwarding and Docker's MASQUERADE rule; the machine
// sees the host's address; replies come back through FORWARD's DROP
// policy thanks to the RELATED,ESTABLISHED rule, new connections do not.
func TestMasquerade(t *testing.T) {
	w, e := newEngine(t)
	m := lan(t, w)
	c := run(t, e, RunOptions{Name: "c", Image: "busybox"})
	must(t, ping(c.Namespace(), "192.0.2.3"))
	l, err := m.ListenTCP(netip.MustParseAddrPort("0.0.0.0:9000"))
	must(t, err)
	defer l.Close()
	got := make(chan string, 1)
	go func() {
		conn, err := l.Accept()
		if err != nil {
			got <- err.Error()
			return
		}
		got <- conn.RemoteAddr().String()
		conn.Write([]byte("hi"))
		conn.Close()
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := c.Namespace().DialTCP(ctx, netip.MustParseAddrPort("192.0.2.3:9000"))
	must(t, err)
	buf := make([]byte, 2)
	if _, err := io.ReadFull(conn, buf); err != nil || string(buf) != "hi" {
		t.Fatalf("reply through FORWARD: %q %v", buf, err)
	}
	conn.Close()
	if from := <-got; !strings.HasPrefix(from, "192.0.2.10:") {
		t.Fatalf("the LAN machine saw %s, want the host's 192.0.2.10", from)
	}
	// A new connection from the LAN to the container is dropped.
	must(t, m.Stack().AddRoute(stack.Route{Dst: netip.MustParsePrefix("172.17.0.0/16"), Gateway: netip.MustParseAddr("192.0.2.10")}))
	if err := ping(m, "172.17.0.2"); err == nil {
		t.Fatal("the LAN machine reached an unpublished container through FORWARD's DROP policy")
	}
}

// dnsQuery asks the embedded server of ns for name's A records.
func dnsQuery(t *testing.T, ns *emu.Namespace, name string) ([]netip.Addr, dnsmessage.RCode) {
	t.Helper()
	conn, err := ns.DialUDP(DNSAddr)
	must(t, err)
	defer conn.Close()
	b := dnsmessage.NewBuilder(nil, dnsmessage.Header{ID: 7, RecursionDesired: true})
	b.StartQuestions()
	b.Question(dnsmessage.Question{Name: dnsmessage.MustNewName(name + "."), Type: dnsmessage.TypeA, Class: dnsmessage.ClassINET})
	q, _ := b.Finish()
	conn.Write(q)
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 1500)
	n, err := conn.Read(buf)
	must(t, err)
	var p dnsmessage.Parser
	h, err := p.Start(buf[:n])
	must(t, err)
	p.SkipAllQuestions()
	var out []netip.Addr
	for {
		if _, err := p.AnswerHeader(); err != nil {
			break
		}
		r, err := p.AResource()
		must(t, err)
		out = append(out, netip.AddrFrom4(r.A))
	}
	return out, h.RCode
}

// TestUserNetworks: docker network create makes br-<12 hex> on the next
// free pool; names resolve through the embedded DNS server; networks are
// isolated from each other; bad requests leave nothing behind.
func TestUserNetworks(t *testing.T) {
	w, e := newEngine(t)
	h := w.Host()
	n1, err := e.CreateNetwork(NetworkOptions{Name: "front"})
	must(t, err)
	if n1.Subnet.String() != "172.18.0.0/16" || n1.Gateway.String() != "172.18.0.1" || n1.Bridge != "br-"+n1.ID[:12] {
		t.Fatalf("front: %s %s %s", n1.Subnet, n1.Gateway, n1.Bridge)
	}
	if _, err := h.Link(n1.Bridge); err != nil {
		t.Fatal(err)
	}
	n2, err := e.CreateNetwork(NetworkOptions{Name: "back", Subnet: "10.20.0.0/24", Gateway: "10.20.0.254"})
	must(t, err)
	web := run(t, e, RunOptions{Name: "web", Image: "nginx", Network: "front"})
	cli := run(t, e, RunOptions{Name: "cli", Image: "busybox", Network: "front"})
	other := run(t, e, RunOptions{Name: "other", Image: "busybox", Network: "back", IP: netip.MustParseAddr("10.20.0.9")})
	if web.Endpoints()[0].IP.String() != "172.18.0.2" || other.Endpoints()[0].IP.String() != "10.20.0.9" {
		t.Fatalf("addresses %s %s", web.Endpoints()[0].IP, other.Endpoints()[0].IP)
	}
	addrs, rc := dnsQuery(t, cli.Namespace(), "web")
	if rc != dnsmessage.RCodeSuccess || len(addrs) != 1 || addrs[0].String() != "172.18.0.2" {
		t.Fatalf("web → %v %v", addrs, rc)
	}
	if addrs, _ := dnsQuery(t, cli.Namespace(), "WEB.front"); len(addrs) != 1 {
		t.Fatalf("WEB.front → %v", addrs)
	}
	if addrs, _ := dnsQuery(t, cli.Namespace(), web.ID[:12]); len(addrs) != 1 {
		t.Fatalf("short ID → %v", addrs)
	}
	if _, rc := dnsQuery(t, cli.Namespace(), "other"); rc != dnsmessage.RCodeNameError {
		t.Fatalf("a container of another network resolved: %v", rc)
	}
	// Isolation: front cannot reach back, nor the other way.
	must(t, ping(cli.Namespace(), "172.18.0.2"))
	if err := ping(cli.Namespace(), "10.20.0.9"); err == nil {
		t.Fatal("front reached back")
	}
	if err := ping(other.Namespace(), "172.18.0.2"); err == nil {
		t.Fatal("back reached front")
	}
	// Connect joins a second network as eth1; then the ping works.
	must(t, e.Connect("back", "cli", netip.Addr{}))
	eps := cli.Endpoints()
	if len(eps) != 2 || eps[1].IfName != "eth1" || eps[1].IP.String() != "10.20.0.1" {
		t.Fatalf("after connect: %+v", eps)
	}
	must(t, ping(cli.Namespace(), "10.20.0.9"))
	if err := e.Connect("back", "cli", netip.Addr{}); err == nil {
		t.Fatal("connecting twice succeeded")
	}
	must(t, e.Disconnect("back", "cli"))
	if _, err := cli.Namespace().Link("eth1"); err == nil {
		t.Fatal("eth1 survived disconnect")
	}

	// Errors, and nothing half-made.
	links := len(h.Links())
	for _, o := range []NetworkOptions{
		{Name: "front"},
		{Name: "x", Subnet: "172.18.5.0/24"},
		{Name: "x", Subnet: "10.0.0.0/33"},
		{Name: "x", Gateway: "10.1.0.1"},
		{Name: "x", Subnet: "10.30.0.0/24", Gateway: "10.31.0.1"},
		{Name: "bad name"},
	} {
		if _, err := e.CreateNetwork(o); err == nil {
			t.Errorf("CreateNetwork(%+v) succeeded", o)
		}
	}
	if _, err := e.CreateNetwork(NetworkOptions{Name: "x", Subnet: "172.18.5.0/24"}); err == nil || err.Error() != "Pool overlaps with other one on this address space" {
		t.Errorf("overlap: %v", err)
	}
	if len(h.Links()) != links {
		t.Fatal("a failed network create left a device")
	}
	if err := e.RemoveNetwork("front"); err == nil || !strings.Contains(err.Error(), "has active endpoints") {
		t.Fatalf("rm of a used network: %v", err)
	}
	if err := e.RemoveNetwork("bridge"); err == nil || err.Error() != "bridge is a pre-defined network and cannot be removed" {
		t.Fatalf("rm bridge: %v", err)
	}
	if _, err := e.Create(RunOptions{Image: "busybox", Network: "nosuch"}); err == nil || err.Error() != "network nosuch not found" {
		t.Fatalf("unknown network: %v", err)
	}
	if _, err := e.Create(RunOptions{Image: "busybox", IP: netip.MustParseAddr("172.17.0.50")}); err == nil {
		t.Fatal("--ip on the default bridge was accepted")
	}
	if _, err := e.Create(RunOptions{Image: "busybox", Network: "front", IP: netip.MustParseAddr("172.18.0.50")}); err == nil {
		t.Fatal("--ip on a network without a user subnet was accepted")
	}
	// Removing the network's containers then the network removes its
	// bridge and rules.
	must(t, e.Remove(other, true))
	must(t, e.RemoveNetwork("back"))
	if _, err := h.Link(n2.Bridge); err == nil {
		t.Fatal("the bridge survived network rm")
	}
	for _, r := range rulesOf(t, h.Stack(), "filter", "FORWARD") {
		if r.In == n2.Bridge || r.Out == n2.Bridge {
			t.Fatalf("rule of a removed network: %+v", r)
		}
	}
}

func TestNamesAndErrors(t *testing.T) {
	w, e := newEngine(t)
	c := run(t, e, RunOptions{Name: "nginx-1", Image: "nginx"})
	if _, err := e.Create(RunOptions{Name: "nginx-1", Image: "nginx"}); err == nil ||
		!strings.HasPrefix(err.Error(), `Conflict. The container name "/nginx-1" is already in use by container "`+c.ID+`"`) {
		t.Fatalf("duplicate name: %v", err)
	}
	for _, ref := range []string{"nginx-1", "/nginx-1", c.ID, c.ID[:12], c.ID[:3]} {
		if x, err := e.Container(ref); err != nil || x != c {
			t.Errorf("Container(%q) = %v, %v", ref, x, err)
		}
	}
	var de *Error
	if _, err := e.Container("nosuch"); !errors.As(err, &de) || !de.NotFound || err.Error() != "No such container: nosuch" {
		t.Fatalf("nosuch: %v", err)
	}
	if _, err := e.Create(RunOptions{Name: "bad name", Image: "busybox"}); err == nil {
		t.Fatal("a bad name was accepted")
	}
	if err := e.Remove(c, false); err == nil || !strings.Contains(err.Error(), "You cannot remove a running container") {
		t.Fatalf("rm running: %v", err)
	}
	// Without a runner (the shell installs one) no command can start: the
	// container is left created, exit code 127, with no namespace.
	before := len(w.AllNamespaces())
	x, err := e.Run(RunOptions{Image: "busybox", Cmd: []string{"true"}}, AttachIO{})
	if err == nil || !strings.Contains(err.Error(), `exec: "true": executable file not found in $PATH`) {
		t.Fatalf("an unknown command: %v", err)
	}
	if j := e.Inspect(x); j.State.Status != "created" || j.State.ExitCode != 127 || len(w.AllNamespaces()) != before {
		t.Fatalf("after a failed start: %+v, %d namespaces", j.State, len(w.AllNamespaces()))
	}
	if _, _, _, err := e.ExecContext(context.Background(), x); err == nil {
		t.Fatal("exec into a created container")
	}
}

// TestSecondEngine: an engine in another namespace is another Docker host,
// with its own docker0 and the same addresses.
func TestSecondEngine(t *testing.T) {
	w, e := newEngine(t)
	node2, err := w.AddNamespace("node2")
	must(t, err)
	e2, err := For(node2)
	must(t, err)
	if e2 == e {
		t.Fatal("the same engine for two namespaces")
	}
	a := run(t, e, RunOptions{Name: "a", Image: "busybox"})
	b := run(t, e2, RunOptions{Name: "a", Image: "busybox"})
	if a.Endpoints()[0].IP != b.Endpoints()[0].IP {
		t.Fatal("the two hosts' first containers have different addresses")
	}
	if _, err := node2.Link("docker0"); err != nil {
		t.Fatal(err)
	}
	// Deleting node2 stops its engine and its containers.
	must(t, w.DelNamespace("node2"))
	if _, ok := Lookup(node2); ok {
		t.Fatal("the engine survived its namespace")
	}
	if b.IsRunning() {
		t.Fatal("a container survived its engine's namespace")
	}
}

// TestParsePortHostIPSet: -p 0.0.0.0:8080:80 is -p 8080:80 inside the
// emulation, but it asks an uplink for every real address.
func TestParsePortHostIPSet(t *testing.T) {
	for spec, set := range map[string]bool{"8080:80": false, "0.0.0.0:8080:80": true, "127.0.0.1:8080:80": true, "80": false} {
		b, err := ParsePort(spec)
		if err != nil || b.HostIPSet != set || (spec == "0.0.0.0:8080:80" && b.HostIP.IsValid()) {
			t.Errorf("ParsePort(%q) = %+v, %v; want HostIPSet %v", spec, b, err, set)
		}
	}
}
