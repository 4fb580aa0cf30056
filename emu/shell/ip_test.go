package shell_test

import (
	"strconv"
	"strings"
	"testing"
)

// The expected texts below were checked against iproute2 6.1 run in a
// private network namespace (see testdata/iptools/record.sh); ifindexes are
// nsemu's, which are deterministic in a fresh world.

const loDown = "1: lo: <LOOPBACK> mtu 65536 qdisc noop state DOWN mode DEFAULT group default qlen 1000\n" +
	"    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n"

func TestIPNetns(t *testing.T) {
	runToolCases(t, []toolCase{
		{name: "list newest first", setup: "ip netns add ns1\nip netns add ns2\nip netns add ns3\n",
			cmd: "ip netns ls", out: "ns3\nns2\nns1\n"},
		{name: "bare netns lists", setup: "ip netns add ns1\n", cmd: "ip netns", out: "ns1\n"},
		{name: "ids once wired", setup: setupSeed, cmd: "ip netns list", out: "ns3 (id: 2)\nns2 (id: 1)\nns1 (id: 0)\n"},
		{name: "ids are per viewer", setup: setupSeed, cmd: "ip netns exec ns2 ip netns list", out: "ns3\nns2\nns1\n"},
		{name: "list-id", setup: setupSeed, cmd: "ip netns list-id",
			out: "nsid 0 (iproute2 netns name: ns1)\nnsid 1 (iproute2 netns name: ns2)\nnsid 2 (iproute2 netns name: ns3)\n"},
		{name: "exec runs in the namespace", setup: "ip netns add ns1\n", cmd: "ip netns exec ns1 ip addr",
			out: "1: lo: <LOOPBACK> mtu 65536 qdisc noop state DOWN group default qlen 1000\n    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n"},
		{name: "exec nests", setup: "ip netns add ns1\nip netns add ns2\n", cmd: "ip netns exec ns1 ip netns exec ns2 ip -br link",
			out: "lo               DOWN           00:00:00:00:00:00 <LOOPBACK> \n"},
		{name: "exec passes the status", setup: "ip netns add ns1\n", cmd: "ip netns exec ns1 ip link set veth9 up",
			err: `Cannot find device "veth9"`, status: 1},
		{name: "exec of a shell builtin", setup: "ip netns add ns1\n", cmd: "ip netns exec ns1 echo hi", out: "hi\n"},
		{name: "-n is netns exec", setup: "ip netns add ns1\n", cmd: "ip -n ns1 link show lo", out: loDown},
		{name: "delete", setup: "ip netns add ns1\nip netns add ns2\n", cmd: "ip netns delete ns1 && ip netns", out: "ns2\n"},
		{name: "delete takes its veth ends", setup: setupPair, cmd: "ip netns del ns1 && ip -br link",
			out: "lo               DOWN           00:00:00:00:00:00 <LOOPBACK> \n"},
		{name: "add twice", setup: "ip netns add ns1\n", cmd: "ip netns add ns1",
			err: `Cannot create namespace file "/run/netns/ns1": File exists`, status: 1},
		{name: "exec of a missing namespace", cmd: "ip netns exec x ip link",
			err: `Cannot open network namespace "x": No such file or directory`, status: 255},
		{name: "-n of a missing namespace", cmd: "ip -n x link",
			err: `Cannot open network namespace "x": No such file or directory`, status: 255},
		{name: "del of a missing namespace", cmd: "ip netns del x",
			err: `Cannot remove namespace file "/run/netns/x": No such file or directory`, status: 1},
		{name: "invalid name", cmd: "ip netns add a/b", err: `Invalid netns name "a/b"`, status: 255},
		{name: "add without name", cmd: "ip netns add", err: "No netns name specified", status: 1},
		{name: "exec without command", setup: "ip netns add ns1\n", cmd: "ip netns exec ns1", err: "No command specified", status: 1},
		{name: "exec without anything", cmd: "ip netns exec", err: "No netns name specified", status: 1},
		{name: "exec of an unknown program", setup: "ip netns add ns1\n", cmd: "ip netns exec ns1 nosuchcmd",
			err: "nsemu: nosuchcmd: command not found", status: 127},
		{name: "unknown command", cmd: "ip netns foo", err: `Command "foo" is unknown, try "ip netns help".`, status: 255},
	})
}

func TestIPLinkShow(t *testing.T) {
	port := func(i, peer int, ns string) string {
		return strconv.Itoa(i) + ": veth-" + strconv.Itoa((i-1)/2) + "-br@if" + strconv.Itoa(peer) +
			": <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue master vbridge state UP mode DEFAULT group default qlen 1000\n" +
			"    link/ether MAC brd ff:ff:ff:ff:ff:ff link-netns " + ns + "\n"
	}
	vbridge := "2: vbridge: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000\n" +
		"    link/ether MAC brd ff:ff:ff:ff:ff:ff\n"
	ports := port(3, 4, "ns1") + port(5, 6, "ns2") + port(7, 8, "ns3")
	runToolCases(t, []toolCase{
		{name: "all", setup: setupSeed, cmd: "ip link", out: loDown + vbridge + ports},
		{name: "abbreviated", setup: setupSeed, cmd: "ip l sh veth-2-br", out: port(5, 6, "ns2")},
		{name: "list", setup: setupSeed, cmd: "ip link list dev vbridge", out: vbridge},
		{name: "type bridge", setup: setupSeed, cmd: "ip link show type bridge", out: vbridge},
		{name: "type veth", setup: setupSeed, cmd: "ip link show type veth", out: ports},
		{name: "type bridge_slave", setup: setupSeed, cmd: "ip link show type bridge_slave", out: ports},
		{name: "master", setup: setupSeed, cmd: "ip link show master vbridge", out: ports},
		{name: "up", setup: setupSeed, cmd: "ip link show up", out: vbridge + ports},
		{name: "the namespace side", setup: setupSeed, cmd: "ip netns exec ns1 ip link show veth-1",
			out: "4: veth-1@if3: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000\n" +
				"    link/ether MAC brd ff:ff:ff:ff:ff:ff link-netnsid 0\n"},
		{name: "oneline", setup: setupSeed, cmd: "ip -o link show dev vbridge",
			out: "2: vbridge: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000\\    link/ether MAC brd ff:ff:ff:ff:ff:ff\n"},
		{name: "brief", setup: setupSeed, cmd: "ip -br link",
			out: "lo               DOWN           00:00:00:00:00:00 <LOOPBACK> \n" +
				"vbridge          UP             MAC <BROADCAST,MULTICAST,UP,LOWER_UP> \n" +
				"veth-1-br@if4    UP             MAC <BROADCAST,MULTICAST,UP,LOWER_UP> \n" +
				"veth-2-br@if6    UP             MAC <BROADCAST,MULTICAST,UP,LOWER_UP> \n" +
				"veth-3-br@if8    UP             MAC <BROADCAST,MULTICAST,UP,LOWER_UP> \n"},
		{name: "stats", cmd: "ip -s link show lo", out: loDown +
			"    RX:  bytes packets errors dropped  missed   mcast           \n" +
			"             0       0      0       0       0       0 \n" +
			"    TX:  bytes packets errors dropped carrier collsns           \n" +
			"             0       0      0       0       0       0 \n"},
		{name: "stats count traffic", setup: setupPair + "ping -c 2 10.0.0.2 > /dev/null\n", cmd: "ip -stats link show veth0",
			outRe: `(?m)^    TX:  bytes packets errors dropped carrier collsns {11}\n +[1-9]\d* +[1-9]\d* +0 +0 +0 +0 \n\z`},
		{name: "peer in the same namespace is named, M-DOWN when down",
			cmd: "ip link add v0 type veth peer name v1 && ip link set v0 up && ip link show v0",
			out: "3: v0@v1: <NO-CARRIER,BROADCAST,MULTICAST,UP,M-DOWN> mtu 1500 qdisc noqueue state LOWERLAYERDOWN mode DEFAULT group default qlen 1000\n" +
				"    link/ether MAC brd ff:ff:ff:ff:ff:ff\n"},
		{name: "bridge without carrier", cmd: "ip link add br0 type bridge && ip link set br0 up && ip link show br0",
			out: "2: br0: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue state DOWN mode DEFAULT group default qlen 1000\n" +
				"    link/ether MAC brd ff:ff:ff:ff:ff:ff\n"},
		{name: "lo up", cmd: "ip link set lo up && ip link show lo",
			out: "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\n" +
				"    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n"},
		{name: "missing device", cmd: "ip link show veth9", err: `Device "veth9" does not exist.`, status: 1},
		{name: "missing master", cmd: "ip link show master nosuch", err: `Error: argument "nosuch" is wrong: Device does not exist`, status: 255},
		{name: "two devices", setup: setupSeed, cmd: "ip link show vbridge lo", err: `Error: either "dev" is duplicate, or "lo" is a garbage.`, status: 255},
		{name: "dev without name", cmd: "ip link show dev", err: `Command line is not complete. Try option "help"`, status: 255},
		{name: "unknown command", cmd: "ip link foo", err: `Command "foo" is unknown, try "ip link help".`, status: 255},
	})
}

func TestIPLinkAdd(t *testing.T) {
	runToolCases(t, []toolCase{
		{name: "veth pair", cmd: "ip link add veth-1 type veth peer name veth-1-br && ip -br link",
			out: "lo               DOWN           00:00:00:00:00:00 <LOOPBACK> \n" +
				"veth-1-br@veth-1 DOWN           MAC <BROADCAST,MULTICAST,M-DOWN> \n" +
				"veth-1@veth-1-br DOWN           MAC <BROADCAST,MULTICAST,M-DOWN> \n"},
		{name: "peer in a namespace", setup: "ip netns add ns1\n",
			cmd: "ip link add veth0 type veth peer name eth0 netns ns1 && ip link show veth0 && ip netns exec ns1 ip link show eth0",
			out: "3: veth0@if2: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\n" +
				"    link/ether MAC brd ff:ff:ff:ff:ff:ff link-netns ns1\n" +
				"2: eth0@if3: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\n" +
				"    link/ether MAC brd ff:ff:ff:ff:ff:ff link-netnsid 0\n"},
		{name: "first end in a namespace", setup: "ip netns add ns1\n",
			cmd: "ip link add eth0 netns ns1 type veth peer name veth0 && ip -n ns1 -br link show eth0",
			out: "eth0@if2         DOWN           MAC <BROADCAST,MULTICAST> \n"},
		{name: "positional peer", cmd: "ip link add v0 type veth peer v1 && ip -br link show v1",
			out: "v1@v0            DOWN           MAC <BROADCAST,MULTICAST,M-DOWN> \n"},
		{name: "peer named by the kernel", cmd: "ip link add veth7 type veth && ip -br link",
			out: "lo               DOWN           00:00:00:00:00:00 <LOOPBACK> \n" +
				"veth0@veth7      DOWN           MAC <BROADCAST,MULTICAST,M-DOWN> \n" +
				"veth7@veth0      DOWN           MAC <BROADCAST,MULTICAST,M-DOWN> \n"},
		{name: "bridge", cmd: "ip link add name br0 type bridge && ip link show br0",
			out: "2: br0: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\n" +
				"    link/ether MAC brd ff:ff:ff:ff:ff:ff\n"},
		{name: "bridge with settings", cmd: "ip link add br0 address 02:00:00:00:0b:01 mtu 9000 up type bridge ageing_time 1000 stp_state 0 && ip link show br0",
			outRe: `^2: br0: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 9000 qdisc noqueue state DOWN mode DEFAULT group default qlen 1000\n    link/ether 02:00:00:00:0b:01 brd`},
		{name: "veth with settings on both ends",
			cmd:   "ip link add v0 mtu 9000 up type veth peer name v1 address 02:00:00:00:00:01 up && ip link show v1",
			outRe: `^2: v1@v0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000\n    link/ether 02:00:00:00:00:01 brd`},
		{name: "exists", setup: "ip link add veth-1 type veth peer name veth-1-br\n", cmd: "ip link add veth-1 type veth peer name foo",
			err: "RTNETLINK answers: File exists", status: 2},
		{name: "peer exists", setup: "ip link add br0 type bridge\n", cmd: "ip link add v0 type veth peer name br0",
			err: "RTNETLINK answers: File exists", status: 2},
		{name: "same names", cmd: "ip link add a1 type veth peer name a1", err: "RTNETLINK answers: File exists", status: 2},
		{name: "name too long", cmd: "ip link add toolongname12345 type veth peer name foo",
			err: "Error: Attribute failed policy validation.", status: 2},
		{name: "peer name too long", cmd: "ip link add foo type veth peer name toolongname12345",
			err: `Error: argument "toolongname12345" is wrong: "name" not a valid ifname`, status: 255},
		{name: "name keyword too long", cmd: "ip link add name toolongname12345 type bridge",
			err: `Error: argument "toolongname12345" is wrong: "name" not a valid ifname`, status: 255},
		{name: "name the kernel refuses", cmd: "ip link add a:b type bridge", err: "RTNETLINK answers: Invalid argument", status: 2},
		{name: "unknown type", cmd: "ip link add foo type dummyx", err: "Error: Unknown device type.", status: 2},
		{name: "type nsemu lacks", cmd: "ip link add foo type vxlan id 42",
			err: `nsemu: link type "vxlan" is not emulated (only veth and bridge)`, status: 2},
		{name: "no type", cmd: "ip link add foo", err: `Not enough information: "type" argument is required`, status: 1},
		{name: "peer namespace missing", cmd: "ip link add veth-4 type veth peer name veth-4b netns nosuchns",
			err: `Error: argument "nosuchns" is wrong: Invalid "netns" value`, status: 255},
		{name: "bad bridge option", cmd: "ip link add br4 type bridge foo", err: `bridge: unknown command "foo"?`, status: 1},
		{name: "bad veth option", cmd: "ip link add v0 type veth foo", err: "To get <options> type 'ip link help'", status: 1},
		{name: "multicast address", cmd: "ip link add v0 type veth peer name v1 address 01:00:00:00:00:01",
			err: "RTNETLINK answers: Cannot assign requested address", status: 2},
		{name: "small mtu", cmd: "ip link add v0 mtu 10 type veth", err: "Error: mtu less than device minimum.", status: 2},
		{name: "missing master", cmd: "ip link add v0 master br9 type veth",
			err: `Error: argument "br9" is wrong: Device does not exist`, status: 255},
		{name: "address keyword eats a name", cmd: "ip link add a type veth peer name b", err: `"type" is invalid lladdr.`, status: 1},
	})
}

func TestIPLinkSet(t *testing.T) {
	const base = "ip netns add ns1\nip link add br0 type bridge\nip link add veth0 type veth peer name veth1\n"
	runToolCases(t, []toolCase{
		{name: "up", setup: base, cmd: "ip link set veth0 up && ip link set dev veth1 up && ip -br link show veth0",
			out: "veth0@veth1      UP             MAC <BROADCAST,MULTICAST,UP,LOWER_UP> \n"},
		{name: "down", setup: base + "ip link set veth0 up\n", cmd: "ip link set veth0 down && ip -br link show veth0",
			out: "veth0@veth1      DOWN           MAC <BROADCAST,MULTICAST,M-DOWN> \n"},
		{name: "several settings at once", setup: base,
			cmd:   "ip link set veth0 name eth0 address 02:11:22:33:44:55 mtu 1400 up && ip link show eth0",
			outRe: `^4: eth0@veth1: <NO-CARRIER,BROADCAST,MULTICAST,UP,M-DOWN> mtu 1400 qdisc noqueue state LOWERLAYERDOWN mode DEFAULT group default qlen 1000\n    link/ether 02:11:22:33:44:55 brd ff:ff:ff:ff:ff:ff\n$`},
		{name: "up then rename is fine (name first)", setup: base, cmd: "ip link set veth0 up name foo && ip -br link show foo",
			out: "foo@veth1        LOWERLAYERDOWN MAC <NO-CARRIER,BROADCAST,MULTICAST,UP,M-DOWN> \n"},
		{name: "netns, name and up", setup: base, cmd: "ip link set veth0 netns ns1 name eth0 up && ip netns exec ns1 ip link",
			out: loDown +
				"4: eth0@if3: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue state LOWERLAYERDOWN mode DEFAULT group default qlen 1000\n" +
				"    link/ether MAC brd ff:ff:ff:ff:ff:ff link-netnsid 0\n"},
		{name: "moving goes down and keeps the ifindex", setup: base + "ip link set veth0 up\n",
			cmd: "ip link set veth0 netns ns1 && ip -n ns1 -br link show veth0",
			out: "veth0@if3        DOWN           MAC <BROADCAST,MULTICAST> \n"},
		{name: "back to the host by pid 1", setup: base, cmd: "ip link set veth0 netns ns1 && ip -n ns1 link set veth0 netns 1 && ip -br link show veth0",
			out: "veth0@veth1      DOWN           MAC <BROADCAST,MULTICAST,M-DOWN> \n"},
		{name: "master", setup: base, cmd: "ip link set veth1 master br0 && bridge link",
			out: "3: veth1@veth0: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 master br0 state disabled priority 32 cost 2 \n"},
		{name: "nomaster", setup: base + "ip link set veth1 master br0\n", cmd: "ip link set veth1 nomaster && bridge link", out: ""},
		{name: "bridge ageing", setup: base, cmd: "ip link set br0 type bridge ageing_time 1000"},
		{name: "nothing to change", setup: base, cmd: "ip link set veth0"},
		{name: "rename while up", setup: base + "ip link set veth0 up\n", cmd: "ip link set veth0 name veth-x",
			err: "RTNETLINK answers: Device or resource busy", status: 2},
		{name: "down does not come first", setup: base + "ip link set veth0 up\n", cmd: "ip link set veth0 down name veth-x",
			err: "RTNETLINK answers: Device or resource busy", status: 2},
		{name: "rename to a taken name", setup: base, cmd: "ip link set veth0 name br0", err: "RTNETLINK answers: File exists", status: 2},
		{name: "name too long", setup: base, cmd: "ip link set veth0 name toolongname12345",
			err: `Error: argument "toolongname12345" is wrong: "name" not a valid ifname`, status: 255},
		{name: "bridge cannot move", setup: base, cmd: "ip link set br0 netns ns1", err: "Error: The interface netns is immutable.", status: 2},
		{name: "name taken in the target", setup: base + "ip -n ns1 link add veth0 type bridge\n", cmd: "ip link set veth0 netns ns1",
			err: "RTNETLINK answers: File exists", status: 2},
		{name: "missing namespace", setup: base, cmd: "ip link set veth0 netns nosuchns",
			err: `Error: argument "nosuchns" is wrong: Invalid "netns" value`, status: 255},
		{name: "missing pid", setup: base, cmd: "ip link set veth0 netns 4242", err: "RTNETLINK answers: No such process", status: 2},
		{name: "missing master", setup: base, cmd: "ip link set veth1 master nosuch",
			err: `Error: argument "nosuch" is wrong: Device does not exist`, status: 255},
		{name: "master is no bridge", setup: base, cmd: "ip link set veth0 master veth1", err: "RTNETLINK answers: Operation not supported", status: 2},
		{name: "bridge into bridge", setup: base, cmd: "ip link set br0 master br0", err: "Error: Can not enslave a bridge to a bridge.", status: 2},
		{name: "lo into bridge", setup: base, cmd: "ip link set lo master br0", err: "RTNETLINK answers: Invalid argument", status: 2},
		{name: "bad mtu", setup: base, cmd: "ip link set veth0 mtu abc", err: `Error: argument "abc" is wrong: Invalid "mtu" value`, status: 255},
		{name: "small mtu", setup: base, cmd: "ip link set veth0 mtu 20", err: "Error: mtu less than device minimum.", status: 2},
		{name: "large mtu", setup: base, cmd: "ip link set veth0 mtu 70000", err: "Error: mtu greater than device maximum.", status: 2},
		{name: "two mtus", setup: base, cmd: "ip link set veth0 mtu 1400 mtu 1300", err: `Error: duplicate "mtu": "1300" is the second value.`, status: 255},
		{name: "bad address", setup: base, cmd: "ip link set veth0 address zz", err: `"zz" is invalid lladdr.`, status: 1},
		{name: "short address", setup: base, cmd: "ip link set veth0 address 02:00:00:00:00", err: "Invalid address length 5 - must be 6 bytes", status: 1},
		{name: "multicast address", setup: base, cmd: "ip link set veth0 address 01:00:00:00:00:01",
			err: "RTNETLINK answers: Cannot assign requested address", status: 2},
		{name: "garbage", setup: base, cmd: "ip link set veth0 foo", err: `Error: either "dev" is duplicate, or "foo" is a garbage.`, status: 255},
		{name: "no device", cmd: "ip link set", err: `Not enough information: "dev" argument is required.`, status: 255},
		{name: "missing device", cmd: "ip link set veth9 up", err: `Cannot find device "veth9"`, status: 1},
		{name: "keyword without value", setup: base, cmd: "ip link set veth0 mtu", err: `Command line is not complete. Try option "help"`, status: 255},
		{name: "a refused part changes nothing", setup: base, cmd: "ip link set veth0 mtu 1400 name veth9 master veth1 up",
			err: "RTNETLINK answers: Operation not supported", status: 2},
		{name: "wrong type", setup: base, cmd: "ip link set veth0 type bridge ageing_time 10", err: "RTNETLINK answers: Operation not supported", status: 2},
	})
}

func TestIPLinkDel(t *testing.T) {
	const base = "ip link add br0 type bridge\nip link add veth0 type veth peer name veth1\n"
	runToolCases(t, []toolCase{
		{name: "veth takes its peer", setup: base, cmd: "ip link del veth0 && ip -br link",
			out: "lo               DOWN           00:00:00:00:00:00 <LOOPBACK> \nbr0              DOWN           MAC <BROADCAST,MULTICAST> \n"},
		{name: "delete dev", setup: base, cmd: "ip link delete dev br0 && ip -br link show type bridge", out: ""},
		{name: "bridge releases its ports", setup: base + "ip link set veth1 master br0\n", cmd: "ip link del br0 && ip link show veth1",
			out: "3: veth1@veth0: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\n" +
				"    link/ether MAC brd ff:ff:ff:ff:ff:ff\n"},
		{name: "peer in another namespace", setup: setupPair, cmd: "ip link del veth0 && ip -n ns1 -br link",
			out: "lo               DOWN           00:00:00:00:00:00 <LOOPBACK> \n"},
		{name: "lo", cmd: "ip link del lo", err: "RTNETLINK answers: Operation not supported", status: 2},
		{name: "missing", cmd: "ip link del veth9", err: `Cannot find device "veth9"`, status: 1},
		{name: "no device", cmd: "ip link del", err: `Not enough information: "dev" argument is required.`, status: 255},
		{name: "wrong type", setup: base, cmd: "ip link del veth0 type bridge", err: "RTNETLINK answers: Operation not supported", status: 2},
	})
}

func TestIPAddr(t *testing.T) {
	veth0 := "3: veth0@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000\n" +
		"    link/ether MAC brd ff:ff:ff:ff:ff:ff link-netns ns1\n" +
		"    inet 10.0.0.1/24 scope global veth0\n" +
		"       valid_lft forever preferred_lft forever\n"
	runToolCases(t, []toolCase{
		{name: "show", setup: setupPair, cmd: "ip addr show veth0", out: veth0},
		{name: "a s dev", setup: setupPair, cmd: "ip a s dev veth0", out: veth0},
		{name: "address list", setup: setupPair, cmd: "ip address list veth0", out: veth0},
		{name: "all", setup: setupPair, cmd: "ip addr",
			out: "1: lo: <LOOPBACK> mtu 65536 qdisc noop state DOWN group default qlen 1000\n" +
				"    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n" + veth0},
		{name: "lo up shows 127.0.0.1", cmd: "ip link set lo up && ip a",
			out: "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000\n" +
				"    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n" +
				"    inet 127.0.0.1/8 scope host lo\n" +
				"       valid_lft forever preferred_lft forever\n"},
		{name: "-4", setup: setupPair, cmd: "ip -4 addr",
			out: "3: veth0@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000\n" +
				"    inet 10.0.0.1/24 scope global veth0\n" +
				"       valid_lft forever preferred_lft forever\n"},
		{name: "-6 has nothing", setup: setupPair, cmd: "ip -6 addr", out: ""},
		{name: "oneline", setup: setupPair, cmd: "ip -o addr",
			out: "3: veth0    inet 10.0.0.1/24 scope global veth0\\       valid_lft forever preferred_lft forever\n"},
		{name: "brief", setup: setupPair, cmd: "ip -br a",
			out: "lo               DOWN           \nveth0@if2        UP             10.0.0.1/24 \n"},
		{name: "stats", setup: setupPair, cmd: "ip -s addr show veth0",
			outRe: `valid_lft forever preferred_lft forever\n    RX:  bytes packets errors dropped  missed   mcast {11}\n`},
		{name: "secondaries come last", setup: setupPair,
			cmd: "ip addr add 10.0.0.3/24 dev veth0 && ip addr add 10.0.0.4/16 dev veth0 && ip -o addr show veth0",
			out: "3: veth0    inet 10.0.0.1/24 scope global veth0\\       valid_lft forever preferred_lft forever\n" +
				"3: veth0    inet 10.0.0.4/16 scope global veth0\\       valid_lft forever preferred_lft forever\n" +
				"3: veth0    inet 10.0.0.3/24 scope global secondary veth0\\       valid_lft forever preferred_lft forever\n"},
		{name: "deleting a primary deletes its secondaries", setup: setupPair,
			cmd: "ip addr add 10.0.0.3/24 dev veth0 && ip addr del 10.0.0.1/24 dev veth0 && ip -o addr show veth0", out: ""},
		{name: "host address and dotted mask", setup: setupPair,
			cmd: "ip addr add 10.9.9.9 dev veth0 && ip addr add 10.1.0.1/255.255.0.0 dev veth0 && ip -br addr show veth0",
			out: "veth0@if2        UP             10.0.0.1/24 10.9.9.9/32 10.1.0.1/16 \n"},
		{name: "show to", setup: setupPair + "ip addr add 10.1.0.1/16 dev veth0\n", cmd: "ip -o addr show to 10.1.0.0/16",
			out: "3: veth0    inet 10.1.0.1/16 scope global veth0\\       valid_lft forever preferred_lft forever\n"},
		{name: "connected route follows", setup: setupPair, cmd: "ip addr add 10.5.0.1/16 dev veth0 && ip route show dev veth0",
			out: "10.0.0.0/24 proto kernel scope link src 10.0.0.1 \n10.5.0.0/16 proto kernel scope link src 10.5.0.1 \n"},
		{name: "wildcard delete warns", setup: setupPair + "ip addr add 10.9.9.9 dev veth0\n", cmd: "ip addr del 10.9.9.9 dev veth0",
			stderr: "Explicitly specify the prefix length (10.9.9.9/32) to avoid this warning."},
		{name: "flush", setup: setupPair, cmd: "ip addr flush dev veth0 && ip -o addr show veth0 && ip route", out: ""},
		{name: "ignored options", setup: setupPair, cmd: "ip addr add 10.7.0.1/24 brd + scope global label veth0:1 dev veth0 valid_lft forever"},
		{name: "duplicate", setup: setupPair, cmd: "ip addr add 10.0.0.1/24 dev veth0", err: "Error: ipv4: Address already assigned.", status: 2},
		{name: "bad prefix", setup: setupPair, cmd: "ip addr add 300.1.1.1/24 dev veth0",
			err: `Error: inet prefix is expected rather than "300.1.1.1/24".`, status: 1},
		{name: "prefix too long", setup: setupPair, cmd: "ip addr add 10.9.9.9/33 dev veth0",
			err: `Error: inet prefix is expected rather than "10.9.9.9/33".`, status: 1},
		{name: "garbage", setup: setupPair, cmd: "ip addr add 1.2.3.4/24 dev veth0 foo",
			err: `Error: either "local" is duplicate, or "foo" is a garbage.`, status: 255},
		{name: "no dev", cmd: "ip addr add 1.2.3.4/24", err: `Not enough information: "dev" argument is required.`, status: 1},
		{name: "missing dev", cmd: "ip addr add 1.2.3.4/24 dev veth9", err: `Cannot find device "veth9"`, status: 1},
		{name: "no address", setup: setupPair, cmd: "ip addr add dev veth0", err: "RTNETLINK answers: Operation not supported", status: 2},
		{name: "bridge port", setup: setupSeed, cmd: "ip addr add 10.1.1.1/24 dev veth-1-br",
			err: "nsemu: veth-1-br is enslaved to vbridge: not an L3 interface in nsemu (address the bridge instead)", status: 2},
		{name: "delete missing", setup: setupPair, cmd: "ip addr del 1.2.3.4/24 dev veth0", err: "Error: ipv4: Address not found.", status: 2},
		{name: "delete wrong length", setup: setupPair, cmd: "ip addr del 10.0.0.1/16 dev veth0", err: "Error: ipv4: Address not found.", status: 2},
		{name: "flush without arguments", cmd: "ip addr flush", err: "Flush requires arguments.", status: 1},
		{name: "flush missing dev", cmd: "ip addr flush dev veth9", err: `Device "veth9" does not exist.`, status: 1},
		{name: "show missing dev", cmd: "ip addr show dev veth9", err: `Device "veth9" does not exist.`, status: 1},
		{name: "unknown command", cmd: "ip addr foo", err: `Command "foo" is unknown, try "ip address help".`, status: 255},
	})
}

func TestIPRoute(t *testing.T) {
	const kernel = "10.0.0.0/24 dev veth0 proto kernel scope link src 10.0.0.1 \n"
	runToolCases(t, []toolCase{
		{name: "connected", setup: setupPair, cmd: "ip route", out: kernel},
		{name: "default", setup: setupPair, cmd: "ip netns exec ns1 ip route add default via 10.0.0.1 && ip netns exec ns1 ip r",
			out: "default via 10.0.0.1 dev eth0 \n10.0.0.0/24 dev eth0 proto kernel scope link src 10.0.0.2 \n"},
		{name: "metric, scope link and host routes", setup: setupPair,
			cmd: "ip route add 10.9.9.9/32 via 10.0.0.2 && ip route add 10/8 dev veth0 metric 50 && ip route add 172.16.0.0/12 dev veth0 && ip ro ls",
			out: kernel + "10.0.0.0/8 dev veth0 scope link metric 50 \n10.9.9.9 via 10.0.0.2 dev veth0 \n172.16.0.0/12 dev veth0 scope link \n"},
		{name: "default by metric", setup: setupPair,
			cmd: "ip route add default via 10.0.0.2 metric 100 && ip route add default via 10.0.0.3 && ip route show default",
			out: "default via 10.0.0.3 dev veth0 \ndefault via 10.0.0.2 dev veth0 metric 100 \n"},
		{name: "show prefix", setup: setupPair + "ip route add 10.8.0.0/16 via 10.0.0.2\n", cmd: "ip route show 10.8.0.0/16",
			out: "10.8.0.0/16 via 10.0.0.2 dev veth0 \n"},
		{name: "show root", setup: setupPair + "ip route add 10.8.0.0/16 via 10.0.0.2\n", cmd: "ip route show root 10.0.0.0/8",
			out: kernel + "10.8.0.0/16 via 10.0.0.2 dev veth0 \n"},
		{name: "show dev hides dev", setup: setupPair, cmd: "ip route show dev veth0",
			out: "10.0.0.0/24 proto kernel scope link src 10.0.0.1 \n"},
		{name: "show proto kernel", setup: setupPair + "ip route add 10.8.0.0/16 via 10.0.0.2\n", cmd: "ip route list proto kernel",
			out: "10.0.0.0/24 dev veth0 scope link src 10.0.0.1 \n"},
		{name: "src", setup: setupPair, cmd: "ip route add 10.8.0.0/16 dev veth0 src 10.0.0.1 && ip route show 10.8.0.0/16",
			out: "10.8.0.0/16 dev veth0 scope link src 10.0.0.1 \n"},
		{name: "linkdown", setup: setupPair, cmd: "ip -n ns1 link set eth0 down && ip route",
			out: "10.0.0.0/24 dev veth0 proto kernel scope link src 10.0.0.1 linkdown \n"},
		{name: "replace", setup: setupPair + "ip route add 10.8.0.0/16 via 10.0.0.2\n",
			cmd: "ip route replace 10.8.0.0/16 via 10.0.0.3 && ip route replace 10.9.0.0/16 via 10.0.0.3 && ip route show root 10.8.0.0/15",
			out: "10.8.0.0/16 via 10.0.0.3 dev veth0 \n10.9.0.0/16 via 10.0.0.3 dev veth0 \n"},
		{name: "replace keeps the old route when refused", setup: setupPair + "ip route add 10.8.0.0/16 via 10.0.0.2\n",
			cmd: "ip route replace 10.8.0.0/16 via 172.16.0.1", err: "Error: Nexthop has invalid gateway.", status: 2},
		{name: "change missing", setup: setupPair, cmd: "ip route change 10.8.0.0/16 via 10.0.0.3",
			err: "RTNETLINK answers: No such file or directory", status: 2},
		{name: "delete", setup: setupPair + "ip route add 10.8.0.0/16 via 10.0.0.2\n", cmd: "ip route del 10.8.0.0/16 && ip route", out: kernel},
		{name: "delete default", setup: setupPair + "ip route add default via 10.0.0.2\n", cmd: "ip route delete default && ip route", out: kernel},
		{name: "flush dev", setup: setupPair + "ip route add 10.8.0.0/16 via 10.0.0.2\n", cmd: "ip route flush dev veth0 && ip route", out: kernel},
		{name: "flush cache", cmd: "ip route flush cache"},
		{name: "get direct", setup: setupPair, cmd: "ip route get 10.0.0.2", out: "10.0.0.2 dev veth0 src 10.0.0.1 uid 0 \n    cache \n"},
		{name: "get via", setup: setupPair + "ip route add default via 10.0.0.2\n", cmd: "ip route get 8.8.8.8",
			out: "8.8.8.8 via 10.0.0.2 dev veth0 src 10.0.0.1 uid 0 \n    cache \n"},
		{name: "get local", setup: setupPair, cmd: "ip route get to 10.0.0.1", out: "local 10.0.0.1 dev lo src 10.0.0.1 uid 0 \n    cache <local> \n"},
		{name: "get loopback", cmd: "ip link set lo up && ip route get 127.0.0.5", out: "local 127.0.0.5 dev lo src 127.0.0.1 uid 0 \n    cache <local> \n"},
		{name: "get unreachable", setup: setupPair, cmd: "ip route get 8.8.8.8", err: "RTNETLINK answers: Network is unreachable", status: 2},
		{name: "get bad address", cmd: "ip route get 300.1.1.1", err: `Error: inet prefix is expected rather than "300.1.1.1".`, status: 1},
		{name: "get nothing", cmd: "ip route get", err: "need at least a destination address", status: 1},
		{name: "no device", setup: setupPair, cmd: "ip route add 10.8.0.0/16", err: "RTNETLINK answers: No such device", status: 2},
		{name: "missing device", setup: setupPair, cmd: "ip route add 10.8.0.0/16 dev nosuch", err: `Cannot find device "nosuch"`, status: 1},
		{name: "device down", setup: setupPair + "ip link add v0 type veth peer name v1\n", cmd: "ip route add 10.8.0.0/16 dev v0",
			err: "Error: Device for nexthop is not up.", status: 2},
		{name: "gateway on a down device", setup: setupPair + "ip link add v0 type veth peer name v1\n", cmd: "ip route add 10.8.0.0/16 via 10.0.0.2 dev v0",
			err: "Error: Nexthop has invalid gateway.", status: 2},
		{name: "gateway off-link", setup: setupPair, cmd: "ip route add 10.2.0.0/16 via 172.16.0.1",
			err: "Error: Nexthop has invalid gateway.", status: 2},
		{name: "exists", setup: setupPair + "ip route add default via 10.0.0.2 metric 100\n", cmd: "ip route add default via 10.0.0.3 metric 100",
			err: "RTNETLINK answers: File exists", status: 2},
		{name: "host bits", setup: setupPair, cmd: "ip route add 10.1.1.1/8 dev veth0", err: "Error: Invalid prefix for given prefix length.", status: 2},
		{name: "garbage", setup: setupPair, cmd: "ip route add 10.8.0.0/16 dev veth0 bar",
			err: `Error: either "to" is duplicate, or "bar" is a garbage.`, status: 255},
		{name: "bad prefix", setup: setupPair, cmd: "ip route add foo dev veth0", err: `Error: inet prefix is expected rather than "foo".`, status: 1},
		{name: "bad gateway", setup: setupPair, cmd: "ip route add 10.8.0.0/16 via foo", err: `Error: inet address is expected rather than "foo".`, status: 1},
		{name: "bad metric", setup: setupPair, cmd: "ip route add 10.8.0.0/16 dev veth0 metric x",
			err: `Error: argument "x" is wrong: "metric" value is invalid`, status: 255},
		{name: "bad src", setup: setupPair, cmd: "ip route add 10.8.0.0/16 dev veth0 src 10.0.0.9", err: "Error: Invalid prefsrc address.", status: 2},
		{name: "other table", setup: setupPair, cmd: "ip route add 10.8.0.0/16 dev veth0 table 100",
			err: "nsemu: only the main routing table is emulated", status: 2},
		{name: "other type", setup: setupPair, cmd: "ip route add blackhole 10.8.0.0/16", err: `nsemu: route type "blackhole" is not emulated`, status: 2},
		{name: "no prefix", setup: setupPair, cmd: "ip route add via 10.0.0.2", err: "PREFIX := { default | ADDRESS[/LEN] }", status: 255},
		{name: "delete missing", setup: setupPair, cmd: "ip route del 10.77.0.0/16", err: "RTNETLINK answers: No such process", status: 2},
		{name: "delete with another metric", setup: setupPair + "ip route add 10.8.0.0/16 via 10.0.0.2\n", cmd: "ip route del 10.8.0.0/16 metric 7",
			err: "RTNETLINK answers: No such process", status: 2},
		{name: "delete a connected route", setup: setupPair, cmd: "ip route del 10.0.0.0/24",
			err: "nsemu: deleting the kernel's connected route 10.0.0.0/24 is not emulated (delete the address instead)", status: 2},
		{name: "flush without selector", cmd: "ip route flush", err: `"ip route flush" requires arguments.`, status: 1},
		{name: "unknown command", cmd: "ip route foo", err: `Command "foo" is unknown, try "ip route help".`, status: 255},
	})
}

func TestIPNeigh(t *testing.T) {
	const static = "ip neigh add 10.0.0.9 lladdr 02:00:00:00:00:09 dev veth0\n"
	runToolCases(t, []toolCase{
		{name: "learned", setup: setupPair + "ping -c 1 10.0.0.2 > /dev/null\n", cmd: "ip neigh",
			out: "10.0.0.2 dev veth0 lladdr MAC REACHABLE \n"},
		{name: "static by dev", setup: setupPair, cmd: "ip neigh add 10.0.0.9 lladdr 02:00:00:00:00:09 dev veth0 && ip n show dev veth0",
			out: "10.0.0.9 lladdr MAC PERMANENT \n"},
		{name: "neighbour spelling", setup: setupPair + static, cmd: "ip neighbour show 10.0.0.9",
			out: "10.0.0.9 dev veth0 lladdr MAC PERMANENT \n"},
		{name: "replace", setup: setupPair + static, cmd: "ip neigh replace 10.0.0.9 lladdr 02:00:00:00:00:55 dev veth0 nud permanent && ip neighbor",
			outRe: `^10\.0\.0\.9 dev veth0 lladdr 02:00:00:00:00:55 PERMANENT \n$`},
		{name: "flush keeps permanent entries", setup: setupPair + "ping -c 1 10.0.0.2 > /dev/null\n" + static,
			cmd: "ip neigh flush dev veth0 && ip neigh", out: "10.0.0.9 dev veth0 lladdr MAC PERMANENT \n"},
		{name: "flush all", setup: setupPair + "ping -c 1 10.0.0.2 > /dev/null\n", cmd: "ip neigh flush all && ip neigh", out: ""},
		{name: "flush nud permanent", setup: setupPair + static, cmd: "ip neigh flush dev veth0 nud permanent && ip neigh", out: ""},
		{name: "delete", setup: setupPair + static, cmd: "ip neigh del 10.0.0.9 dev veth0 && ip neigh", out: ""},
		{name: "delete missing", setup: setupPair, cmd: "ip neigh del 10.0.0.9 dev veth0",
			err: "RTNETLINK answers: No such file or directory", status: 2},
		{name: "add twice", setup: setupPair + static, cmd: strings.TrimSuffix(static, "\n"), err: "RTNETLINK answers: File exists", status: 2},
		{name: "bad lladdr", setup: setupPair, cmd: "ip neigh add 10.0.0.9 lladdr zz dev veth0", err: `"zz" is invalid lladdr.`, status: 1},
		{name: "no dev", cmd: "ip neigh add 10.0.0.9 lladdr 02:00:00:00:00:09", err: "Device and destination are required arguments.", status: 255},
		{name: "no lladdr", setup: setupPair, cmd: "ip neigh add 10.0.0.9 dev veth0", err: "Error: No link layer address given.", status: 2},
		{name: "missing dev", cmd: "ip neigh add 10.0.0.9 lladdr 02:00:00:00:00:09 dev nosuch", err: `Cannot find device "nosuch"`, status: 1},
		{name: "bad address", setup: setupPair, cmd: "ip neigh add foo lladdr 02:00:00:00:00:09 dev veth0",
			err: `Error: inet address is expected rather than "foo".`, status: 1},
		{name: "dynamic states", setup: setupPair, cmd: "ip neigh add 10.0.0.9 lladdr 02:00:00:00:00:09 dev veth0 nud stale",
			err: "nsemu: only permanent neighbour entries can be added (nud stale)", status: 2},
		{name: "bad state", setup: setupPair, cmd: "ip neigh add 10.0.0.9 lladdr 02:00:00:00:00:09 dev veth0 nud foo",
			err: `Error: argument "foo" is wrong: nud state is bad`, status: 255},
		{name: "bridge port", setup: setupSeed, cmd: "ip neigh add 10.0.0.9 lladdr 02:00:00:00:00:09 dev veth-1-br",
			err: "nsemu: veth-1-br is enslaved to vbridge: not an L3 interface in nsemu (address the bridge instead)", status: 2},
		{name: "flush without arguments", cmd: "ip neigh flush", err: "Flush requires arguments.", status: 1},
		{name: "flush missing dev", cmd: "ip neigh flush dev nosuch", err: `Cannot find device "nosuch"`, status: 1},
		{name: "show missing dev", cmd: "ip neigh show dev nosuch", err: `Cannot find device "nosuch"`, status: 1},
		{name: "unknown command", cmd: "ip neigh foo", err: `Command "foo" is unknown, try "ip neigh help".`, status: 255},
	})
}

func TestIPGlobal(t *testing.T) {
	runToolCases(t, []toolCase{
		{name: "abbreviations", setup: setupPair, cmd: "ip a | head -1 && ip r && ip n && ip l | head -1 && ip ro li && ip ad sh lo | head -1 && ip addres | head -1",
			out: "1: lo: <LOOPBACK> mtu 65536 qdisc noop state DOWN group default qlen 1000\n" +
				"10.0.0.0/24 dev veth0 proto kernel scope link src 10.0.0.1 \n" +
				"1: lo: <LOOPBACK> mtu 65536 qdisc noop state DOWN mode DEFAULT group default qlen 1000\n" +
				"10.0.0.0/24 dev veth0 proto kernel scope link src 10.0.0.1 \n" +
				"1: lo: <LOOPBACK> mtu 65536 qdisc noop state DOWN group default qlen 1000\n" +
				"1: lo: <LOOPBACK> mtu 65536 qdisc noop state DOWN group default qlen 1000\n"},
		{name: "long options", cmd: "ip --oneline -statistics -details link show lo",
			outRe: `^1: lo: <LOOPBACK> .*qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\\    RX:  bytes`},
		{name: "-6 route", setup: setupPair, cmd: "ip -6 route", out: ""},
		{name: "-family inet", setup: setupPair, cmd: "ip -f inet route", out: "10.0.0.0/24 dev veth0 proto kernel scope link src 10.0.0.1 \n"},
		{name: "-- ends options", cmd: "ip -- link show lo", out: loDown},
		{name: "version", cmd: "ip -V", outRe: `^ip utility, iproute2-`},
		{name: "no object", cmd: "ip", err: `(nsemu emulates ip link, address, route, neigh and netns; see "help ip")`, status: 255},
		{name: "unknown object", cmd: "ip foo", err: `Object "foo" is unknown, try "ip help".`, status: 1},
		{name: "object nsemu lacks", cmd: "ip rule", err: `nsemu: "ip rule" is not emulated (supported: link, address, route, neigh, netns)`, status: 1},
		{name: "unknown option", cmd: "ip -x link", err: `Option "-x" is unknown, try "ip -help".`, status: 255},
		{name: "json", cmd: "ip -j link", err: "nsemu: ip -json is not supported", status: 255},
		{name: "help", cmd: "ip help", err: `(nsemu emulates ip link, address, route, neigh and netns; see "help ip")`, status: 255},
	})
}
