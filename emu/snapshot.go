package emu

import (
	"net"
	"net/netip"
)

// LinkInfo is a device as it was at one moment: what a view of the whole
// topology (the web view) draws. Unlike the Device accessors, which a
// caller may use only while nothing changes the topology, a LinkInfo is
// read under the world's topology lock, so its name, master and peer agree
// with each other.
type LinkInfo struct {
	Name      string
	Index     int
	Kind      Kind
	MAC       net.HardwareAddr
	MTU       uint32
	Up        bool
	OperState string
	// Master is the name of the bridge the device is enslaved to, "" if
	// none.
	Master string
	// Peer and PeerName are the namespace and name of a veth's other end
	// (nil and "" for other kinds).
	Peer     *Namespace
	PeerName string
	// Addrs are the device's addresses (none for a bridge port).
	Addrs []netip.Prefix
}

// LinkInfos returns n's devices by ifindex. It takes the world's topology
// lock, so it waits for a topology change in progress (one waiting for a
// bridge that a step-through holds waits with it).
func (n *Namespace) LinkInfos() []LinkInfo {
	n.w.topo.Lock()
	defer n.w.topo.Unlock()
	devs := n.Links()
	out := make([]LinkInfo, 0, len(devs))
	for _, d := range devs {
		li := LinkInfo{
			Name: d.name, Index: d.index, Kind: d.Kind, MAC: d.MAC(), MTU: d.MTU(),
			Up: d.up, OperState: d.OperState(), Addrs: d.Addrs(),
		}
		if d.master != nil {
			li.Master = d.master.name
		}
		if d.peer != nil {
			li.Peer, li.PeerName = d.peer.ns, d.peer.name
		}
		out = append(out, li)
	}
	return out
}
