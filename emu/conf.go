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

// pushConf gives the stack the settings of device d (forgotten when d is
// no longer n's), or "all"'s when d is nil; gone names a device's old name
// whose settings the stack forgets (a rename). One device per push: a
// namespace of many devices (the host with a bridge of 100 000 ports) pays
// for the device that changed, not for all of them. confMu serialises the
// pushes, so the last one holds the latest values.
func (n *Namespace) pushConf(d *Device, gone string) error {
	n.confMu.Lock()
	defer n.confMu.Unlock()
	n.mu.Lock()
	if d == nil {
		all := n.conf.all
		n.mu.Unlock()
		return n.st.SetAllConf(all)
	}
	c, ok := n.conf.devs[d]
	name := d.name
	if o := n.devs[name]; !ok && o != nil {
		// d left, and another device took its name meanwhile.
		c, ok = n.conf.devs[o]
	}
	var vals stack.Conf
	if ok {
		vals = c.vals
	}
	n.mu.Unlock()
	if gone != "" && gone != name {
		if err := n.st.SetDevConf(gone, stack.Conf{}, false); err != nil {
			return err
		}
	}
	return n.st.SetDevConf(name, vals, ok)
}

// pushAllConf gives the stack every device's settings and "all"'s (a write
// to "default" reaches every device that kept its own unwritten).
func (n *Namespace) pushAllConf() error {
	n.mu.Lock()
	devs := make([]*Device, 0, len(n.conf.devs))
	for d := range n.conf.devs {
		devs = append(devs, d)
	}
	n.mu.Unlock()
	for _, d := range devs {
		if err := n.pushConf(d, ""); err != nil {
			return err
		}
	}
	return n.pushConf(nil, "")
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
		d := n.devs[dir]
		n.conf.devs[d].written[key] = true
		n.mu.Unlock()
		return n.pushConf(d, "")
	}
	n.mu.Unlock()
	if dir == "all" {
		return n.pushConf(nil, "")
	}
	return n.pushAllConf()
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
