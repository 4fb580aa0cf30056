package web

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"hash/fnv"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nsemu/nsemu/emu"
)

// Past these, the page draws the compact view: a namespace is one node,
// bridge ports are folded into the links, and layout is a grid.
const (
	compactNamespaces = 150
	compactDevices    = 600
)

// topology is what /api/topology serves.
type topology struct {
	Version    int64    `json:"version"`
	Compact    bool     `json:"compact"`
	Namespaces []nsView `json:"namespaces"`
}

// nsView is a namespace box.
type nsView struct {
	// ID is "host", "netns/NAME" or "container/NAME" (a hidden Docker
	// namespace; "#2"… tells same-named ones apart).
	ID   string `json:"id"`
	Name string `json:"name"`
	// Kind is host, netns or container.
	Kind    string    `json:"kind"`
	Devices []devView `json:"devices"`
}

// devView is a device: a port on its namespace's box, or a switch for a
// bridge. Loopback devices are left out (the tables show them).
type devView struct {
	// ID is the namespace's ID, "/", the device's name.
	ID    string   `json:"id"`
	Name  string   `json:"name"`
	Kind  string   `json:"kind"`
	MAC   string   `json:"mac"`
	State string   `json:"state"`
	Addrs []string `json:"addrs,omitempty"`
	// Master is the ID of the bridge the device is a port of.
	Master string `json:"master,omitempty"`
	// Peer is the ID of a veth's other end.
	Peer string `json:"peer,omitempty"`
}

// nsIDs names every namespace of w for the page.
func nsIDs(all []*emu.Namespace) map[*emu.Namespace]string {
	ids := make(map[*emu.Namespace]string, len(all))
	seen := map[string]int{}
	for _, n := range all {
		id := "netns/" + n.Name()
		switch {
		case n.IsHost():
			id = "host"
		case n.Hidden():
			id = "container/" + n.Name()
		}
		seen[id]++
		if k := seen[id]; k > 1 {
			id += "#" + strconv.Itoa(k)
		}
		ids[n] = id
	}
	return ids
}

func nsKind(n *emu.Namespace) string {
	switch {
	case n.IsHost():
		return "host"
	case n.Hidden():
		return "container"
	}
	return "netns"
}

// buildTopology reads the world's namespaces and devices. It returns the
// namespaces by ID too.
func buildTopology(w *emu.World) (topology, map[string]*emu.Namespace) {
	all := w.AllNamespaces()
	ids := nsIDs(all)
	byID := make(map[string]*emu.Namespace, len(all))
	for n, id := range ids {
		byID[id] = n
	}
	var t topology
	devices := 0
	for _, n := range all {
		v := nsView{ID: ids[n], Name: n.Name(), Kind: nsKind(n), Devices: []devView{}}
		for _, li := range n.LinkInfos() {
			if li.Kind == emu.KindLoopback {
				continue
			}
			v.Devices = append(v.Devices, devFrom(ids, v.ID, li))
		}
		devices += len(v.Devices)
		t.Namespaces = append(t.Namespaces, v)
	}
	t.Compact = len(all) > compactNamespaces || devices > compactDevices
	return t, byID
}

func devFrom(ids map[*emu.Namespace]string, nsID string, li emu.LinkInfo) devView {
	d := devView{ID: nsID + "/" + li.Name, Name: li.Name, Kind: li.Kind.String(), MAC: li.MAC.String(), State: li.OperState}
	for _, a := range li.Addrs {
		d.Addrs = append(d.Addrs, a.String())
	}
	if li.Master != "" {
		d.Master = nsID + "/" + li.Master
	}
	if li.Peer != nil {
		if pid, ok := ids[li.Peer]; ok {
			d.Peer = pid + "/" + li.PeerName
		}
	}
	return d
}

// topoWatch keeps the latest topology and its version. The world says
// nothing when its topology changes, so a goroutine reads it again and
// again while someone looks (a page follows the stream, or asked for the
// topology or tables lately), more seldom the longer a reading takes (a
// world of 10 000 namespaces is read about once a second), and bumps the
// version when it differs. Handlers serve the latest reading: they never
// wait for the world.
type topoWatch struct {
	w   *emu.World
	hub *hub
	// asked is when a handler last served the topology or tables
	// (UnixNano).
	asked atomic.Int64

	// mu guards the fields below; it is a leaf.
	mu      sync.Mutex
	version int64
	hash    uint64
	body    []byte // JSON of the latest topology, version included
	gz      []byte // the same, gzipped
	ids     map[string]*emu.Namespace

	poke chan struct{}
}

func newTopoWatch(w *emu.World, h *hub) *topoWatch {
	t := &topoWatch{w: w, hub: h, poke: make(chan struct{}, 1)}
	t.refresh()
	return t
}

// Poll intervals: the reading is repeated after pollMin, or after
// pollFactor times what the last reading cost, whichever is longer.
const (
	pollMin    = 200 * time.Millisecond
	pollFactor = 10
	// lookedAtLately: without a stream, readings go on this long after a
	// request.
	lookedAtLately = 10 * time.Second
)

func (t *topoWatch) run(done <-chan struct{}) {
	wait := pollMin
	for {
		timer := time.NewTimer(wait)
		select {
		case <-done:
			timer.Stop()
			return
		case <-t.poke:
			timer.Stop()
		case <-timer.C:
		}
		if t.hub.clientCount() == 0 && time.Since(time.Unix(0, t.asked.Load())) > lookedAtLately {
			continue
		}
		start := time.Now()
		t.refresh()
		wait = max(pollMin, pollFactor*time.Since(start))
	}
}

// kick asks for a reading now (a pause: the page should see the topology
// the script has built so far).
func (t *topoWatch) kick() {
	select {
	case t.poke <- struct{}{}:
	default:
	}
}

// refresh reads the topology and, if it changed, stores it under a new
// version and tells the pages.
func (t *topoWatch) refresh() {
	topo, byID := buildTopology(t.w)
	nsJSON, err := json.Marshal(topo.Namespaces)
	if err != nil {
		return
	}
	h := fnv.New64a()
	h.Write(nsJSON)
	if topo.Compact {
		h.Write([]byte{1})
	}
	sum := h.Sum64()
	t.mu.Lock()
	if sum == t.hash && t.body != nil {
		t.mu.Unlock()
		return
	}
	t.version++
	topo.Version = t.version
	t.hash = sum
	t.body, _ = json.Marshal(topo)
	t.gz = gzipped(t.body)
	t.ids = byID
	t.mu.Unlock()
	t.hub.notify()
}

func gzipped(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write(b)
	_ = zw.Close()
	return buf.Bytes()
}

// Version returns the latest topology's version.
func (t *topoWatch) Version() int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.version
}

// namespace finds a namespace by its ID: in the latest topology, or
// among the namespaces there are now (one made since the last reading).
func (t *topoWatch) namespace(id string) (*emu.Namespace, bool) {
	t.mu.Lock()
	n, ok := t.ids[id]
	t.mu.Unlock()
	if ok {
		return n, true
	}
	for n, nid := range nsIDs(t.w.AllNamespaces()) {
		if nid == id {
			return n, true
		}
	}
	return nil, false
}

func (s *Server) handleTopology(w http.ResponseWriter, r *http.Request) {
	s.topo.asked.Store(time.Now().UnixNano())
	s.topo.mu.Lock()
	body, gz := s.topo.body, s.topo.gz
	s.topo.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") && len(body) > 1024 {
		w.Header().Set("Content-Encoding", "gzip")
		_, _ = w.Write(gz)
		return
	}
	_, _ = w.Write(body)
}
