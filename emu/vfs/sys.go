package vfs

import (
	"fmt"
	"strings"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/vethsim"
)

// sysClassNetFiles serves /sys/class/net/DEV/...
func sysClassNetFiles(ns *emu.Namespace, p string) (*File, bool, bool) {
	switch p {
	case "/sys":
		return Dir("class"), true, true
	case "/sys/class":
		return Dir("net"), true, true
	case "/sys/class/net":
		return &File{Names: func() []string {
			var names []string
			for _, d := range ns.Links() {
				names = append(names, d.Name())
			}
			return names
		}}, true, true
	}
	if !strings.HasPrefix(p, "/sys/") {
		return nil, false, false
	}
	rest, ok := strings.CutPrefix(p, "/sys/class/net/")
	if !ok {
		return nil, false, true
	}
	devName, attr, _ := strings.Cut(rest, "/")
	d, err := ns.Link(devName)
	if err != nil {
		return nil, false, true
	}
	switch {
	case attr == "":
		names := append([]string(nil), devAttrs...)
		if d.Master() != nil {
			names = append(names, "master")
		}
		return Dir(names...), true, true
	case attr == "statistics":
		return Dir(statNames...), true, true
	case attr == "master" && d.Master() != nil:
		return nil, true, true
	}
	val := func(f func() string) *File {
		return &File{Read: func() ([]byte, error) { return []byte(f() + "\n"), nil }}
	}
	switch attr {
	case "address":
		return val(func() string { return d.MAC().String() }), false, true
	case "broadcast":
		return val(func() string { return "ff:ff:ff:ff:ff:ff" }), false, true
	case "mtu":
		return val(func() string { return fmt.Sprint(d.MTU()) }), false, true
	case "ifindex":
		return val(func() string { return fmt.Sprint(d.Index()) }), false, true
	case "iflink":
		return val(func() string {
			if pi := d.PeerIndex(); pi != 0 {
				return fmt.Sprint(pi)
			}
			return fmt.Sprint(d.Index())
		}), false, true
	case "operstate":
		return val(func() string { return strings.ToLower(d.OperState()) }), false, true
	case "carrier":
		return &File{Read: func() ([]byte, error) {
			if !d.IsUp() {
				return nil, ErrInval
			}
			if d.Carrier() {
				return []byte("1\n"), nil
			}
			return []byte("0\n"), nil
		}}, false, true
	case "type":
		return val(func() string {
			if d.Kind == emu.KindLoopback {
				return "772"
			}
			return "1"
		}), false, true
	case "tx_queue_len":
		return val(func() string { return "1000" }), false, true
	case "flags":
		return val(func() string { return fmt.Sprintf("%#x", d.Flags()&^emu.IffRunning) }), false, true
	}
	if stat, ok := strings.CutPrefix(attr, "statistics/"); ok {
		pick := map[string]func(vethsim.Counters) uint64{
			"rx_packets": func(c vethsim.Counters) uint64 { return c.RxPackets },
			"tx_packets": func(c vethsim.Counters) uint64 { return c.TxPackets },
			"rx_bytes":   func(c vethsim.Counters) uint64 { return c.RxBytes },
			"tx_bytes":   func(c vethsim.Counters) uint64 { return c.TxBytes },
			"rx_dropped": func(c vethsim.Counters) uint64 { return c.RxDropped },
			"tx_dropped": func(c vethsim.Counters) uint64 { return c.TxDropped },
			"rx_errors":  func(vethsim.Counters) uint64 { return 0 },
			"tx_errors":  func(vethsim.Counters) uint64 { return 0 },
		}[stat]
		if pick != nil {
			return val(func() string { return fmt.Sprint(pick(d.Counters())) }), false, true
		}
	}
	return nil, false, true
}

// devAttrs are the files of /sys/class/net/DEV; statNames those of its
// statistics directory.
var (
	devAttrs  = []string{"address", "broadcast", "carrier", "flags", "ifindex", "iflink", "mtu", "operstate", "statistics", "tx_queue_len", "type"}
	statNames = []string{"rx_packets", "tx_packets", "rx_bytes", "tx_bytes", "rx_dropped", "tx_dropped", "rx_errors", "tx_errors"}
)
