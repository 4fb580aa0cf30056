package emu

import (
	"errors"
	"fmt"
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
