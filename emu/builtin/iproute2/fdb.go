package iproute2

// bridge fdb add|append|replace|del on a VXLAN device (iproute2 6.1's
// fdb_modify), and the VXLAN FDB's lines in bridge fdb show.

import (
	"errors"
	"fmt"
	"net"
	"net/netip"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/shell"
	"github.com/nsemu/nsemu/stack/vxlan"
)

// fdbMod is a parsed bridge fdb add|append|replace|del.
type fdbMod struct {
	mac    net.HardwareAddr
	macArg string
	dev    string
	remote vxlan.Remote
	dstSet bool
	state  string
	master bool // the bridge's entry, not the device's own
	env    names
}

func fdbNotEmulated(word string) error {
	return shell.Failf(1, "nsemu: \"bridge fdb ... %s\" is not emulated", word)
}

// fdbModKeywords is fdb_modify's table.
var fdbModKeywords = []keyword[*fdbMod]{
	{name: "dev", args: 1, apply: func(m *fdbMod, v []string) error { m.dev = v[0]; return nil }},
	{name: "dst", args: 1, apply: (*fdbMod).setDst},
	{name: "port", args: 1, apply: (*fdbMod).setPort},
	{name: "vni", args: 1, apply: (*fdbMod).setVNI},
	{name: "via", args: 1, apply: (*fdbMod).setVia},
	{name: "self"},
	{name: "local", apply: func(m *fdbMod, _ []string) error { m.state = "permanent"; return nil }},
	{name: "permanent", apply: func(m *fdbMod, _ []string) error { m.state = "permanent"; return nil }},
	{name: "temp", apply: func(m *fdbMod, _ []string) error { m.state = "static"; return nil }},
	{name: "static", apply: func(m *fdbMod, _ []string) error { m.state = "static"; return nil }},
	fails[*fdbMod]("dynamic", fdbNotEmulated("dynamic")),
	{name: "master", apply: func(m *fdbMod, _ []string) error { m.master = true; return nil }},
	fails[*fdbMod]("router", fdbNotEmulated("router")),
	fails[*fdbMod]("use", fdbNotEmulated("use")),
	fails[*fdbMod]("extern_learn", fdbNotEmulated("extern_learn")),
	fails[*fdbMod]("sticky", fdbNotEmulated("sticky")),
	fails[*fdbMod]("vlan", fdbNotEmulated("vlan")),
	fails[*fdbMod]("src_vni", fdbNotEmulated("src_vni")),
	fails[*fdbMod]("nhid", fdbNotEmulated("nhid")),
}

// parseFDBMod parses the words after bridge fdb add|append|replace|del.
func parseFDBMod(a *args, env names) (*fdbMod, error) {
	m := &fdbMod{env: env, state: "permanent"}
	if err := walk(a, m, fdbModKeywords, (*fdbMod).positional); err != nil {
		return nil, err
	}
	if m.dev == "" || m.macArg == "" {
		return nil, shell.Failf(255, "Device and address are required arguments.")
	}
	mac, err := net.ParseMAC(m.macArg)
	if err != nil || len(mac) != 6 {
		return nil, shell.Failf(255, "Invalid mac address %s", m.macArg)
	}
	m.mac = mac
	return m, nil
}

// positional is the address, after an optional "to".
func (m *fdbMod) positional(a *args) error {
	w := a.cur()
	if w == "to" {
		var err error
		if w, err = a.next(); err != nil {
			return err
		}
	}
	if matches(w, "help") {
		return usage(fdbModUsage)
	}
	if m.macArg != "" {
		return duparg2("to", w)
	}
	m.macArg = w
	return nil
}

const fdbModUsage = "Usage: bridge fdb { add | append | del | replace } ADDR dev DEV\n" +
	"              [ self ] [ local | static ]\n" +
	"              [ dst IPADDR ] [ port PORT] [ vni VNI ] [ via DEV ]"

func (m *fdbMod) setDst(v []string) error {
	a, err := netip.ParseAddr(v[0])
	if err != nil || !a.Is4() {
		return shell.Failf(1, "Error: any valid address is expected rather than %q.", v[0])
	}
	m.remote.IP, m.dstSet = a, true
	return nil
}

func (m *fdbMod) setPort(v []string) error {
	n, ok := parseUint32(v[0])
	if !ok || n > 65535 {
		return invarg("invalid port\n", v[0])
	}
	m.remote.Port = uint16(n)
	return nil
}

func (m *fdbMod) setVNI(v []string) error {
	n, ok := parseUint32(v[0])
	if !ok || n > vxlan.MaxVNI {
		return invarg("invalid VNI\n", v[0])
	}
	m.remote.VNI = uint32(n)
	return nil
}

func (m *fdbMod) setVia(v []string) error {
	if _, ok := m.env.link(v[0]); !ok {
		return shell.Failf(255, "Cannot find device %q", v[0])
	}
	m.remote.Via = v[0]
	return nil
}

// bridgeFDBModify runs bridge fdb add|append|replace|del (cmd).
func (ip *ipCmd) bridgeFDBModify(cmd string, a *args) error {
	m, err := parseFDBMod(a, ip.names())
	if err != nil {
		return err
	}
	d, err := ip.ns.Link(m.dev)
	if err != nil {
		return shell.Failf(255, "Cannot find device %q", m.dev)
	}
	switch {
	case d.Kind == emu.KindLoopback:
		return shell.Failf(255, "Error: FDB add only supported for Ethernet devices.")
	case d.Vxlan() == nil || m.master:
		// Only a VXLAN device's own FDB is emulated.
		return shell.Failf(1, "nsemu: \"bridge fdb %s\" is not emulated; the bridge learns by itself", cmd)
	}
	vx := d.Vxlan()
	cfg := vx.Config()
	if m.remote.Port == cfg.Port {
		m.remote.Port = 0
	}
	if m.remote.VNI == cfg.VNI {
		m.remote.VNI = 0
	}
	if matches(cmd, "delete") {
		return fdbErr(vx.FDB().Delete(m.mac, m.delRemote()))
	}
	if !m.dstSet {
		return shell.Failf(255, "RTNETLINK answers: Invalid argument")
	}
	op := map[string]vxlan.Op{"add": vxlan.OpAdd, "append": vxlan.OpAppend, "replace": vxlan.OpReplace}[cmd]
	return fdbErr(vx.FDB().UpdateState(op, m.mac, m.remote, m.state))
}

// delRemote is the remote a del names (nil: the whole entry).
func (m *fdbMod) delRemote() *vxlan.Remote {
	if !m.dstSet {
		return nil
	}
	return &m.remote
}

func fdbErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, vxlan.ErrExists) || errors.Is(err, vxlan.ErrNotFound) {
		return shell.Failf(255, "RTNETLINK answers: %s", err)
	}
	return shell.Failf(255, "RTNETLINK answers: %v", err)
}

// vxlanRows are a VXLAN device's FDB lines, newest first, one per remote.
func vxlanRows(d *emu.Device, r *bridgeReq) []fdbEntry {
	vx := d.Vxlan()
	cfg := vx.Config()
	var rows []fdbEntry
	for _, e := range vx.FDB().Entries() {
		if r.dynamic && e.Static {
			continue
		}
		for _, rm := range e.Remotes {
			rows = append(rows, fdbEntry{mac: e.MAC.String(), dev: d.Name(), self: true, state: e.State, vx: vxlanRemote(rm, cfg)})
		}
	}
	return rows
}

// vxlanRemote is the remote's part of the line: what differs from the
// device's own port and VNI, as vxlan_fdb_info sends it.
func vxlanRemote(rm vxlan.Remote, cfg vxlan.Config) *vxlan.Remote {
	out := rm
	if out.Port == cfg.Port {
		out.Port = 0
	}
	if out.VNI == cfg.VNI {
		out.VNI = 0
	}
	return &out
}

// vxlanText is the remote's words after the device.
func vxlanText(rm *vxlan.Remote) string {
	s := " dst " + rm.IP.String()
	if rm.Port != 0 {
		s += fmt.Sprintf(" port %d", rm.Port)
	}
	if rm.VNI != 0 {
		s += fmt.Sprintf(" vni %d", rm.VNI)
	}
	if rm.Via != "" {
		s += " via " + rm.Via
	}
	return s
}

// vxlanJSON is the remote's JSON fields.
func vxlanJSON(rm *vxlan.Remote) jsonObject {
	o := jsonObject{{"dst", rm.IP.String()}}
	if rm.Port != 0 {
		o = append(o, jsonField{"port", rm.Port})
	}
	if rm.VNI != 0 {
		o = append(o, jsonField{"vni", rm.VNI})
	}
	if rm.Via != "" {
		o = append(o, jsonField{"viaIf", rm.Via})
	}
	return o
}
