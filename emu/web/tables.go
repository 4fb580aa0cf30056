package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/stack"
	"github.com/nsemu/nsemu/stack/netfilter"
)

// tables is what /api/ns serves: everything a namespace knows, as the
// tools would show it.
type tables struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Kind string `json:"kind"`
	// T is the emulated time of the reading, in seconds since the view
	// started.
	T          float64       `json:"t"`
	Forwarding bool          `json:"forwarding"`
	Devices    []devRow      `json:"devices"`
	Routes     []string      `json:"routes"`
	Neighbours []neighRow    `json:"neighbours"`
	Bridges    []bridgeRow   `json:"bridges"`
	IPTables   []iptTable    `json:"iptables"`
	NAT        []natRow      `json:"nat"`
	Conntrack  conntrackNote `json:"conntrack"`
}

type devRow struct {
	Name   string   `json:"name"`
	Kind   string   `json:"kind"`
	MAC    string   `json:"mac"`
	MTU    uint32   `json:"mtu"`
	State  string   `json:"state"`
	Master string   `json:"master,omitempty"`
	Peer   string   `json:"peer,omitempty"`
	Addrs  []string `json:"addrs"`
}

type neighRow struct {
	Addr  string `json:"addr"`
	MAC   string `json:"mac"`
	Dev   string `json:"dev"`
	State string `json:"state"`
}

type bridgeRow struct {
	Name string `json:"name"`
	// Ageing is the CAM's ageing time, in seconds.
	Ageing float64   `json:"ageing"`
	Ports  []portRow `json:"ports"`
	CAM    []camRow  `json:"cam"`
}

type portRow struct {
	Name  string `json:"name"`
	State string `json:"state"`
}

type camRow struct {
	Port  string `json:"port"`
	MAC   string `json:"mac"`
	Local bool   `json:"local"`
	// Age is the time since the MAC was last seen, in seconds; the entry
	// goes when it reaches the bridge's Ageing.
	Age float64 `json:"age"`
}

type iptTable struct {
	Table  string     `json:"table"`
	Chains []iptChain `json:"chains"`
}

type iptChain struct {
	Name    string    `json:"name"`
	Policy  string    `json:"policy,omitempty"`
	Packets uint64    `json:"packets"`
	Bytes   uint64    `json:"bytes"`
	Rules   []iptRule `json:"rules"`
}

type iptRule struct {
	// Spec is the rule in iptables -S words.
	Spec    string `json:"spec"`
	Packets uint64 `json:"packets"`
	Bytes   uint64 `json:"bytes"`
}

// conntrackNote says where the connection table is: gVisor keeps its own
// and shows no one, so the view lists the NAT rewrites it saw (NAT).
type conntrackNote struct {
	Visible bool   `json:"visible"`
	Note    string `json:"note"`
}

func (s *Server) handleTables(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("id")
	if id == "" {
		http.Error(w, "web view: /api/ns needs ?id=NAMESPACE-ID", http.StatusBadRequest)
		return
	}
	s.topo.asked.Store(time.Now().UnixNano())
	n, ok := s.topo.namespace(id)
	if !ok {
		http.Error(w, fmt.Sprintf("web view: no namespace %q", id), http.StatusNotFound)
		return
	}
	writeJSON(w, s.readTables(id, n))
}

// readTables reads a namespace's tables. It takes the world's topology
// lock (LinkInfos) and the stack's, never the data path's.
func (s *Server) readTables(id string, n *emu.Namespace) tables {
	st := n.Stack()
	t := tables{
		ID: id, Name: n.Name(), Kind: nsKind(n), T: s.w.Clock().Now().Sub(s.hub.start).Seconds(),
		Forwarding: st.Forwarding(), Devices: []devRow{}, Neighbours: []neighRow{}, Bridges: []bridgeRow{},
		NAT: s.hub.store.natRows(n.Name()),
		Conntrack: conntrackNote{Note: "gVisor keeps its connection-tracking table to itself: " +
			"what is listed here are the NAT rewrites this namespace made (from its events)"},
	}
	for _, li := range n.LinkInfos() {
		t.Devices = append(t.Devices, devRowFrom(li))
		if li.Kind == emu.KindBridge {
			if b, ok := bridgeRowOf(n, li.Name); ok {
				t.Bridges = append(t.Bridges, b)
			}
		}
	}
	for _, rt := range st.Routes() {
		t.Routes = append(t.Routes, routeLine(rt))
	}
	for _, nb := range st.Neighbors() {
		mac := ""
		if nb.MAC != "" {
			mac = nb.MAC.String()
		}
		t.Neighbours = append(t.Neighbours, neighRow{Addr: nb.Addr.String(), MAC: mac, Dev: nb.Dev, State: nb.State})
	}
	t.IPTables = iptablesOf(st.Netfilter())
	return t
}

func devRowFrom(li emu.LinkInfo) devRow {
	d := devRow{Name: li.Name, Kind: li.Kind.String(), MAC: li.MAC.String(), MTU: li.MTU, State: li.OperState, Master: li.Master, Addrs: []string{}}
	if li.Peer != nil {
		d.Peer = li.Peer.Name() + "/" + li.PeerName
	}
	for _, a := range li.Addrs {
		d.Addrs = append(d.Addrs, a.String())
	}
	return d
}

func bridgeRowOf(n *emu.Namespace, name string) (bridgeRow, bool) {
	d, err := n.Link(name)
	if err != nil || d.Bridge() == nil {
		return bridgeRow{}, false
	}
	br := d.Bridge()
	b := bridgeRow{Name: name, Ageing: br.Ageing().Seconds(), Ports: []portRow{}, CAM: []camRow{}}
	for _, p := range br.Ports() {
		b.Ports = append(b.Ports, portRow{Name: p.Name, State: p.State})
	}
	for _, e := range br.FDB() {
		b.CAM = append(b.CAM, camRow{Port: e.Port, MAC: e.MAC.String(), Local: e.Local, Age: e.Age.Seconds()})
	}
	return b, true
}

// routeLine renders a route as `ip route` does.
func routeLine(r stack.Route) string {
	var b strings.Builder
	if r.IsDefault() {
		b.WriteString("default")
	} else {
		b.WriteString(r.Dst.String())
	}
	if r.Gateway.IsValid() {
		b.WriteString(" via " + r.Gateway.String())
	}
	b.WriteString(" dev " + r.Dev)
	if r.Kernel {
		b.WriteString(" proto kernel scope link")
	}
	if r.Src.IsValid() {
		b.WriteString(" src " + r.Src.String())
	}
	if r.Metric != 0 {
		fmt.Fprintf(&b, " metric %d", r.Metric)
	}
	return b.String()
}

// iptablesOf lists the filter and nat tables (and mangle and raw when
// they have rules) with their counters.
func iptablesOf(nf *netfilter.Tables) []iptTable {
	var out []iptTable
	for _, name := range nf.Names() {
		chains, err := nf.List(name)
		if err != nil {
			continue
		}
		t := iptTable{Table: name}
		rules := 0
		for _, c := range chains {
			ch := iptChain{Name: c.Name, Policy: c.Policy, Packets: c.Packets, Bytes: c.Bytes, Rules: []iptRule{}}
			for _, r := range c.Rules {
				spec := "-A " + c.Name + " " + strings.Join(netfilter.RuleArgs(r.Rule, nil), " ")
				ch.Rules = append(ch.Rules, iptRule{Spec: strings.TrimSpace(spec), Packets: r.Packets, Bytes: r.Bytes})
				rules++
			}
			t.Chains = append(t.Chains, ch)
		}
		if name == "filter" || name == "nat" || rules > 0 {
			out = append(out, t)
		}
	}
	return out
}

func writeJSON(w http.ResponseWriter, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(body)
}
