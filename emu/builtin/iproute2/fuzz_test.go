package iproute2_test

import (
	"bytes"
	"context"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/builtin/builtintest"
	"github.com/nsemu/nsemu/emu/shell"
)

// fuzzWorld is a small world: ns1's eth0 is wired to the host's veth0,
// which is a port of the bridge br0; br0 and eth0 have addresses, ns1 a
// default route and a static neighbour.
func fuzzWorld(t *testing.T) *emu.World {
	t.Helper()
	w := emu.New(emu.Options{})
	must := func(err error) {
		t.Helper()
		if err != nil {
			w.Close()
			t.Fatal(err)
		}
	}
	ns1, err := w.AddNamespace("ns1")
	must(err)
	_, err = w.AddNamespace("ns2")
	must(err)
	host := w.Host()
	_, err = host.AddBridge("br0")
	must(err)
	_, _, err = host.AddVeth("veth0", "eth0", ns1)
	must(err)
	must(host.SetMaster("veth0", "br0"))
	must(host.AddAddr("br0", netip.MustParsePrefix("10.0.0.1/24")))
	must(ns1.AddAddr("eth0", netip.MustParsePrefix("10.0.0.2/24")))
	for _, x := range []struct {
		ns  *emu.Namespace
		dev string
	}{{host, "br0"}, {host, "veth0"}, {ns1, "eth0"}, {ns1, "lo"}} {
		must(x.ns.SetLinkUp(x.dev, true))
	}
	sh := shell.New(w, nil, &bytes.Buffer{}, &bytes.Buffer{})
	must(sh.RunScript(context.Background(), "fuzz.sh", strings.NewReader(
		"ip -n ns1 route add default via 10.0.0.1\nip neigh add 10.0.0.9 lladdr 02:00:00:00:00:09 dev br0\n"), nil))
	return w
}

// FuzzIPCommand feeds argument lists to the ip dispatcher (and to bridge
// and brctl when the first word names them) on a small world. No input may
// panic, and a command that fails must leave the world as it was.
func FuzzIPCommand(f *testing.F) {
	for _, s := range []string{
		"link", "-o -s link show dev br0", "-br a", "-4 addr show to 10.0.0.0/8", "-n ns1 route",
		"netns list", "netns add ns3", "netns del ns2", "netns exec ns1 ip link",
		"link add veth-1 type veth peer name veth-1-br netns ns2",
		"link add a0 address 02:00:00:00:00:01 mtu 9000 up type veth peer b0 mtu 1400",
		"link add br1 type bridge ageing_time 100 stp_state 0",
		"link set dev veth0 nomaster netns ns2 name eth9 address 02:00:00:00:00:02 mtu 1400 up",
		"link set eth9 master br0", "link set br0 down", "link set veth0 name x mtu 20",
		"link del dev veth0", "link del lo", "link show master br0 type veth up",
		"addr add 10.0.0.3/24 dev br0", "addr add 10.1.0.1/255.255.0.0 brd + dev br0 label br0:1",
		"addr del 10.0.0.1 dev br0", "addr flush dev br0", "addr add 300.1.1.1/24 dev br0",
		"route add 10.8.0.0/16 via 10.0.0.2 metric 7 src 10.0.0.1", "route replace default via 10.0.0.3",
		"route del 10.0.0.0/24", "route get 10.0.0.2", "route show root 10/8", "route flush dev br0",
		"route add 10.1.1.1/8 dev br0", "route add blackhole 10.0.0.0/8",
		"neigh add 10.0.0.7 lladdr 02:00:00:00:00:07 dev br0 nud permanent", "neigh del 10.0.0.9 dev br0",
		"neigh flush all", "neigh show dev br0 nud all", "neigh add 10.0.0.7 lladdr zz:1 dev br0",
		"-x", "", "help", "-V", "-f inet r", "--oneline l", "a s", "n", "ro li ta main",
		"bridge link show dev veth0", "bridge fdb show br br0 dynamic", "bridge -s fdb", "bridge vlan",
		"brctl show", "brctl showmacs br0", "brctl addbr br2", "brctl addif br0 lo", "brctl delif br0 veth0",
		"brctl delbr br0", "brctl setageing br0 0.5", "brctl stp br0 on",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		args := strings.Fields(line)
		if len(args) > 32 {
			return
		}
		tool := "ip"
		if len(args) > 0 && (args[0] == "bridge" || args[0] == "brctl") {
			tool, args = args[0], args[1:]
		}
		b, ok := shell.Lookup(tool)
		if !ok {
			t.Fatalf("no built-in %s", tool)
		}
		for _, a := range args {
			if tool == "ip" && a != "" && strings.HasPrefix("exec", a) {
				// ip netns exec runs any built-in (ping, sleep, ...):
				// FuzzDispatch covers those.
				return
			}
		}
		w := fuzzWorld(t)
		defer w.Close()
		before := builtintest.WorldState(w)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		var out, errb bytes.Buffer
		c := &shell.Cmd{Sh: shell.New(w, nil, &out, &errb), NS: w.Host(), Args: append([]string{tool}, args...),
			Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Ctx: ctx}
		status := b.Run(c) // no recover: a panic fails the fuzz run
		if status != 0 {
			if after := builtintest.WorldState(w); after != before {
				t.Fatalf("%s %q failed (status %d: %s) but changed the world:\nbefore:\n%s\nafter:\n%s",
					tool, args, status, errb.String(), before, after)
			}
			if errb.Len() == 0 && out.Len() == 0 {
				t.Fatalf("%s %q failed (status %d) without a word", tool, args, status)
			}
		}
	})
}
