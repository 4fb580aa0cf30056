package shell_test

import "testing"

// pingAll makes the bridge of setupSeed learn every namespace's MAC.
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
	runToolCases(t, []toolCase{
		{name: "ports disabled", setup: wired, cmd: "bridge link",
			out: "3: veth-1-br@if4: <BROADCAST,MULTICAST> mtu 1500 master vbridge state disabled priority 32 cost 2 \n"},
		{name: "ports forwarding", setup: setupSeed, cmd: "bridge link show",
			out: "3: veth-1-br@if4: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 master vbridge state forwarding priority 32 cost 2 \n" +
				"5: veth-2-br@if6: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 master vbridge state forwarding priority 32 cost 2 \n" +
				"7: veth-3-br@if8: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 master vbridge state forwarding priority 32 cost 2 \n"},
		{name: "one port", setup: setupSeed, cmd: "bridge link show dev veth-2-br",
			out: "5: veth-2-br@if6: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 master vbridge state forwarding priority 32 cost 2 \n"},
		{name: "a port whose peer is down", setup: setupSeed, cmd: "ip -n ns2 link set veth-2 down && bridge link show dev veth-2-br",
			out: "5: veth-2-br@if6: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 master vbridge state disabled priority 32 cost 2 \n"},
		{name: "a bridge that is down disables its ports", setup: setupSeed, cmd: "ip link set vbridge down && bridge link show dev veth-1-br",
			out: "3: veth-1-br@if4: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 master vbridge state disabled priority 32 cost 2 \n"},
		{name: "fdb", setup: setupSeed + pingAll, cmd: "bridge fdb", sorted: true,
			out: "MAC dev vbridge master vbridge permanent\n" +
				"MAC dev veth-1-br master vbridge permanent\n" +
				"MAC dev veth-1-br master vbridge \n" +
				"MAC dev veth-2-br master vbridge permanent\n" +
				"MAC dev veth-2-br master vbridge \n" +
				"MAC dev veth-3-br master vbridge permanent\n" +
				"MAC dev veth-3-br master vbridge \n"},
		{name: "fdb of a port", setup: setupSeed + pingAll, cmd: "bridge fdb show dev veth-1-br", sorted: true,
			out: "MAC master vbridge permanent\nMAC master vbridge \n"},
		{name: "fdb of a bridge, dynamic", setup: setupSeed + pingAll + "ip link add br1 type bridge\n", cmd: "bridge fdb show br vbridge dynamic", sorted: true,
			out: "MAC dev veth-1-br master vbridge \nMAC dev veth-2-br master vbridge \nMAC dev veth-3-br master vbridge \n"},
		{name: "fdb in a namespace", setup: setupSeed, cmd: "bridge -n ns1 fdb", out: ""},
		{name: "missing bridge", cmd: "bridge fdb show br nosuch", err: `Cannot find bridge device "nosuch"`, status: 255},
		{name: "not a bridge", setup: setupSeed, cmd: "bridge fdb show br veth-1-br", err: `Cannot find bridge device "veth-1-br"`, status: 255},
		{name: "missing port", cmd: "bridge fdb show dev nosuch", err: `Cannot find device "nosuch"`, status: 255},
		{name: "missing link", cmd: "bridge link show dev nosuch", err: `Cannot find device "nosuch"`, status: 255},
		{name: "fdb add", setup: setupSeed, cmd: "bridge fdb add 02:00:00:00:00:01 dev veth-1-br master",
			err: `nsemu: "bridge fdb add" is not emulated; the bridge learns by itself`, status: 1},
		{name: "no object", cmd: "bridge", err: "                    -c[ompressvlans] -color -p[retty] -j[son] }", status: 255},
		{name: "unknown object", cmd: "bridge foo", err: `Object "foo" is unknown, try "bridge help".`, status: 255},
		{name: "unknown command", cmd: "bridge link foo", err: `Command "foo" is unknown, try "bridge link help".`, status: 255},
		{name: "unknown fdb command", cmd: "bridge fdb foo", err: `Command "foo" is unknown, try "bridge fdb help".`, status: 255},
		{name: "unknown option", cmd: "bridge -x link", err: `Option "-x" is unknown, try "bridge help".`, status: 255},
		{name: "vlan", cmd: "bridge vlan", err: `nsemu: "bridge vlan" is not emulated (supported: link, fdb)`, status: 1},
	})
}

func TestBrctl(t *testing.T) {
	const header = "bridge name\tbridge id\t\tSTP enabled\tinterfaces\n"
	runToolCases(t, []toolCase{
		{name: "show", setup: setupSeed, cmd: "brctl show",
			out: header + "vbridge\t\t8000.BRIDGEID\tno\t\tveth-1-br\n\t\t\t\t\t\t\tveth-2-br\n\t\t\t\t\t\t\tveth-3-br\n"},
		{name: "show one, sorted", setup: setupSeed + "brctl addbr br1\nbrctl addbr abr\n", cmd: "brctl show",
			out: header + "abr\t\t8000.BRIDGEID\tno\t\t\nbr1\t\t8000.BRIDGEID\tno\t\t\n" +
				"vbridge\t\t8000.BRIDGEID\tno\t\tveth-1-br\n\t\t\t\t\t\t\tveth-2-br\n\t\t\t\t\t\t\tveth-3-br\n"},
		{name: "show a bridge", setup: "brctl addbr br1\n", cmd: "brctl show br1", out: header + "br1\t\t8000.BRIDGEID\tno\t\t\n"},
		{name: "bridge id is the MAC", cmd: "ip link add br0 address 02:00:00:00:0b:01 type bridge && brctl show br0",
			outRe: "\nbr0\t\t8000.020000000b01\tno\t\t\n$"},
		{name: "showmacs", setup: setupSeed + pingAll, cmd: "brctl showmacs vbridge",
			outRe: "^port no\tmac addr\t\tis local\\?\tageing timer\n" +
				"(  [123]\t([0-9a-f]{2}:){5}[0-9a-f]{2}\t(yes\t\t   0\\.00|no\t\t {3}\\d\\.\\d\\d)\n){6}$"},
		{name: "showmacs counts", setup: setupSeed + pingAll, cmd: "brctl showmacs vbridge | cut -f1,3 | sort",
			out: "  1\tno\n  1\tyes\n  2\tno\n  2\tyes\n  3\tno\n  3\tyes\nport no\t\n"},
		{name: "addbr, addif, delif, delbr", setup: "ip link add v0 type veth peer name v1\n",
			cmd: "brctl addbr br0 && brctl addif br0 v0 v1 && brctl show && brctl delif br0 v0 && brctl show br0 && brctl delif br0 v1 && brctl delbr br0 && brctl show",
			out: header + "br0\t\t8000.BRIDGEID\tno\t\tv0\n\t\t\t\t\t\t\tv1\n" +
				header + "br0\t\t8000.BRIDGEID\tno\t\tv1\n" + header},
		{name: "long names are cut", cmd: "brctl addbr toolongname12345 && ip -br link show type bridge",
			out: "toolongname1234  DOWN           MAC <BROADCAST,MULTICAST> \n"},
		{name: "setageing and stp off", setup: "brctl addbr br0\n", cmd: "brctl setageing br0 10 && brctl stp br0 off"},
		{name: "stp on warns", setup: "brctl addbr br0\n", cmd: "brctl stp br0 on", stderr: "nsemu: STP is not emulated; br0 forwards without it"},
		{name: "usage", cmd: "brctl", outRe: "^Usage: brctl \\[commands\\]\ncommands:\n\taddbr     \t<bridge>\t\tadd bridge\n", err: "exit status 1", status: 1},
		{name: "addbr twice", setup: "brctl addbr br1\n", cmd: "brctl addbr br1",
			err: "device br1 already exists; can't create bridge with the same name", status: 1},
		{name: "addif twice", setup: setupSeed + "brctl addbr br1\n", cmd: "brctl addif br1 veth-1-br",
			err: "device veth-1-br is already a member of a bridge; can't add it to bridge br1.", status: 1},
		{name: "addif missing", setup: "brctl addbr br1\n", cmd: "brctl addif br1 nosuch", err: "interface nosuch does not exist!", status: 1},
		{name: "addif to missing bridge", setup: "ip link add v0 type veth peer name v1\n", cmd: "brctl addif nosuchbr v0",
			err: "bridge nosuchbr does not exist!", status: 1},
		{name: "addif lo", setup: "brctl addbr br1\n", cmd: "brctl addif br1 lo", err: "can't add lo to bridge br1: Invalid argument", status: 1},
		{name: "addif a bridge", setup: "brctl addbr br1\nbrctl addbr br2\n", cmd: "brctl addif br1 br2",
			err: "device br2 is a bridge device itself; can't add a bridge device to a bridge device.", status: 1},
		{name: "addif to a veth", setup: "ip link add v0 type veth peer name v1\n", cmd: "brctl addif v0 v1",
			err: "can't add v1 to bridge v0: Operation not supported", status: 1},
		{name: "delif missing", setup: "brctl addbr br1\n", cmd: "brctl delif br1 nosuch", err: "interface nosuch does not exist!", status: 1},
		{name: "delif from missing bridge", setup: "ip link add v0 type veth peer name v1\n", cmd: "brctl delif nosuchbr v0",
			err: "bridge nosuchbr does not exist!", status: 1},
		{name: "delif not a port", setup: "brctl addbr br1\nip link add v0 type veth peer name v1\n", cmd: "brctl delif br1 v0",
			err: "device v0 is not a port of br1", status: 1},
		{name: "delbr up", setup: setupSeed, cmd: "brctl delbr vbridge", err: "bridge vbridge is still up; can't delete it", status: 1},
		{name: "delbr missing", cmd: "brctl delbr nosuch", err: "bridge nosuch doesn't exist; can't delete it", status: 1},
		{name: "delbr a veth", setup: "ip link add v0 type veth peer name v1\n", cmd: "brctl delbr v0",
			err: "can't delete bridge v0: Operation not permitted", status: 1},
		{name: "show missing", cmd: "brctl show nosuch", err: "bridge nosuch does not exist!", status: 1},
		{name: "show a veth", setup: "ip link add v0 type veth peer name v1\n", cmd: "brctl show v0", err: "device v0 is not a bridge!", status: 1},
		{name: "showmacs missing", cmd: "brctl showmacs nosuch", err: "read of forward table failed: No such device", status: 1},
		{name: "showmacs a veth", setup: "ip link add v0 type veth peer name v1\n", cmd: "brctl showmacs v0",
			err: "read of forward table failed: Operation not supported", status: 1},
		{name: "wrong argument count", cmd: "brctl showmacs", err: "Usage: brctl showmacs <bridge>\t\tshow a list of mac addrs", status: 1},
		{name: "bad ageing", setup: "brctl addbr br0\n", cmd: "brctl setageing br0 x", err: "bad ageing time value", status: 1},
		{name: "unknown command", cmd: "brctl foo", outRe: "^Usage: brctl", err: "never heard of command [foo]", status: 1},
		{name: "not emulated", setup: "brctl addbr br0\n", cmd: "brctl setfd br0 2",
			err: `nsemu: "brctl setfd" is not emulated (STP is not emulated)`, status: 1},
	})
}
