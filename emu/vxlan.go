package emu

import (
	"errors"
	"net"

	"github.com/nsemu/nsemu/stack/vxlan"
	"github.com/nsemu/nsemu/vethsim"
)

// A VXLAN device (KindVxlan) is one end of an internal veth pair, like an
// Ethernet device: the end is the namespace's device (a NIC of its stack
// or a bridge port), and the hidden wire end belongs to a vxlan.Device,
// which encapsulates what the device sends into UDP datagrams of the
// namespace's own stack and sends what its socket decapsulates into the
// wire (package stack/vxlan). The namespace owns the sockets the devices
// share (one per UDP port).

// ErrVNIExists is the kernel's answer to a second device with a VNI and
// port another device of the namespace has.
var ErrVNIExists = errors.New("Error: A VXLAN device with the specified VNI already exists.")

// ErrMoveVxlan refuses to move a VXLAN device to another namespace (Linux
// can: its socket stays in the namespace it was made in).
var ErrMoveVxlan = errors.New("nsemu: moving a vxlan device to another namespace is not emulated")

// VxlanConfig sets up a VXLAN device.
type VxlanConfig struct {
	vxlan.Config
	// MAC of the device; random when nil.
	MAC net.HardwareAddr
	// MTU of the device; when 0, the lower device's minus vxlan.Overhead
	// (1450 over a 1500 Ethernet), or 1500 without a lower device, as
	// Linux picks it.
	MTU uint32
}

// AddVxlan adds a VXLAN device NAME to the namespace, down (`ip link add
// NAME type vxlan id VNI ...`). Its lower device, when named, must exist.
func (n *Namespace) AddVxlan(name string, cfg VxlanConfig) (*Device, error) {
	defer n.op()()
	n.w.topo.Lock()
	defer n.w.topo.Unlock()
	if err := vethsim.ValidName(name); err != nil {
		return nil, err
	}
	if n.has(name) {
		return nil, ErrExists
	}
	mtu, err := n.vxlanMTU(cfg)
	if err != nil {
		return nil, err
	}
	if n.vniTaken(cfg.VNI, cfg.Port) {
		return nil, ErrVNIExists
	}
	mac := cfg.MAC
	if mac == nil {
		mac = n.w.NewMAC()
	}
	pair, err := vethsim.NewPair(vethsim.Config{
		Names: [2]string{name, name + "-wire"}, Indexes: [2]int{n.w.allocIndex(), 0},
		MACs: [2]net.HardwareAddr{mac, n.w.NewMAC()}, MTU: mtu,
		Bus: n.w.bus, Clock: n.w.clock, Busy: &n.w.busy, Internal: true,
		HopDelay: n.w.hop, Hops: n.w.hops,
	})
	if err != nil {
		return nil, err
	}
	dev, wire := pair.Ends()
	wire.SetUp(true)
	d := &Device{Kind: KindVxlan, name: name, index: dev.Index(), end: dev}
	if err := n.st.AddNIC(name, dev); err != nil {
		return nil, err
	}
	d.vx = vxlan.New(cfg.Config, wire, vxlan.Env{Stack: n.st.Gstack(), NS: n.name, Socks: &n.vxSocks,
		Bus: n.w.bus, Clock: n.w.clock, Busy: &n.w.busy})
	n.put(d)
	return d, nil
}

// vxlanMTU is the new device's MTU.
func (n *Namespace) vxlanMTU(cfg VxlanConfig) (uint32, error) {
	if cfg.MTU != 0 {
		return cfg.MTU, nil
	}
	if cfg.Dev == "" {
		return vethsim.DefaultMTU, nil
	}
	low, err := n.Link(cfg.Dev)
	if err != nil {
		return 0, err
	}
	if m := low.MTU(); m > vxlan.Overhead+68 {
		return m - vxlan.Overhead, nil
	}
	return 68, nil
}

// vniTaken reports whether a VXLAN device of n has vni on port.
func (n *Namespace) vniTaken(vni uint32, port uint16) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, d := range n.devs {
		if d.vx != nil && d.vx.Config().VNI == vni && d.vx.Config().Port == port {
			return true
		}
	}
	return false
}

// Vxlan returns a VXLAN device's data path (its configuration and FDB),
// or nil for other devices.
func (d *Device) Vxlan() *vxlan.Device { return d.vx }

// deleteVxlanLocked stops a VXLAN device and removes it. n.w.topo must be
// held.
func (n *Namespace) deleteVxlanLocked(d *Device) {
	d.vx.Close()
	d.dropQdisc()
	if d.master != nil {
		_ = n.releaseLocked(d, false)
	} else {
		_ = n.st.RemoveNIC(d.name)
	}
	d.end.SetUp(false)
	d.end.WaitDetached()
	n.remove(d.name)
}

// setVxlanUp starts or stops a VXLAN device's data path: up binds its
// port, which another socket of the namespace may hold.
func setVxlanUp(d *Device, up bool) error {
	if !up {
		d.vx.Stop()
		return nil
	}
	if err := d.vx.Start(); err != nil {
		return errors.New("RTNETLINK answers: " + err.Error())
	}
	return nil
}
