package emu

import (
	"errors"
	"slices"
	"sort"
	"strings"
)

// The kernel's loadable modules, as modprobe and lsmod see them. Modules
// are the kernel's, so the world owns which are loaded, not a namespace.
// nsemu's features work whether or not their module is loaded (a bridge
// can be made without `modprobe bridge`); what loading changes is what
// lsmod lists and, for br_netfilter, the bridge keys' defaults: the kernel
// module sets net.bridge.bridge-nf-call-{arp,ip,ip6}tables to 1 in every
// namespace when it loads, and its keys go away when it is removed.

// KernelRelease is the emulated kernel's release (uname -r), the directory
// under /lib/modules that modprobe names.
const KernelRelease = "6.1.0-nsemu"

// moduleInfo is a module the emulated kernel can load: its size (bytes, as
// lsmod prints) and the modules it needs, which modprobe loads first.
type moduleInfo struct {
	size int
	deps []string
}

// moduleCatalog lists the modules modprobe knows: those container
// networking tutorials load, and the ones they depend on. Sizes are those
// of Debian 12's 6.1 kernel, rounded to pages as lsmod shows them.
var moduleCatalog = map[string]moduleInfo{
	"br_netfilter":   {32768, []string{"bridge"}},
	"bridge":         {311296, []string{"stp", "llc"}},
	"stp":            {16384, []string{"llc"}},
	"llc":            {16384, nil},
	"overlay":        {163840, nil},
	"x_tables":       {53248, nil},
	"ip_tables":      {32768, []string{"x_tables"}},
	"iptable_filter": {16384, []string{"ip_tables"}},
	"iptable_nat":    {16384, []string{"ip_tables", "nf_nat"}},
	"iptable_mangle": {16384, []string{"ip_tables"}},
	"iptable_raw":    {16384, []string{"ip_tables"}},
	"nf_defrag_ipv4": {16384, nil},
	"nf_defrag_ipv6": {24576, nil},
	"libcrc32c":      {16384, nil},
	"nf_conntrack":   {176128, []string{"nf_defrag_ipv6", "nf_defrag_ipv4", "libcrc32c"}},
	"nf_nat":         {57344, []string{"nf_conntrack", "libcrc32c"}},
	"xt_conntrack":   {16384, []string{"nf_conntrack", "x_tables"}},
	"xt_MASQUERADE":  {20480, []string{"nf_nat", "x_tables"}},
	"xt_addrtype":    {16384, []string{"x_tables"}},
	"veth":           {36864, nil},
	"dummy":          {16384, nil},
	"udp_tunnel":     {28672, nil},
	"ip6_udp_tunnel": {16384, nil},
	"vxlan":          {98304, []string{"ip6_udp_tunnel", "udp_tunnel"}},
	"mrp":            {20480, nil},
	"garp":           {16384, []string{"stp", "llc"}},
	"8021q":          {40960, []string{"garp", "mrp"}},
	"sch_netem":      {20480, nil},
	"sch_tbf":        {20480, nil},
	"sch_htb":        {36864, nil},
	"tun":            {61440, nil},
	"macvlan":        {32768, nil},
	"ipvlan":         {40960, nil},
}

// Module errors.
var (
	// ErrModuleNotFound: the kernel has no such module.
	ErrModuleNotFound = errors.New("module not found")
	// ErrModuleNotLoaded: removing a module that is not loaded.
	ErrModuleNotLoaded = errors.New("module is not in kernel")
	// ErrModuleInUse: removing a module another loaded module needs.
	ErrModuleInUse = errors.New("module is in use")
)

// Module is a loaded module as lsmod shows it.
type Module struct {
	Name string
	Size int
	// UsedBy are the loaded modules that need this one, sorted.
	UsedBy []string
}

// modules is the world's loaded modules, newest first (/proc/modules'
// order), guarded by World.mu. It lives behind World.Attach so that World
// stays small.
type modules struct{ loaded []string }

type modulesKey struct{}

// modStateLocked returns the world's module state. w.mu must be held.
func (w *World) modStateLocked() *modules {
	return w.Attach(modulesKey{}, func() any { return &modules{} }).(*modules)
}

// KnownModule reports whether the kernel has module name. modprobe
// accepts '-' for '_' in names, as the kernel's module names do.
func KnownModule(name string) bool {
	_, ok := moduleCatalog[ModuleName(name)]
	return ok
}

// ModuleName is a module name with '-' written '_', as the kernel keeps it.
func ModuleName(name string) string { return strings.ReplaceAll(name, "-", "_") }

// LoadModule loads a module and, first, the modules it needs (modprobe).
// Loading a loaded module does nothing. It returns the modules it loaded,
// in order, or ErrModuleNotFound.
func (w *World) LoadModule(name string) ([]string, error) {
	name = ModuleName(name)
	if _, ok := moduleCatalog[name]; !ok {
		return nil, ErrModuleNotFound
	}
	w.mu.Lock()
	m := w.modStateLocked()
	var added []string
	var load func(string)
	load = func(n string) {
		if slices.Contains(m.loaded, n) || slices.Contains(added, n) {
			return
		}
		for _, d := range moduleCatalog[n].deps {
			load(d)
		}
		added = append(added, n)
		m.loaded = append([]string{n}, m.loaded...)
	}
	load(name)
	w.mu.Unlock()
	if slices.Contains(added, "br_netfilter") {
		w.resetBridgeKeys()
	}
	return added, nil
}

// UnloadModule removes a module and then the modules it needed that
// nothing else needs any more (modprobe -r). It returns the modules it
// removed, in order.
func (w *World) UnloadModule(name string) ([]string, error) {
	name = ModuleName(name)
	if _, ok := moduleCatalog[name]; !ok {
		return nil, ErrModuleNotFound
	}
	w.mu.Lock()
	m := w.modStateLocked()
	if !slices.Contains(m.loaded, name) {
		w.mu.Unlock()
		return nil, ErrModuleNotLoaded
	}
	if len(m.usersLocked(name)) > 0 {
		w.mu.Unlock()
		return nil, ErrModuleInUse
	}
	removed := m.removeLocked(name)
	w.mu.Unlock()
	if slices.Contains(removed, "br_netfilter") {
		w.resetBridgeKeys()
	}
	return removed, nil
}

// removeLocked removes name, then each of its dependencies left unused.
func (m *modules) removeLocked(name string) []string {
	m.loaded = slices.DeleteFunc(m.loaded, func(s string) bool { return s == name })
	removed := []string{name}
	for _, d := range moduleCatalog[name].deps {
		if slices.Contains(m.loaded, d) && len(m.usersLocked(d)) == 0 {
			removed = append(removed, m.removeLocked(d)...)
		}
	}
	return removed
}

// usersLocked lists the loaded modules that need name, sorted.
func (m *modules) usersLocked(name string) []string {
	var users []string
	for _, l := range m.loaded {
		if slices.Contains(moduleCatalog[l].deps, name) {
			users = append(users, l)
		}
	}
	sort.Strings(users)
	return users
}

// Modules lists the loaded modules, newest first, as lsmod does.
func (w *World) Modules() []Module {
	w.mu.Lock()
	defer w.mu.Unlock()
	m := w.modStateLocked()
	out := make([]Module, 0, len(m.loaded))
	for _, n := range m.loaded {
		out = append(out, Module{Name: n, Size: moduleCatalog[n].size, UsedBy: m.usersLocked(n)})
	}
	return out
}

// ModuleLoaded reports whether module name is loaded.
func (w *World) ModuleLoaded(name string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Contains(w.modStateLocked().loaded, ModuleName(name))
}

// resetBridgeKeys gives every namespace's bridge keys the default they
// have after br_netfilter was loaded (1) or removed (0, nsemu keeping the
// keys), forgetting what was written, and syncs the bridges' hooks.
func (w *World) resetBridgeKeys() {
	w.topo.Lock()
	defer w.topo.Unlock()
	w.mu.Lock()
	all := []*Namespace{w.host}
	for _, n := range w.ns {
		all = append(all, n)
	}
	for n := range w.hidden {
		all = append(all, n)
	}
	w.mu.Unlock()
	for _, n := range all {
		n.mu.Lock()
		for k := range n.sysctls {
			if strings.HasPrefix(k, "net.bridge.") {
				delete(n.sysctls, k)
			}
		}
		n.mu.Unlock()
		n.syncBridgeNetfilterLocked()
	}
}
