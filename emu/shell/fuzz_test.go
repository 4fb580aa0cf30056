package shell_test

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

// FuzzDispatch feeds arbitrary command lines to the built-in dispatcher on
// a small world. No input may panic a built-in (runBuiltin reports that as
// "internal error"), hang past its context, or break the world.
func FuzzDispatch(f *testing.F) {
	for _, s := range []string{
		"ip link add a type veth peer name b",
		"ip link set dev eth0 up mtu 9000 address 02:00:00:00:00:01",
		"ip addr add 10.0.0.9/33 dev eth0",
		"ip route add default via 10.0.0.2",
		"ip netns exec ns1 ip -o -s link",
		"ip netns exec nsX true",
		"ip neigh add 10.0.0.7 lladdr zz dev eth0",
		"bridge fdb show br br0",
		"brctl addif br0 eth0",
		"iptables -t nat -A POSTROUTING -s 10.0.0.0/8 ! -o eth0 -j MASQUERADE",
		"iptables -A FORWARD -p tcp --dport 1:2:3 -j DROP",
		"iptables -t nat -A PREROUTING -p tcp --dport 80 -j DNAT --to-destination 10.0.0.2:8080",
		"iptables -L -n -v --line-numbers",
		"iptables-save",
		"sysctl -w net.ipv4.ip_forward=7",
		"ping -c 2 -i 0.2 -W 1 10.0.0.2",
		"ping -s 70000 10.0.0.2",
		"nc -z -w 1 10.0.0.2 80",
		"cat /sys/class/net/eth0/address",
		"ifconfig -a",
		"route -n",
		"arp -n",
		"sleep 0.5",
		"sh -c 'echo $((1/0))'",
		// Escapes the containment suite tries (cmd/nsemu) too.
		"awk BEGIN{system(\"id\")}",
		"sed 1e\\ id /etc/hostname",
		"sort -o /tmp/nsemu-fuzz-out /etc/hosts",
		"cat /etc/shadow /etc/passwd",
		"grep -r root /",
		"xargs -a /etc/passwd echo",
		"sh -c 'cat < /etc/passwd > /tmp/x'",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		args := strings.Fields(line)
		if len(args) == 0 {
			return
		}
		w := pair(t)
		defer w.Close()
		// Nothing of the real machine is shared but an empty directory.
		builtintest.Share(t, w, t.TempDir())
		ns1, _ := w.Namespace("ns1")
		var out bytes.Buffer
		sh := shell.New(w, nil, &out, &out)
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		sh.Exec(ctx, ns1, args, strings.NewReader(""), &out, &out)
		if strings.Contains(out.String(), "internal error") {
			t.Fatalf("%q: %s", line, out.String())
		}
		if strings.Contains(out.String(), "uid=") || strings.Contains(out.String(), "root:x:0:0") {
			t.Fatalf("%q reached the host: %s", line, out.String())
		}
		// The world still works.
		if _, err := w.Namespace("ns1"); err != nil && args[0] != "ip" {
			t.Fatalf("%q lost ns1: %v", line, err)
		}
		if _, err := w.AddNamespace("fuzz-check"); err != nil {
			t.Fatalf("%q broke the world: %v", line, err)
		}
	})
}

// pair builds ns1 (10.0.0.1) and ns2 (10.0.0.2) joined by a veth pair.
func pair(t *testing.T) *emu.World {
	t.Helper()
	w := emu.New(emu.Options{})
	ns1, err := w.AddNamespace("ns1")
	if err != nil {
		t.Fatal(err)
	}
	ns2, err := w.AddNamespace("ns2")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := ns1.AddVeth("eth0", "eth0", ns2); err != nil {
		t.Fatal(err)
	}
	for i, n := range []*emu.Namespace{ns1, ns2} {
		if err := n.AddAddr("eth0", netip.MustParsePrefix([]string{"10.0.0.1/24", "10.0.0.2/24"}[i])); err != nil {
			t.Fatal(err)
		}
		if err := n.SetLinkUp("eth0", true); err != nil {
			t.Fatal(err)
		}
	}
	return w
}
