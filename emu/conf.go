package emu

import (
	"sort"

	"github.com/nsemu/nsemu/stack"
)

// The per-device IPv4 settings, net.ipv4.conf.{all,default,DEV}.KEY: a
// namespace keeps "all"'s and "default"'s, each device its own. A device
// made in (or moved into) a namespace starts with "default"'s values; a
// write to "default" also reaches every device whose key was never
// written (the kernel's devinet_copy_dflt_conf). The stack applies them
// (stack.Conf), "all"'s combined with the device's.

// confKey is one of the per-device keys.
type confKey struct {
	name  string
	field func(c *stack.Conf) *int32
}

// confKeys are the per-device keys nsemu has, sorted.
var confKeys = []confKey{
	{"accept_local", func(c *stack.Conf) *int32 { return &c.AcceptLocal }},
	{"arp_announce", func(c *stack.Conf) *int32 { return &c.ARPAnnounce }},
	{"arp_ignore", func(c *stack.Conf) *int32 { return &c.ARPIgnore }},
	{"proxy_arp", func(c *stack.Conf) *int32 { return &c.ProxyARP }},
	{"route_localnet", func(c *stack.Conf) *int32 { return &c.RouteLocalnet }},
	{"rp_filter", func(c *stack.Conf) *int32 { return &c.RPFilter }},
}

func findConfKey(name string) (int, bool) {
	for i, k := range confKeys {
		if k.name == name {
			return i, true
		}
	}
	return 0, false
}

// devConf is a device's settings and which of them were written.
type devConf struct {
	vals    stack.Conf
	written [6]bool // by confKeys index
}

// confState is a namespace's settings: "all", "default" and its devices'.
// Namespace.mu guards it.
type confState struct {
	all, dflt stack.Conf
	// devs are the devices' settings, by device (a device keeps them
	// across a rename; moved to another namespace it starts afresh).
	devs map[*Device]*devConf
}

// initConfLocked gives a device that arrives in n "default"'s settings,
// unless it has n's already (a rename). n.mu must be held.
func (n *Namespace) initConfLocked(d *Device) {
	if n.conf.devs == nil {
		n.conf.devs = map[*Device]*devConf{}
	}
	if _, ok := n.conf.devs[d]; !ok {
		n.conf.devs[d] = &devConf{vals: n.conf.dflt}
	}
}

// dropConfLocked forgets the settings of a device that leaves n. n.mu
// must be held.
func (n *Namespace) dropConfLocked(d *Device) { delete(n.conf.devs, d) }

// pushConf gives the stack the namespace's settings. confMu serialises
// the pushes, so the last one holds the latest values.
func (n *Namespace) pushConf() error {
	n.confMu.Lock()
	defer n.confMu.Unlock()
	n.mu.Lock()
	all := n.conf.all
	devs := make(map[string]stack.Conf, len(n.conf.devs))
	for d, c := range n.conf.devs {
		devs[d.name] = c.vals
	}
	n.mu.Unlock()
	return n.st.SetConf(all, devs)
}

// confValue reads key of conf dir ("all", "default" or a device).
func (n *Namespace) confValue(dir string, key int) (int32, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	c, ok := n.confDirLocked(dir)
	if !ok {
		return 0, false
	}
	return *confKeys[key].field(c), true
}

// confDirLocked returns the settings of conf dir. n.mu must be held.
func (n *Namespace) confDirLocked(dir string) (*stack.Conf, bool) {
	switch dir {
	case "all":
		return &n.conf.all, true
	case "default":
		return &n.conf.dflt, true
	}
	d, ok := n.devs[dir]
	if !ok {
		return nil, false
	}
	n.initConfLocked(d)
	return &n.conf.devs[d].vals, true
}

// setConfValue writes key of conf dir and gives the stack the result.
func (n *Namespace) setConfValue(dir string, key int, v int32) error {
	n.mu.Lock()
	c, ok := n.confDirLocked(dir)
	if !ok {
		n.mu.Unlock()
		return ErrNoSysctl
	}
	*confKeys[key].field(c) = v
	switch dir {
	case "all":
	case "default":
		for _, dc := range n.conf.devs {
			if !dc.written[key] {
				*confKeys[key].field(&dc.vals) = v
			}
		}
	default:
		n.conf.devs[n.devs[dir]].written[key] = true
	}
	n.mu.Unlock()
	return n.pushConf()
}

// confDirs lists the directories of net.ipv4.conf: all, default and each
// device, sorted by name as the kernel's directory lists them.
func (n *Namespace) confDirs() []string {
	n.mu.Lock()
	names := make([]string, 0, len(n.devs)+2)
	for name := range n.devs {
		names = append(names, name)
	}
	n.mu.Unlock()
	names = append(names, "all", "default")
	sort.Strings(names)
	return names
}
