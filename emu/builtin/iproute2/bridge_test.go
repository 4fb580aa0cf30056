package iproute2_test

import (
	"testing"

	"github.com/nsemu/nsemu/emu/builtin/builtintest"
)

// pingAll makes the bridge of SetupSeed learn every namespace's MAC.
const pingAll = `ip netns exec ns1 ping -c 1 192.168.28.2 > /dev/null
ip netns exec ns3 ping -c 1 192.168.28.1 > /dev/null
`

func TestBridge(t *testing.T) {
	// Seed 002 before the ports are up: the tutorial's own output.
	const wired = `ip netns add ns1
ip link add vbridge type bridge
ip link set dev vbridge up
ip link add veth-1 type veth peer name veth-1-br
ip link set veth-1 netns ns1
ip link set veth-1-br master vbridge
`
	builtintest.RunCases(t, []builtintest.Case{
		{Name: "ports disabled", Setup: wired, Cmd: "bridge link",
			Out: "3: veth-1-br@if4: <BROADCAST,MULTICAST> mtu 1500 master vbridge state disabled priority 32 cost 2 \n"},
		{Name: "ports forwarding", Setup: builtintest.SetupSeed, Cmd: "bridge link show",
			Out: "3: veth-1-br@if4: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 master vbridge state forwarding priority 32 cost 2 \n" +
				"5: veth-2-br@if6: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 master vbridge state forwarding priority 32 cost 2 \n" +
				"7: veth-3-br@if8: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 master vbridge state forwarding priority 32 cost 2 \n"},
		{Name: "one port", Setup: builtintest.SetupSeed, Cmd: "bridge link show dev veth-2-br",
			Out: "5: veth-2-br@if6: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 master vbridge state forwarding priority 32 cost 2 \n"},
		{Name: "a port whose peer is down", Setup: builtintest.SetupSeed, Cmd: "ip -n ns2 link set veth-2 down && bridge link show dev veth-2-br",
			Out: "5: veth-2-br@if6: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 master vbridge state disabled priority 32 cost 2 \n"},
		{Name: "a bridge that is down disables its ports", Setup: builtintest.SetupSeed, Cmd: "ip link set vbridge down && bridge link show dev veth-1-br",
			Out: "3: veth-1-br@if4: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 master vbridge state disabled priority 32 cost 2 \n"},
		{Name: "fdb", Setup: builtintest.SetupSeed + pingAll, Cmd: "bridge fdb",
			OutRe: `^33:33:00:00:00:01 dev vbridge self permanent\n01:00:5e:00:00:6a dev vbridge self permanent\n33:33:00:00:00:6a dev vbridge self permanent\n` +
				`01:00:5e:00:00:01 dev vbridge self permanent\n33:33:ff:(..:){2}.. dev vbridge self permanent\n(..:){5}.. dev vbridge master vbridge permanent\n` +
				`((..:){5}.. dev veth-1-br master vbridge (permanent)?\n){2}33:33:00:00:00:01 dev veth-1-br self permanent\n`},
		{Name: "fdb sorted", Setup: builtintest.SetupSeed + pingAll, Cmd: "bridge fdb | grep -v self", Sorted: true,
			Out: "MAC dev vbridge master vbridge permanent\n" +
				"MAC dev veth-1-br master vbridge permanent\n" +
				"MAC dev veth-1-br master vbridge \n" +
				"MAC dev veth-2-br master vbridge permanent\n" +
				"MAC dev veth-2-br master vbridge \n" +
				"MAC dev veth-3-br master vbridge permanent\n" +
				"MAC dev veth-3-br master vbridge \n"},
		{Name: "fdb of a port", Setup: builtintest.SetupSeed + pingAll, Cmd: "bridge fdb show dev veth-1-br", Sorted: true,
			Out: "MAC master vbridge \nMAC master vbridge permanent\nMAC self permanent\nMAC self permanent\nMAC self permanent\n"},
		{Name: "fdb of a bridge, dynamic", Setup: builtintest.SetupSeed + pingAll + "ip link add br1 type bridge\n", Cmd: "bridge fdb show br vbridge dynamic", Sorted: true,
			Out: "MAC dev veth-1-br master vbridge \nMAC dev veth-2-br master vbridge \nMAC dev veth-3-br master vbridge \n"},
		{Name: "fdb of a device down", Setup: "ip link add va type veth peer name vb\n", Cmd: "bridge fdb show",
			Out: "MAC dev vb self permanent\nMAC dev va self permanent\n"},
		{Name: "fdb in a namespace", Setup: builtintest.SetupSeed, Cmd: "bridge -n ns1 fdb",
			OutRe: `^33:33:00:00:00:01 dev veth-1 self permanent\n01:00:5e:00:00:01 dev veth-1 self permanent\n33:33:ff:(..:){2}.. dev veth-1 self permanent\n$`},
		{Name: "missing bridge", Cmd: "bridge fdb show br nosuch", Err: `Cannot find bridge device "nosuch"`, Status: 255},
		{Name: "not a bridge", Setup: builtintest.SetupSeed, Cmd: "bridge fdb show br veth-1-br", Err: `Cannot find bridge device "veth-1-br"`, Status: 255},
		{Name: "missing port", Cmd: "bridge fdb show dev nosuch", Err: `Cannot find device "nosuch"`, Status: 255},
		{Name: "missing link", Cmd: "bridge link show dev nosuch", Err: `Cannot find device "nosuch"`, Status: 255},
		{Name: "fdb add", Setup: builtintest.SetupSeed, Cmd: "bridge fdb add 02:00:00:00:00:01 dev veth-1-br master",
			Err: `nsemu: "bridge fdb add" is not emulated; the bridge learns by itself`, Status: 1},
		{Name: "no object", Cmd: "bridge", Err: "                    -c[ompressvlans] -color -p[retty] -j[son] }", Status: 255},
		{Name: "unknown object", Cmd: "bridge foo", Err: `Object "foo" is unknown, try "bridge help".`, Status: 255},
		{Name: "unknown command", Cmd: "bridge link foo", Err: `Command "foo" is unknown, try "bridge link help".`, Status: 255},
		{Name: "unknown fdb command", Cmd: "bridge fdb foo", Err: `Command "foo" is unknown, try "bridge fdb help".`, Status: 255},
		{Name: "unknown option", Cmd: "bridge -x link", Err: `Option "-x" is unknown, try "bridge help".`, Status: 255},
		{Name: "vlan", Cmd: "bridge vlan", Err: `nsemu: "bridge vlan" is not emulated (supported: link, fdb)`, Status: 1},
	})
}
