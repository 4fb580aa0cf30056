package emu

import (
	"errors"
	"runtime"
	"testing"
	"time"
	"weak"
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

// TestSysctlStoreForgets checks a deleted namespace's stored keys go with it.
func TestSysctlStoreForgets(t *testing.T) {
	w := New(Options{})
	defer w.Close()
	n, err := w.AddNamespace("gone")
	must(t, err)
	must(t, n.SetSysctl("net.bridge.bridge-nf-call-iptables", "1"))
	wp := weak.Make(n)
	must(t, w.DelNamespace("gone"))
	n = nil
	deadline := time.Now().Add(5 * time.Second)
	for {
		runtime.GC()
		sysctlStore.mu.RLock()
		_, held := sysctlStore.m[wp]
		sysctlStore.mu.RUnlock()
		if !held {
			return
		}
		if time.Now().After(deadline) {
			t.Skip("the namespace was not collected in time (something still holds it)")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
