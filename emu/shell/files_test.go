package shell_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/builtin/builtintest"
	"github.com/nsemu/nsemu/emu/shell"
	"github.com/nsemu/nsemu/emu/vfs"
)

// TestCat reads the emulated files through cat.
func TestCat(t *testing.T) {
	cases := []struct {
		name, src, out, err string
		status              int
	}{
		{name: "stdin", src: "echo hello | cat\n", out: "hello\n"},
		{name: "dash and file", src: "echo a | cat - /proc/sys/net/ipv4/ip_forward -\n", out: "a\n0\n"},
		{name: "host file", src: "cat /etc/shadow\n", err: "cat: /etc/shadow: No such file or directory\n", status: 1},
		{name: "missing then present", src: "cat /etc/passwd /sys/class/net/lo/mtu\n", out: "65536\n", err: "cat: /etc/passwd: No such file or directory\n", status: 1},
		{name: "directory", src: "cat /sys/class/net/lo\n", err: "cat: /sys/class/net/lo: Is a directory\n", status: 1},
		{name: "carrier of a down device", src: "ip link set lo down\ncat /sys/class/net/lo/carrier\n", err: "cat: /sys/class/net/lo/carrier: Invalid argument\n", status: 1},
		{name: "relative and unclean", src: "cd / && cat proc/sys/net//ipv4/../ipv4/ip_forward\n", out: "0\n"},
		{name: "lo", src: "cat /sys/class/net/lo/address /sys/class/net/lo/operstate /sys/class/net/lo/type /sys/class/net/lo/flags\n", out: "00:00:00:00:00:00\nunknown\n772\n0x9\n"},
		{name: "number", src: "printf 'a\\n\\nb\\n' | cat -n\n", out: "     1\ta\n     2\t\n     3\tb\n"},
		{name: "show all", src: "printf 'a\\tb\\001\\n' | cat -A\n", out: "a^Ib^A$\n"},
		{name: "bad option", src: "cat -z\n", err: "cat: invalid option -- 'z'\nTry 'cat --help' for more information.\n", status: 1},
		{name: "proc dev", src: "cat /proc/net/dev | head -3 | tail -1\n", out: "    lo:       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0\n"},
		{name: "custom file", src: "cat /etc/nsemu-test\n", out: "hello from host\n"},
	}
	vfs.Register(func(ns *emu.Namespace, p string) (*vfs.File, bool, bool) {
		if p != "/etc/nsemu-test" {
			return nil, false, false
		}
		return vfs.Static("hello from " + ns.Name() + "\n"), false, true
	})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := builtintest.World(t)
			r := builtintest.Run(t, w, w.Host(), c.src)
			if r.Out != c.out || r.Err != c.err || r.Status != c.status {
				t.Errorf("got stdout %q stderr %q status %d, want %q %q %d", r.Out, r.Err, r.Status, c.out, c.err, c.status)
			}
		})
	}
}

// TestOpenHandler runs redirections through Shell.OpenHandler, as shell.go
// will once it installs it: writes to /proc/sys act on the namespace.
func TestOpenHandler(t *testing.T) {
	w := emu.New(emu.Options{})
	defer w.Close()
	ns1, err := w.AddNamespace("ns1")
	if err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	sh := shell.New(w, nil, &out, &errb)
	sh.NS = ns1
	r, err := interp.New(interp.StdIO(nil, &out, &errb), interp.OpenHandler(sh.OpenHandler))
	if err != nil {
		t.Fatal(err)
	}
	run := func(src string) error {
		f, err := syntax.NewParser().Parse(strings.NewReader(src), "t.sh")
		if err != nil {
			t.Fatal(err)
		}
		return r.Run(context.Background(), f)
	}
	if err := run("echo 1 > /proc/sys/net/ipv4/ip_forward\n"); err != nil {
		t.Fatalf("%v: %s", err, errb.String())
	}
	if !ns1.Stack().Forwarding() || w.Host().Stack().Forwarding() {
		t.Fatalf("forwarding: ns1 %v, host %v; want only ns1's on", ns1.Stack().Forwarding(), w.Host().Stack().Forwarding())
	}
	if err := run("read v < /sys/class/net/lo/mtu; echo \"mtu=$v\"; echo 1 > /proc/sys/net/bridge/bridge-nf-call-iptables; read b < /proc/sys/net/bridge/bridge-nf-call-iptables; echo b=$b; echo quiet > /dev/null\n"); err != nil {
		t.Fatalf("%v: %s", err, errb.String())
	}
	if out.String() != "mtu=65536\nb=1\n" {
		t.Errorf("stdout %q", out.String())
	}
	for _, src := range []string{
		"echo 1 > /proc/sys/net/ipv4/nosuch\n",
		"echo 1 > /sys/class/net/lo/mtu\n",
		"echo 1 > /proc/sys/net/ipv4\n",
		"read x < /proc/nsemu-nosuch\n",
	} {
		errb.Reset()
		if err := run(src); err == nil && errb.Len() == 0 {
			t.Errorf("%q: no error", strings.TrimSpace(src))
		}
	}
	if v, _ := ns1.Sysctl("net.ipv4.ip_forward"); v != "1" {
		t.Errorf("ip_forward %q after refused writes", v)
	}
}
