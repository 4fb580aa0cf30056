package ethtool

import (
	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/vethsim"
)

// groups are ethtool's legacy flags as -k prints them first: a heading,
// and the features it stands for (printed under it when more than one).
// The flag's short name is what -K takes.
var groups = []struct {
	flag, heading string
	features      []string
}{
	{"rx", "rx-checksumming", []string{"rx-checksum"}},
	{"tx", "tx-checksumming", []string{"tx-checksum-ipv4", "tx-checksum-ip-generic", "tx-checksum-ipv6", "tx-checksum-fcoe-crc", "tx-checksum-sctp"}},
	{"sg", "scatter-gather", []string{"tx-scatter-gather", "tx-scatter-gather-fraglist"}},
	{"tso", "tcp-segmentation-offload", []string{"tx-tcp-segmentation", "tx-tcp-ecn-segmentation", "tx-tcp-mangleid-segmentation", "tx-tcp6-segmentation", "tx-tcp-accecn-segmentation"}},
	{"gso", "generic-segmentation-offload", []string{"tx-generic-segmentation"}},
	{"gro", "generic-receive-offload", []string{"rx-gro"}},
	{"lro", "large-receive-offload", []string{"rx-lro"}},
	{"rxvlan", "rx-vlan-offload", []string{"rx-vlan-hw-parse"}},
	{"txvlan", "tx-vlan-offload", []string{"tx-vlan-hw-insert"}},
	{"ntuple", "ntuple-filters", []string{"rx-ntuple-filter"}},
	{"rxhash", "receive-hashing", []string{"rx-hashing"}},
}

// flagFeatures are the features a legacy flag of -K sets (tso's pattern,
// tx-tcp*-segmentation, as ethtool 6.1 knows the names).
var flagFeatures = map[string][]string{
	"tso": {"tx-tcp-segmentation", "tx-tcp-ecn-segmentation", "tx-tcp-mangleid-segmentation", "tx-tcp6-segmentation"},
}

// others are the rest of the kernel's features, in -k's order (Linux
// 6.18's names, as recorded on this project's machine).
var others = []string{"highdma", "rx-vlan-filter", "vlan-challenged", "tx-gso-robust", "tx-fcoe-segmentation",
	"tx-gre-segmentation", "tx-gre-csum-segmentation", "tx-ipxip4-segmentation", "tx-ipxip6-segmentation",
	"tx-udp_tnl-segmentation", "tx-udp_tnl-csum-segmentation", "tx-gso-partial", "tx-tunnel-remcsum-segmentation",
	"tx-sctp-segmentation", "tx-esp-segmentation", "tx-udp-segmentation", "tx-gso-list", "tx-nocache-copy",
	"loopback", "rx-fcs", "rx-all", "tx-vlan-stag-hw-insert", "rx-vlan-stag-hw-parse", "rx-vlan-stag-filter",
	"l2-fwd-offload", "hw-tc-offload", "esp-hw-offload", "esp-tx-csum-hw-offload", "rx-udp_tunnel-port-offload",
	"tls-hw-tx-offload", "tls-hw-rx-offload", "rx-gro-hw", "tls-hw-record", "rx-gro-list", "macsec-hw-offload",
	"rx-udp-gro-forwarding", "hsr-tag-ins-offload", "hsr-tag-rm-offload", "hsr-fwd-offload", "hsr-dup-offload"}

// bitOrder is the order of the kernel's feature bits, in which -K lists
// its "Actual changes" (only the features nsemu can report a change of,
// or a refusal, need to be here).
var bitOrder = []string{"tx-scatter-gather", "tx-checksum-ipv4", "tx-checksum-ip-generic", "tx-checksum-ipv6",
	"highdma", "tx-scatter-gather-fraglist", "tx-vlan-hw-insert", "rx-vlan-hw-parse", "rx-vlan-filter",
	"vlan-challenged", "tx-generic-segmentation", "rx-gro", "rx-lro", "tx-tcp-segmentation", "tx-gso-robust",
	"tx-tcp-ecn-segmentation", "tx-tcp-mangleid-segmentation", "tx-tcp6-segmentation", "tx-fcoe-segmentation",
	"tx-gre-segmentation", "tx-gre-csum-segmentation", "tx-ipxip4-segmentation", "tx-ipxip6-segmentation",
	"tx-udp_tnl-segmentation", "tx-udp_tnl-csum-segmentation", "tx-gso-partial", "tx-tunnel-remcsum-segmentation",
	"tx-sctp-segmentation", "tx-esp-segmentation", "tx-udp-segmentation", "tx-gso-list", "tx-checksum-fcoe-crc",
	"tx-checksum-sctp", "rx-ntuple-filter", "rx-hashing", "rx-checksum", "tx-nocache-copy", "loopback", "rx-fcs",
	"rx-all", "tx-vlan-stag-hw-insert", "rx-vlan-stag-hw-parse", "rx-vlan-stag-filter", "l2-fwd-offload",
	"hw-tc-offload", "esp-hw-offload", "esp-tx-csum-hw-offload", "rx-udp_tunnel-port-offload", "tls-hw-tx-offload",
	"tls-hw-rx-offload", "rx-gro-hw", "tls-hw-record", "rx-gro-list", "macsec-hw-offload", "rx-udp-gro-forwarding",
	"hsr-tag-ins-offload", "hsr-tag-rm-offload", "hsr-fwd-offload", "hsr-dup-offload", "tx-tcp-accecn-segmentation"}

// state is one feature of one device: whether it is on, whether it was
// asked for on, and whether it can change at all.
type state struct {
	on, wanted, fixed bool
}

// features are a device's features by name.
type features map[string]state

// fixedOn are the features a kind of device has, always on: what nsemu
// does and cannot stop doing (gVisor's loopback checks no checksums;
// every buffer is scatter-gather).
var fixedOn = map[emu.Kind][]string{
	emu.KindLoopback: {"rx-checksum", "tx-checksum-ip-generic", "tx-scatter-gather", "loopback"},
	emu.KindBridge:   {"rx-checksum", "tx-checksum-ip-generic", "tx-scatter-gather"},
	emu.KindVeth:     {"tx-scatter-gather"},
	emu.KindEther:    {"tx-scatter-gather"},
}

// featuresOf reads a device's features. Everything nsemu does not have
// is off and fixed; a veth's (and an uplink's) tso, gso and checksum
// offloads are its vethsim end's.
func featuresOf(d *emu.Device) features {
	f := features{}
	for _, n := range bitOrder {
		f[n] = state{fixed: true}
	}
	for _, n := range fixedOn[d.Kind] {
		f[n] = state{on: true, wanted: true, fixed: true}
	}
	if end := changeable(d); end != nil {
		w, a := end.Offloads()
		f["rx-checksum"] = state{on: !a.RxCsumOff, wanted: !w.RxCsumOff}
		f["tx-checksum-ip-generic"] = state{on: !a.TxCsumOff, wanted: !w.TxCsumOff}
		f["tx-tcp-segmentation"] = state{on: a.TSO, wanted: w.TSO}
		f["tx-generic-segmentation"] = state{on: a.GSO, wanted: w.GSO}
	}
	for n, s := range f {
		if s.fixed {
			s.wanted = s.on
			f[n] = s
		}
	}
	return f
}

// changeable is the end whose offloads -K changes: a veth's or an uplink
// device's. A bridge's own interface and lo have fixed features.
func changeable(d *emu.Device) *vethsim.End {
	if d.Kind == emu.KindVeth || d.Kind == emu.KindEther {
		return d.End()
	}
	return nil
}

// apply sets the changeable features among want on d's end.
func apply(d *emu.Device, want map[string]bool) {
	end := changeable(d)
	if end == nil {
		return
	}
	w, _ := end.Offloads()
	for n, on := range want {
		switch n {
		case "rx-checksum":
			w.RxCsumOff = !on
		case "tx-checksum-ip-generic":
			w.TxCsumOff = !on
		case "tx-tcp-segmentation":
			w.TSO = on
		case "tx-generic-segmentation":
			w.GSO = on
		}
	}
	end.SetOffloads(w)
}

// expand turns -K's changes into features: a legacy flag stands for its
// features, a feature name for itself; unknown names are returned apart.
func expand(changes []Change) (want map[string]bool, unknown string) {
	want = map[string]bool{}
	for _, c := range changes {
		names, ok := flagFeatures[c.Name]
		if !ok {
			for _, g := range groups {
				if g.flag == c.Name {
					names, ok = g.features, true
				}
			}
		}
		if !ok && containsString(bitOrder, c.Name) {
			names, ok = []string{c.Name}, true
		}
		if !ok {
			return nil, c.Name
		}
		for _, n := range names {
			want[n] = c.On
		}
	}
	return want, ""
}
