package stack

import (
	"net/netip"
	"sync"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
)

// pmtuExpires is how long a learnt path MTU lasts: Linux's
// net.ipv4.route.mtu_expires, 600 s.
const pmtuExpires = 600 * time.Second

// pmtuCache holds the path MTUs a namespace learnt from "fragmentation
// needed" errors, per destination, as Linux's route exceptions do. gVisor
// keeps none. It is filled by the UDP prober (tracepath) only.
type pmtuCache struct {
	// mu guards m; a leaf.
	mu sync.Mutex
	m  map[netip.Addr]pmtuEntry
}

type pmtuEntry struct {
	mtu     uint32
	expires tcpip.MonotonicTime
}

// LearnPMTU records that the path to dst carries at most mtu bytes.
func (st *Stack) LearnPMTU(dst netip.Addr, mtu uint32) {
	c := &st.pmtu
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[netip.Addr]pmtuEntry{}
	}
	c.m[dst] = pmtuEntry{mtu: mtu, expires: st.clock.NowMonotonic().Add(pmtuExpires)}
}

// PathMTU is the MTU of the path to dst: the output device's, or less
// when one was learnt (LearnPMTU) and has not expired.
func (st *Stack) PathMTU(dst netip.Addr) (uint32, error) {
	r, err := st.RouteGet(dst)
	if err != nil {
		return 0, err
	}
	n, ok := st.LookupNIC(r.Dev)
	if !ok {
		return 0, noDevice(r.Dev)
	}
	mtu := n.Link.MTU()
	c := &st.pmtu
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.m[dst]; ok {
		if st.clock.NowMonotonic().Before(e.expires) {
			mtu = min(mtu, e.mtu)
		} else {
			delete(c.m, dst)
		}
	}
	return mtu, nil
}
