// Package ethtool is ethtool 6.1 on the emulated devices: a device's
// driver (-i), its offload features (-k) and switching those nsemu really
// has (-K: tso, gso, tx and rx checksumming, which change what a veth end
// does with large segments and checksums), a veth's counters (-S) and its
// link settings. Outputs and errors are ethtool's, recorded on Linux
// (testdata/record.sh).
package ethtool

import "github.com/nsemu/nsemu/emu/shell"

// Builtins returns ethtool.
func Builtins() []*shell.Builtin {
	return []*shell.Builtin{{
		Name:  "ethtool",
		Group: shell.GroupIproute2,
		Usage: "ethtool DEV | -i DEV | -k DEV | -K DEV FEATURE on|off ... | -S DEV",
		Help: `Query and change a device's driver settings, as ethtool 6.1.
  ethtool DEV                 link settings (a veth is 10000Mb/s full duplex)
  ethtool -i DEV              driver: veth, bridge, tun
  ethtool -k DEV              offload features; [fixed] where nsemu cannot change them
  ethtool -K DEV tso|gso|tx|rx on|off ...
                              tso off: large TCP segments are cut into real frames
                              before the wire; gso off: the stack makes MTU-sized
                              segments itself; tx off turns tso off; rx off makes the
                              stack verify every checksum
  ethtool -S DEV              a veth's counters (peer_ifindex, rx_queue_0_drops)`,
		Run: run,
	}}
}
