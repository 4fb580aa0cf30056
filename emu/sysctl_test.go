package emu

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
)

func TestSysctl(t *testing.T) {
	w := New(Options{})
	defer w.Close()
	n, err := w.AddNamespace("ns1")
	must(t, err)
	for _, c := range []struct {
		key, value string
		err        error
		read       string
	}{
		{"net.ipv4.ip_forward", "1\n", nil, "1"},
		{"net.ipv4.conf.all.forwarding", " 0 ", nil, "0"},
		{"net.ipv4.ip_forward", "-3", nil, "1"},
		{"net.bridge.bridge-nf-call-iptables", "2", nil, "1"},
		{"net.bridge.bridge-nf-call-iptables", "x", ErrSysctlValue, "1"},
		{"net.bridge.bridge-nf-call-iptables", "99999999999", ErrSysctlValue, "1"},
		{"net.ipv4.nosuch", "1", ErrNoSysctl, ""},
	} {
		err := n.SetSysctl(c.key, c.value)
		if !errors.Is(err, c.err) {
			t.Errorf("SetSysctl(%q, %q) = %v, want %v", c.key, c.value, err, c.err)
		}
		got, err := n.Sysctl(c.key)
		if got != c.read || (c.read == "" && !errors.Is(err, ErrNoSysctl)) {
			t.Errorf("after SetSysctl(%q, %q): Sysctl = %q, %v; want %q", c.key, c.value, got, err, c.read)
		}
	}
	if v, _ := w.Host().Sysctl("net.bridge.bridge-nf-call-iptables"); v != "0" {
		t.Errorf("host's key %q, want 0: namespaces share it", v)
	}
	keys := n.SysctlKeys()
	for _, want := range []string{"net.ipv4.ip_forward", "net.ipv4.conf.lo.rp_filter", "net.ipv4.conf.all.arp_ignore",
		"net.ipv4.conf.default.proxy_arp", "net.ipv4.icmp_echo_ignore_all", "net.ipv4.ip_local_port_range"} {
		if !slices.Contains(keys, want) {
			t.Errorf("SysctlKeys() lacks %s: %q", want, keys)
		}
	}
	if !slices.IsSorted(keys) {
		t.Errorf("SysctlKeys() is not sorted: %q", keys)
	}
}

// TestSysctlValues: the kernel's reading of a write (proc_dointvec's
// bases, white space, ignored extra values) and each key's range.
func TestSysctlValues(t *testing.T) {
	w := New(Options{})
	defer w.Close()
	n, err := w.AddNamespace("ns1")
	must(t, err)
	for _, c := range []struct {
		key, value string
		err        error
		read       string
	}{
		{"net.ipv4.conf.all.rp_filter", "0x2", nil, "2"},
		{"net.ipv4.conf.all.rp_filter", "010", nil, "8"},
		{"net.ipv4.conf.all.rp_filter", "-1", nil, "-1"},
		{"net.ipv4.conf.all.rp_filter", " 1 x", nil, "1"},
		{"net.ipv4.conf.all.rp_filter", "1abc", ErrSysctlValue, "1"},
		{"net.ipv4.conf.all.rp_filter", "08", ErrSysctlValue, "1"},
		{"net.ipv4.conf.all.rp_filter", "+1", ErrSysctlValue, "1"},
		{"net.ipv4.conf.all.rp_filter", "1,2", ErrSysctlValue, "1"},
		{"net.ipv4.conf.all.rp_filter", "2147483648", ErrSysctlValue, "1"},
		{"net.ipv4.conf.all.rp_filter", "-2147483648", nil, "-2147483648"},
		{"net.ipv4.conf.all.rp_filter", "", ErrSysctlValue, "-2147483648"},
		{"net.ipv4.conf.lo.arp_ignore", "9", nil, "9"},
		{"net.ipv4.conf.nosuch.arp_ignore", "1", ErrNoSysctl, ""},
		{"net.ipv4.conf.lo.nosuch", "1", ErrNoSysctl, ""},
		{"net.ipv4.icmp_echo_ignore_all", "1", nil, "1"},
		{"net.ipv4.icmp_echo_ignore_all", "2", ErrSysctlValue, "1"},
		{"net.ipv4.icmp_echo_ignore_all", "-1", ErrSysctlValue, "1"},
		{"net.ipv4.icmp_echo_ignore_all", "0 x", nil, "0"},
		{"net.ipv4.ip_local_port_range", "2000 3000", nil, "2000\t3000"},
		{"net.ipv4.ip_local_port_range", "4000", ErrSysctlValue, "2000\t3000"},
		{"net.ipv4.ip_local_port_range", "2500", nil, "2500\t3000"},
		{"net.ipv4.ip_local_port_range", "1000 2000", ErrSysctlValue, "2500\t3000"},
		{"net.ipv4.ip_local_port_range", "2000 70000", ErrSysctlValue, "2500\t3000"},
		{"net.ipv4.ip_local_port_range", "0x800 3000 4000", nil, "2048\t3000"},
		{"net.ipv4.ip_local_port_range", "2000x 3000", ErrSysctlValue, "2048\t3000"},
	} {
		err := n.SetSysctl(c.key, c.value)
		if !errors.Is(err, c.err) {
			t.Errorf("SetSysctl(%q, %q) = %v, want %v", c.key, c.value, err, c.err)
		}
		got, err := n.Sysctl(c.key)
		if want := c.read; got != want || (c.read == "" && !errors.Is(err, ErrNoSysctl)) {
			t.Errorf("after SetSysctl(%q, %q): Sysctl = %q, %v; want %q", c.key, c.value, got, err, c.read)
		}
	}
}

// TestSysctlConfDevices: a device starts with default's values, a write to
// default reaches the devices whose key was never written, a rename keeps
// the values and a move to another namespace starts afresh; the stack
// applies "all" with the device's.
func TestSysctlConfDevices(t *testing.T) {
	w := New(Options{})
	defer w.Close()
	n, err := w.AddNamespace("ns1")
	must(t, err)
	other, err := w.AddNamespace("ns2")
	must(t, err)
	get := func(ns *Namespace, key string) string {
		t.Helper()
		v, err := ns.Sysctl(key)
		if err != nil {
			t.Fatalf("Sysctl(%q): %v", key, err)
		}
		return v
	}
	must(t, n.SetSysctl("net.ipv4.conf.default.rp_filter", "2"))
	_, _, err = n.AddVeth("va", "vb", nil)
	must(t, err)
	must(t, n.SetSysctl("net.ipv4.conf.vb.rp_filter", "0"))
	if v := get(n, "net.ipv4.conf.va.rp_filter"); v != "2" {
		t.Errorf("a new device's rp_filter %s, want default's 2", v)
	}
	must(t, n.SetSysctl("net.ipv4.conf.default.rp_filter", "1"))
	for dev, want := range map[string]string{"va": "1", "vb": "0", "lo": "1"} {
		if v := get(n, "net.ipv4.conf."+dev+".rp_filter"); v != want {
			t.Errorf("after default=1: %s's rp_filter %s, want %s", dev, v, want)
		}
	}
	must(t, n.RenameLink("vb", "vc"))
	if v := get(n, "net.ipv4.conf.vc.rp_filter"); v != "0" {
		t.Errorf("renamed: rp_filter %s, want 0 (kept)", v)
	}
	if _, err := n.Sysctl("net.ipv4.conf.vb.rp_filter"); !errors.Is(err, ErrNoSysctl) {
		t.Errorf("the old name's key: %v, want %v", err, ErrNoSysctl)
	}
	must(t, n.MoveLink("vc", other))
	if v := get(other, "net.ipv4.conf.vc.rp_filter"); v != "0" {
		t.Errorf("moved: rp_filter %s, want the new namespace's default 0", v)
	}
	must(t, other.SetSysctl("net.ipv4.conf.all.proxy_arp", "1"))
	must(t, n.SetSysctl("net.ipv4.conf.all.arp_ignore", "2"))
	if v := get(other, "net.ipv4.conf.vc.proxy_arp"); v != "0" {
		t.Errorf("all's write changed a device's key: %s", v)
	}
}

// TestBridgeNetfilterHook checks that bridges call out of the switch for
// br_netfilter only while the namespace's key is 1: bridges made before and
// after the key is set both get the hook, and lose it when it is cleared.
func TestBridgeNetfilterHook(t *testing.T) {
	w := New(Options{})
	defer w.Close()
	n, err := w.AddNamespace("ns1")
	must(t, err)
	before, err := n.AddBridge("br0")
	must(t, err)
	if before.Bridge().HasNetfilter() {
		t.Fatal("br0 has the br_netfilter hook with bridge-nf-call-iptables=0")
	}
	must(t, n.SetSysctl(brNetfilterKey, "1"))
	after, err := n.AddBridge("br1")
	must(t, err)
	other, err := w.Host().AddBridge("br0")
	must(t, err)
	for _, d := range []*Device{before, after} {
		if !d.Bridge().HasNetfilter() {
			t.Errorf("%s has no br_netfilter hook with bridge-nf-call-iptables=1", d.Name())
		}
	}
	if other.Bridge().HasNetfilter() {
		t.Error("the host's bridge got the hook of another namespace's key")
	}
	must(t, n.SetSysctl(brNetfilterKey, "0"))
	for _, d := range []*Device{before, after} {
		if d.Bridge().HasNetfilter() {
			t.Errorf("%s keeps the br_netfilter hook after bridge-nf-call-iptables=0", d.Name())
		}
	}
}

// TestBridgeNetfilterRace adds a bridge while two writers set the key to 1
// and 0: whatever the interleaving, every bridge ends with the hook exactly
// when the key is 1. (Setting the key used to sync the bridges outside the
// topology lock, so a bridge being added could miss the change, and two
// syncs could cross.)
func TestBridgeNetfilterRace(t *testing.T) {
	w := New(Options{})
	defer w.Close()
	n, err := w.AddNamespace("ns1")
	must(t, err)
	for i := 0; i < 40; i++ {
		var wg sync.WaitGroup
		wg.Add(3)
		go func() {
			defer wg.Done()
			if _, err := n.AddBridge(fmt.Sprintf("br%d", i)); err != nil {
				t.Errorf("AddBridge(br%d): %v", i, err)
			}
		}()
		for _, v := range []string{"1", "0"} {
			go func() {
				defer wg.Done()
				if err := n.SetSysctl(brNetfilterKey, v); err != nil {
					t.Errorf("SetSysctl(%q, %q): %v", brNetfilterKey, v, err)
				}
			}()
		}
		wg.Wait()
		on, _ := n.Sysctl(brNetfilterKey)
		for _, d := range n.Links() {
			if d.Bridge() != nil && d.Bridge().HasNetfilter() != (on == "1") {
				t.Fatalf("round %d: %s has the hook: %v, with the key %s", i, d.Name(), d.Bridge().HasNetfilter(), on)
			}
		}
	}
}

// TestHold checks that held work keeps the world from looking idle (so
// Warp does not jump the clock past it).
func TestHold(t *testing.T) {
	w := New(Options{})
	defer w.Close()
	release := w.Hold()
	if w.Idle() {
		t.Fatal("the world is idle while work is held")
	}
	release()
	release()
	if !w.Idle() {
		t.Fatal("the world is not idle once the work is released (twice)")
	}
}

// TestAwake checks that an awake program keeps the warp from jumping, but
// not the world from looking idle (the narration waits for that).
func TestAwake(t *testing.T) {
	w := New(Options{})
	defer w.Close()
	release := w.Awake()
	if w.warpable() || !w.Idle() {
		t.Fatalf("awake: warpable %v, idle %v; want false, true", w.warpable(), w.Idle())
	}
	release()
	release()
	if !w.warpable() {
		t.Fatal("the warp is still held once the program is released (twice)")
	}
}

// FuzzParseKernelInts: any write to a /proc/sys file is read without
// panicking, and what is read stays within the key's range.
func FuzzParseKernelInts(f *testing.F) {
	for _, s := range []string{"1", " 0x10 20\n", "-2147483648", "08", "1,2", "", "65535 1024 x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := parseKernelInts(s, 2, -5, 70000)
		if err != nil {
			return
		}
		if len(v) == 0 || len(v) > 2 {
			t.Fatalf("parseKernelInts(%q) = %v", s, v)
		}
		for _, x := range v {
			if x < -5 || x > 70000 {
				t.Fatalf("parseKernelInts(%q) = %v, out of range", s, v)
			}
		}
	})
}
