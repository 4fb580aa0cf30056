package emu

import (
	"net"

	"github.com/nsemu/nsemu/vethsim"
)

// An Ethernet device (KindEther) is a namespace's link to something outside
// the emulated world: the uplink's eth0 (package emu/uplink). It is one end
// of an internal veth pair; the other end, hidden, is the wire, and the
// caller owns it: it attaches it as a NIC of a stack of its own (a
// gateway), or gives it a vethsim.Receiver and Transmits frames into it
// (a TAP device). Seen from the namespace, the device is a physical NIC:
// `ip link` shows no @ifN, it cannot move to another namespace nor be
// deleted, and it has carrier while the wire's end is up.

// EtherConfig sets up an Ethernet device.
type EtherConfig struct {
	// MAC of the device; random when nil.
	MAC net.HardwareAddr
	// WireMAC is the MAC of the wire's end (a gateway's); random when nil.
	WireMAC net.HardwareAddr
	// MTU of both ends; vethsim.DefaultMTU when 0.
	MTU uint32
	// GSO lets large TCP segments cross the wire whole. Leave it off when
	// the wire leads to a real device, which takes frames of at most the
	// MTU.
	GSO bool
}

// AddEther adds an Ethernet device NAME to the namespace, down, and
// returns it with the wire's end, which is up and unattached. The device
// goes with the namespace; the wire's end is the caller's to detach.
func (n *Namespace) AddEther(name string, cfg EtherConfig) (*Device, *vethsim.End, error) {
	n.w.topo.Lock()
	defer n.w.topo.Unlock()
	if err := vethsim.ValidName(name); err != nil {
		return nil, nil, err
	}
	if n.has(name) {
		return nil, nil, ErrExists
	}
	pair, err := vethsim.NewPair(vethsim.Config{
		Names:    [2]string{name, name + "-wire"},
		Indexes:  [2]int{n.w.allocIndex(), 0},
		MACs:     [2]net.HardwareAddr{cfg.MAC, cfg.WireMAC},
		MTU:      cfg.MTU,
		Bus:      n.w.bus,
		Clock:    n.w.clock,
		Busy:     &n.w.busy,
		HopDelay: n.w.hop,
		Hops:     n.w.hops,
		Internal: true,
	})
	if err != nil {
		return nil, nil, err
	}
	dev, wire := pair.Ends()
	dev.SetGSO(cfg.GSO)
	wire.SetGSO(cfg.GSO)
	wire.SetUp(true)
	d := &Device{Kind: KindEther, name: name, index: dev.Index(), end: dev}
	if err := n.st.AddNIC(name, dev); err != nil {
		return nil, nil, err
	}
	n.put(d)
	return d, wire, nil
}
