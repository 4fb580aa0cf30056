package emu

import (
	"errors"
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
	if keys := SysctlKeys(); len(keys) != 6 || keys[5] != "net.ipv4.ip_forward" {
		t.Errorf("SysctlKeys() = %q", keys)
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
