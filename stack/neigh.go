package stack

import (
	"fmt"
	"net/netip"
	"sort"
	"sync"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	gstack "gvisor.dev/gvisor/pkg/tcpip/stack"

	"github.com/nsemu/nsemu/emu/trace"
)

// Neighbor is a row of the neighbour (ARP) table.
type Neighbor struct {
	Addr  netip.Addr
	MAC   tcpip.LinkAddress
	Dev   string
	State string
}

// NeighborState names gVisor's neighbour states as Linux does.
func NeighborState(s gstack.NeighborState) string {
	switch s {
	case gstack.Incomplete:
		return "INCOMPLETE"
	case gstack.Reachable:
		return "REACHABLE"
	case gstack.Stale:
		return "STALE"
	case gstack.Delay:
		return "DELAY"
	case gstack.Probe:
		return "PROBE"
	case gstack.Static:
		return "PERMANENT"
	case gstack.Unreachable:
		return "FAILED"
	default:
		return "NONE"
	}
}

// Neighbors returns the IPv4 neighbour table, by device then address.
func (st *Stack) Neighbors() []Neighbor {
	st.mu.Lock()
	nics := make([]*NIC, 0, len(st.nics))
	for _, n := range st.nics {
		if !n.Loopback {
			nics = append(nics, n)
		}
	}
	st.mu.Unlock()
	sort.Slice(nics, func(i, j int) bool { return nics[i].ID < nics[j].ID })
	var out []Neighbor
	for _, n := range nics {
		entries, err := st.s.Neighbors(n.ID, ipv4.ProtocolNumber)
		if err != nil {
			continue
		}
		sort.Slice(entries, func(i, j int) bool {
			return netAddr(entries[i].Addr).Less(netAddr(entries[j].Addr))
		})
		for _, e := range entries {
			out = append(out, Neighbor{Addr: netAddr(e.Addr), MAC: e.LinkAddr, Dev: n.Name, State: NeighborState(e.State)})
		}
	}
	return out
}

// AddNeighbor adds a permanent neighbour entry.
func (st *Stack) AddNeighbor(dev string, a netip.Addr, mac tcpip.LinkAddress) error {
	st.mu.Lock()
	n := st.nicByNameLocked(dev)
	if n == nil {
		st.mu.Unlock()
		return noDevice(dev)
	}
	err := st.ensureNICLocked(n)
	id := n.ID
	st.mu.Unlock()
	if err != nil {
		return err
	}
	if err := st.s.AddStaticNeighbor(id, ipv4.ProtocolNumber, tcpAddr(a), mac); err != nil {
		return fmt.Errorf("adding neighbour %s: %s", a, err)
	}
	return nil
}

// DelNeighbor removes a neighbour entry.
func (st *Stack) DelNeighbor(dev string, a netip.Addr) error {
	n, ok := st.LookupNIC(dev)
	if !ok {
		return noDevice(dev)
	}
	if err := st.s.RemoveNeighbor(n.ID, ipv4.ProtocolNumber, tcpAddr(a)); err != nil {
		return ErrNoSuchProcess
	}
	return nil
}

// FlushNeighbors empties a device's neighbour table (all devices when dev
// is empty) but for permanent entries, as `ip neigh flush` does.
func (st *Stack) FlushNeighbors(dev string) error {
	for _, n := range st.NICs() {
		if n.Loopback || (dev != "" && n.Name != dev) {
			continue
		}
		entries, err := st.s.Neighbors(n.ID, ipv4.ProtocolNumber)
		if err != nil {
			continue
		}
		for _, e := range entries {
			if e.State != gstack.Static {
				_ = st.s.RemoveNeighbor(n.ID, ipv4.ProtocolNumber, e.Addr)
			}
		}
	}
	if dev != "" {
		if _, ok := st.LookupNIC(dev); !ok {
			return noDevice(dev)
		}
	}
	return nil
}

type nudDispatcher struct{ st *Stack }

func (d *nudDispatcher) event(id tcpip.NICID, e gstack.NeighborEntry, state string) {
	if !d.st.bus.Enabled() {
		return
	}
	ev := trace.Event{Kind: trace.NeighChanged, Dev: d.st.nicName(id), Addr: netAddr(e.Addr).String(), State: state}
	if e.LinkAddr != "" {
		ev.MAC = e.LinkAddr.String()
	}
	d.st.emit(ev)
}

func (d *nudDispatcher) OnNeighborAdded(id tcpip.NICID, e gstack.NeighborEntry) {
	d.st.neighs.set(neighKey{id, e.Addr}, true)
	d.event(id, e, NeighborState(e.State))
	d.st.links.update(id, e, false)
}

func (d *nudDispatcher) OnNeighborChanged(id tcpip.NICID, e gstack.NeighborEntry) {
	d.event(id, e, NeighborState(e.State))
	d.st.links.update(id, e, false)
}

func (d *nudDispatcher) OnNeighborRemoved(id tcpip.NICID, e gstack.NeighborEntry) {
	d.st.neighs.set(neighKey{id, e.Addr}, false)
	d.event(id, e, "DELETED")
	d.st.links.update(id, e, true)
}

// neighSet holds the neighbours each device has an entry for, as gVisor's
// events tell them: arpRefresh's look, at the cost of a map lookup, before
// it lists the table (a broadcast ARP reaches every namespace of a
// bridge). mu is a leaf, taken inside gVisor's neighbour-entry lock.
type neighSet struct {
	mu sync.Mutex
	m  map[neighKey]struct{}
}

func (s *neighSet) set(k neighKey, present bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case present && s.m == nil:
		s.m = map[neighKey]struct{}{k: {}}
	case present:
		s.m[k] = struct{}{}
	default:
		delete(s.m, k)
	}
}

func (s *neighSet) has(k neighKey) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.m[k]
	return ok
}
