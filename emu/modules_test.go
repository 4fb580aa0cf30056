package emu

import (
	"errors"
	"slices"
	"testing"
)

// TestModules loads and removes modules: dependencies come first and go
// when unused, a needed module is in use, and br_netfilter's bridge keys
// default to 1 in every namespace while it is loaded, a new one included,
// with the hook on their bridges.
func TestModules(t *testing.T) {
	w := New(Options{})
	defer w.Close()
	added, err := w.LoadModule("br-netfilter")
	if err != nil || !slices.Equal(added, []string{"llc", "stp", "bridge", "br_netfilter"}) {
		t.Fatalf(`LoadModule("br-netfilter") = %v, %v`, added, err)
	}
	if _, err := w.UnloadModule("bridge"); !errors.Is(err, ErrModuleInUse) {
		t.Errorf(`UnloadModule("bridge") = %v, want ErrModuleInUse`, err)
	}
	if _, err := w.LoadModule("nosuch"); !errors.Is(err, ErrModuleNotFound) {
		t.Errorf(`LoadModule("nosuch") = %v, want ErrModuleNotFound`, err)
	}
	ns, err := w.AddNamespace("a")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ns.AddBridge("br0"); err != nil {
		t.Fatal(err)
	}
	br, _ := ns.Link("br0")
	if v, _ := ns.Sysctl(brNetfilterKey); v != "1" || !br.Bridge().HasNetfilter() {
		t.Errorf("with br_netfilter loaded: key %q, hook %v; want 1 and a hook", v, br.Bridge().HasNetfilter())
	}
	removed, err := w.UnloadModule("br_netfilter")
	if err != nil || !slices.Equal(removed, []string{"br_netfilter", "bridge", "stp", "llc"}) {
		t.Fatalf(`UnloadModule("br_netfilter") = %v, %v`, removed, err)
	}
	if v, _ := ns.Sysctl(brNetfilterKey); v != "0" || br.Bridge().HasNetfilter() {
		t.Errorf("after removing br_netfilter: key %q, hook %v; want 0 and none", v, br.Bridge().HasNetfilter())
	}
	if _, err := w.UnloadModule("bridge"); !errors.Is(err, ErrModuleNotLoaded) {
		t.Errorf(`UnloadModule("bridge") = %v, want ErrModuleNotLoaded`, err)
	}
}
