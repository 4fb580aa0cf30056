package iproute2_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/nsemu/nsemu/emu/builtin/builtintest"
)

// The expected texts below were checked against iproute2 6.1 run in a
// private network namespace (see testdata/record.sh); ifindexes are
// nsemu's, which are deterministic in a fresh world.

// loDown is a new namespace's lo; the host's is up from the start (loUp).
const (
	loDown = "1: lo: <LOOPBACK> mtu 65536 qdisc noop state DOWN mode DEFAULT group default qlen 1000\n" +
		"    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n"
	loUp = "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\n" +
		"    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n"
	loUpBrief = "lo               UNKNOWN        00:00:00:00:00:00 <LOOPBACK,UP,LOWER_UP> \n"
	loUpAddr  = "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000\n" +
		"    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n" +
		"    inet 127.0.0.1/8 scope host lo\n" +
		"       valid_lft forever preferred_lft forever\n"
)

func TestIPNetns(t *testing.T) {
	builtintest.RunCases(t, []builtintest.Case{
		{Name: "list newest first", Setup: "ip netns add ns1\nip netns add ns2\nip netns add ns3\n",
			Cmd: "ip netns ls", Out: "ns3\nns2\nns1\n"},
		{Name: "bare netns lists", Setup: "ip netns add ns1\n", Cmd: "ip netns", Out: "ns1\n"},
		{Name: "ids once wired", Setup: builtintest.SetupSeed, Cmd: "ip netns list", Out: "ns3 (id: 2)\nns2 (id: 1)\nns1 (id: 0)\n"},
		{Name: "ids are per viewer", Setup: builtintest.SetupSeed, Cmd: "ip netns exec ns2 ip netns list", Out: "ns3\nns2\nns1\n"},
		{Name: "list-id", Setup: builtintest.SetupSeed, Cmd: "ip netns list-id",
			Out: "nsid 0 (iproute2 netns name: ns1)\nnsid 1 (iproute2 netns name: ns2)\nnsid 2 (iproute2 netns name: ns3)\n"},
		{Name: "exec runs in the namespace", Setup: "ip netns add ns1\n", Cmd: "ip netns exec ns1 ip addr",
			Out: "1: lo: <LOOPBACK> mtu 65536 qdisc noop state DOWN group default qlen 1000\n    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n"},
		{Name: "exec nests", Setup: "ip netns add ns1\nip netns add ns2\n", Cmd: "ip netns exec ns1 ip netns exec ns2 ip -br link",
			Out: "lo               DOWN           00:00:00:00:00:00 <LOOPBACK> \n"},
		{Name: "exec passes the status", Setup: "ip netns add ns1\n", Cmd: "ip netns exec ns1 ip link set veth9 up",
			Err: `Cannot find device "veth9"`, Status: 1},
		{Name: "exec of a shell builtin", Setup: "ip netns add ns1\n", Cmd: "ip netns exec ns1 echo hi", Out: "hi\n"},
		{Name: "-n is netns exec", Setup: "ip netns add ns1\n", Cmd: "ip -n ns1 link show lo", Out: loDown},
		{Name: "delete", Setup: "ip netns add ns1\nip netns add ns2\n", Cmd: "ip netns delete ns1 && ip netns", Out: "ns2\n"},
		{Name: "delete takes its veth ends", Setup: builtintest.SetupPair, Cmd: "ip netns del ns1 && ip -br link",
			Out: loUpBrief},
		{Name: "add twice", Setup: "ip netns add ns1\n", Cmd: "ip netns add ns1",
			Err: `Cannot create namespace file "/run/netns/ns1": File exists`, Status: 1},
		{Name: "exec of a missing namespace", Cmd: "ip netns exec x ip link",
			Err: `Cannot open network namespace "x": No such file or directory`, Status: 255},
		{Name: "-n of a missing namespace", Cmd: "ip -n x link",
			Err: `Cannot open network namespace "x": No such file or directory`, Status: 255},
		{Name: "del of a missing namespace", Cmd: "ip netns del x",
			Err: `Cannot remove namespace file "/run/netns/x": No such file or directory`, Status: 1},
		{Name: "invalid name", Cmd: "ip netns add a/b", Err: `Invalid netns name "a/b"`, Status: 255},
		{Name: "add without name", Cmd: "ip netns add", Err: "No netns name specified", Status: 1},
		{Name: "exec without command", Setup: "ip netns add ns1\n", Cmd: "ip netns exec ns1", Err: "No command specified", Status: 1},
		{Name: "exec without anything", Cmd: "ip netns exec", Err: "No netns name specified", Status: 1},
		{Name: "exec of an unknown program", Setup: "ip netns add ns1\n", Cmd: "ip netns exec ns1 nosuchcmd",
			Err: "nsemu: nosuchcmd: command not found", Status: 127},
		{Name: "unknown command", Cmd: "ip netns foo", Err: `Command "foo" is unknown, try "ip netns help".`, Status: 255},
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
	builtintest.RunCases(t, []builtintest.Case{
		{Name: "all", Setup: builtintest.SetupSeed, Cmd: "ip link", Out: loUp + vbridge + ports},
		{Name: "abbreviated", Setup: builtintest.SetupSeed, Cmd: "ip l sh veth-2-br", Out: port(5, 6, "ns2")},
		{Name: "list", Setup: builtintest.SetupSeed, Cmd: "ip link list dev vbridge", Out: vbridge},
		{Name: "type bridge", Setup: builtintest.SetupSeed, Cmd: "ip link show type bridge", Out: vbridge},
		{Name: "type veth", Setup: builtintest.SetupSeed, Cmd: "ip link show type veth", Out: ports},
		{Name: "type bridge_slave", Setup: builtintest.SetupSeed, Cmd: "ip link show type bridge_slave", Out: ports},
		{Name: "master", Setup: builtintest.SetupSeed, Cmd: "ip link show master vbridge", Out: ports},
		{Name: "up", Setup: builtintest.SetupSeed, Cmd: "ip link show up", Out: loUp + vbridge + ports},
		{Name: "the namespace side", Setup: builtintest.SetupSeed, Cmd: "ip netns exec ns1 ip link show veth-1",
			Out: "4: veth-1@if3: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000\n" +
				"    link/ether MAC brd ff:ff:ff:ff:ff:ff link-netnsid 0\n"},
		{Name: "oneline", Setup: builtintest.SetupSeed, Cmd: "ip -o link show dev vbridge",
			Out: "2: vbridge: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000\\    link/ether MAC brd ff:ff:ff:ff:ff:ff\n"},
		{Name: "brief", Setup: builtintest.SetupSeed, Cmd: "ip -br link",
			Out: loUpBrief +
				"vbridge          UP             MAC <BROADCAST,MULTICAST,UP,LOWER_UP> \n" +
				"veth-1-br@if4    UP             MAC <BROADCAST,MULTICAST,UP,LOWER_UP> \n" +
				"veth-2-br@if6    UP             MAC <BROADCAST,MULTICAST,UP,LOWER_UP> \n" +
				"veth-3-br@if8    UP             MAC <BROADCAST,MULTICAST,UP,LOWER_UP> \n"},
		{Name: "stats", Cmd: "ip -s link show lo", Out: loUp +
			"    RX:  bytes packets errors dropped  missed   mcast           \n" +
			"             0       0      0       0       0       0 \n" +
			"    TX:  bytes packets errors dropped carrier collsns           \n" +
			"             0       0      0       0       0       0 \n"},
		{Name: "stats count traffic", Setup: builtintest.SetupPair + "ping -c 2 10.0.0.2 > /dev/null\n", Cmd: "ip -stats link show veth0",
			OutRe: `(?m)^    TX:  bytes packets errors dropped carrier collsns {11}\n +[1-9]\d* +[1-9]\d* +0 +0 +0 +0 \n\z`},
		{Name: "peer in the same namespace is named, M-DOWN when down",
			Cmd: "ip link add v0 type veth peer name v1 && ip link set v0 up && ip link show v0",
			Out: "3: v0@v1: <NO-CARRIER,BROADCAST,MULTICAST,UP,M-DOWN> mtu 1500 qdisc noqueue state LOWERLAYERDOWN mode DEFAULT group default qlen 1000\n" +
				"    link/ether MAC brd ff:ff:ff:ff:ff:ff\n"},
		{Name: "bridge without carrier", Cmd: "ip link add br0 type bridge && ip link set br0 up && ip link show br0",
			Out: "2: br0: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue state DOWN mode DEFAULT group default qlen 1000\n" +
				"    link/ether MAC brd ff:ff:ff:ff:ff:ff\n"},
		{Name: "lo up", Cmd: "ip link set lo up && ip link show lo",
			Out: "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\n" +
				"    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n"},
		{Name: "missing device", Cmd: "ip link show veth9", Err: `Device "veth9" does not exist.`, Status: 1},
		{Name: "missing master", Cmd: "ip link show master nosuch", Err: `Error: argument "nosuch" is wrong: Device does not exist`, Status: 255},
		{Name: "two devices", Setup: builtintest.SetupSeed, Cmd: "ip link show vbridge lo", Err: `Error: either "dev" is duplicate, or "lo" is a garbage.`, Status: 255},
		{Name: "dev without name", Cmd: "ip link show dev", Err: `Command line is not complete. Try option "help"`, Status: 255},
		{Name: "unknown command", Cmd: "ip link foo", Err: `Command "foo" is unknown, try "ip link help".`, Status: 255},
	})
}

func TestIPLinkAdd(t *testing.T) {
	builtintest.RunCases(t, []builtintest.Case{
		{Name: "veth pair", Cmd: "ip link add veth-1 type veth peer name veth-1-br && ip -br link",
			Out: loUpBrief +
				"veth-1-br@veth-1 DOWN           MAC <BROADCAST,MULTICAST,M-DOWN> \n" +
				"veth-1@veth-1-br DOWN           MAC <BROADCAST,MULTICAST,M-DOWN> \n"},
		{Name: "peer in a namespace", Setup: "ip netns add ns1\n",
			Cmd: "ip link add veth0 type veth peer name eth0 netns ns1 && ip link show veth0 && ip netns exec ns1 ip link show eth0",
			Out: "3: veth0@if2: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\n" +
				"    link/ether MAC brd ff:ff:ff:ff:ff:ff link-netns ns1\n" +
				"2: eth0@if3: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\n" +
				"    link/ether MAC brd ff:ff:ff:ff:ff:ff link-netnsid 0\n"},
		{Name: "first end in a namespace", Setup: "ip netns add ns1\n",
			Cmd: "ip link add eth0 netns ns1 type veth peer name veth0 && ip -n ns1 -br link show eth0",
			Out: "eth0@if2         DOWN           MAC <BROADCAST,MULTICAST> \n"},
		{Name: "positional peer", Cmd: "ip link add v0 type veth peer v1 && ip -br link show v1",
			Out: "v1@v0            DOWN           MAC <BROADCAST,MULTICAST,M-DOWN> \n"},
		{Name: "peer named by the kernel", Cmd: "ip link add veth7 type veth && ip -br link",
			Out: loUpBrief +
				"veth0@veth7      DOWN           MAC <BROADCAST,MULTICAST,M-DOWN> \n" +
				"veth7@veth0      DOWN           MAC <BROADCAST,MULTICAST,M-DOWN> \n"},
		{Name: "bridge", Cmd: "ip link add name br0 type bridge && ip link show br0",
			Out: "2: br0: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\n" +
				"    link/ether MAC brd ff:ff:ff:ff:ff:ff\n"},
		{Name: "bridge with settings", Cmd: "ip link add br0 address 02:00:00:00:0b:01 mtu 9000 up type bridge ageing_time 1000 stp_state 0 && ip link show br0",
			OutRe: `^2: br0: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 9000 qdisc noqueue state DOWN mode DEFAULT group default qlen 1000\n    link/ether 02:00:00:00:0b:01 brd`},
		{Name: "veth with settings on both ends",
			Cmd:   "ip link add v0 mtu 9000 up type veth peer name v1 address 02:00:00:00:00:01 up && ip link show v1",
			OutRe: `^2: v1@v0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000\n    link/ether 02:00:00:00:00:01 brd`},
		{Name: "exists", Setup: "ip link add veth-1 type veth peer name veth-1-br\n", Cmd: "ip link add veth-1 type veth peer name foo",
			Err: "RTNETLINK answers: File exists", Status: 2},
		{Name: "peer exists", Setup: "ip link add br0 type bridge\n", Cmd: "ip link add v0 type veth peer name br0",
			Err: "RTNETLINK answers: File exists", Status: 2},
		{Name: "same names", Cmd: "ip link add a1 type veth peer name a1", Err: "RTNETLINK answers: File exists", Status: 2},
		{Name: "name too long", Cmd: "ip link add toolongname12345 type veth peer name foo",
			Err: "Error: Attribute failed policy validation.", Status: 2},
		{Name: "peer name too long", Cmd: "ip link add foo type veth peer name toolongname12345",
			Err: `Error: argument "toolongname12345" is wrong: "name" not a valid ifname`, Status: 255},
		{Name: "name keyword too long", Cmd: "ip link add name toolongname12345 type bridge",
			Err: `Error: argument "toolongname12345" is wrong: "name" not a valid ifname`, Status: 255},
		{Name: "name the kernel refuses", Cmd: "ip link add a:b type bridge", Err: "RTNETLINK answers: Invalid argument", Status: 2},
		{Name: "unknown type", Cmd: "ip link add foo type dummyx", Err: "Error: Unknown device type.", Status: 2},
		{Name: "type nsemu lacks", Cmd: "ip link add foo type geneve id 42",
			Err: `nsemu: link type "geneve" is not emulated (only veth, bridge and vxlan)`, Status: 2},
		{Name: "no type", Cmd: "ip link add foo", Err: `Not enough information: "type" argument is required`, Status: 1},
		{Name: "peer namespace missing", Cmd: "ip link add veth-4 type veth peer name veth-4b netns nosuchns",
			Err: `Error: argument "nosuchns" is wrong: Invalid "netns" value`, Status: 255},
		{Name: "bad bridge option", Cmd: "ip link add br4 type bridge foo", Err: `bridge: unknown command "foo"?`, Status: 1},
		{Name: "bad veth option", Cmd: "ip link add v0 type veth foo", Err: "To get <options> type 'ip link help'", Status: 1},
		{Name: "multicast address", Cmd: "ip link add v0 type veth peer name v1 address 01:00:00:00:00:01",
			Err: "RTNETLINK answers: Cannot assign requested address", Status: 2},
		{Name: "small mtu", Cmd: "ip link add v0 mtu 10 type veth", Err: "Error: mtu less than device minimum.", Status: 2},
		{Name: "missing master", Cmd: "ip link add v0 master br9 type veth",
			Err: `Error: argument "br9" is wrong: Device does not exist`, Status: 255},
		{Name: "address keyword eats a name", Cmd: "ip link add a type veth peer name b", Err: `"type" is invalid lladdr.`, Status: 1},
	})
}

func TestIPLinkSet(t *testing.T) {
	const base = "ip netns add ns1\nip link add br0 type bridge\nip link add veth0 type veth peer name veth1\n"
	builtintest.RunCases(t, []builtintest.Case{
		{Name: "up", Setup: base, Cmd: "ip link set veth0 up && ip link set dev veth1 up && ip -br link show veth0",
			Out: "veth0@veth1      UP             MAC <BROADCAST,MULTICAST,UP,LOWER_UP> \n"},
		{Name: "down", Setup: base + "ip link set veth0 up\n", Cmd: "ip link set veth0 down && ip -br link show veth0",
			Out: "veth0@veth1      DOWN           MAC <BROADCAST,MULTICAST,M-DOWN> \n"},
		{Name: "several settings at once", Setup: base,
			Cmd:   "ip link set veth0 name eth0 address 02:11:22:33:44:55 mtu 1400 up && ip link show eth0",
			OutRe: `^4: eth0@veth1: <NO-CARRIER,BROADCAST,MULTICAST,UP,M-DOWN> mtu 1400 qdisc noqueue state LOWERLAYERDOWN mode DEFAULT group default qlen 1000\n    link/ether 02:11:22:33:44:55 brd ff:ff:ff:ff:ff:ff\n$`},
		{Name: "up then rename is fine (name first)", Setup: base, Cmd: "ip link set veth0 up name foo && ip -br link show foo",
			Out: "foo@veth1        LOWERLAYERDOWN MAC <NO-CARRIER,BROADCAST,MULTICAST,UP,M-DOWN> \n"},
		{Name: "netns, name and up", Setup: base, Cmd: "ip link set veth0 netns ns1 name eth0 up && ip netns exec ns1 ip link",
			Out: loDown +
				"4: eth0@if3: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue state LOWERLAYERDOWN mode DEFAULT group default qlen 1000\n" +
				"    link/ether MAC brd ff:ff:ff:ff:ff:ff link-netnsid 0\n"},
		{Name: "moving goes down and keeps the ifindex", Setup: base + "ip link set veth0 up\n",
			Cmd: "ip link set veth0 netns ns1 && ip -n ns1 -br link show veth0",
			Out: "veth0@if3        DOWN           MAC <BROADCAST,MULTICAST> \n"},
		{Name: "back to the host by pid 1", Setup: base, Cmd: "ip link set veth0 netns ns1 && ip -n ns1 link set veth0 netns 1 && ip -br link show veth0",
			Out: "veth0@veth1      DOWN           MAC <BROADCAST,MULTICAST,M-DOWN> \n"},
		{Name: "master", Setup: base, Cmd: "ip link set veth1 master br0 && bridge link",
			Out: "3: veth1@veth0: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 master br0 state disabled priority 32 cost 2 \n"},
		{Name: "nomaster", Setup: base + "ip link set veth1 master br0\n", Cmd: "ip link set veth1 nomaster && bridge link", Out: ""},
		{Name: "bridge ageing", Setup: base, Cmd: "ip link set br0 type bridge ageing_time 1000"},
		{Name: "nothing to change", Setup: base, Cmd: "ip link set veth0"},
		{Name: "rename while up", Setup: base + "ip link set veth0 up\n", Cmd: "ip link set veth0 name veth-x",
			Err: "RTNETLINK answers: Device or resource busy", Status: 2},
		{Name: "down does not come first", Setup: base + "ip link set veth0 up\n", Cmd: "ip link set veth0 down name veth-x",
			Err: "RTNETLINK answers: Device or resource busy", Status: 2},
		{Name: "rename to a taken name", Setup: base, Cmd: "ip link set veth0 name br0", Err: "RTNETLINK answers: File exists", Status: 2},
		{Name: "name too long", Setup: base, Cmd: "ip link set veth0 name toolongname12345",
			Err: `Error: argument "toolongname12345" is wrong: "name" not a valid ifname`, Status: 255},
		{Name: "bridge cannot move", Setup: base, Cmd: "ip link set br0 netns ns1", Err: "Error: The interface netns is immutable.", Status: 2},
		{Name: "name taken in the target", Setup: base + "ip -n ns1 link add veth0 type bridge\n", Cmd: "ip link set veth0 netns ns1",
			Err: "RTNETLINK answers: File exists", Status: 2},
		{Name: "missing namespace", Setup: base, Cmd: "ip link set veth0 netns nosuchns",
			Err: `Error: argument "nosuchns" is wrong: Invalid "netns" value`, Status: 255},
		{Name: "missing pid", Setup: base, Cmd: "ip link set veth0 netns 4242", Err: "RTNETLINK answers: No such process", Status: 2},
		{Name: "missing master", Setup: base, Cmd: "ip link set veth1 master nosuch",
			Err: `Error: argument "nosuch" is wrong: Device does not exist`, Status: 255},
		{Name: "master is no bridge", Setup: base, Cmd: "ip link set veth0 master veth1", Err: "RTNETLINK answers: Operation not supported", Status: 2},
		{Name: "bridge into bridge", Setup: base, Cmd: "ip link set br0 master br0", Err: "Error: Can not enslave a bridge to a bridge.", Status: 2},
		{Name: "lo into bridge", Setup: base, Cmd: "ip link set lo master br0", Err: "RTNETLINK answers: Invalid argument", Status: 2},
		{Name: "bad mtu", Setup: base, Cmd: "ip link set veth0 mtu abc", Err: `Error: argument "abc" is wrong: Invalid "mtu" value`, Status: 255},
		{Name: "small mtu", Setup: base, Cmd: "ip link set veth0 mtu 20", Err: "Error: mtu less than device minimum.", Status: 2},
		{Name: "large mtu", Setup: base, Cmd: "ip link set veth0 mtu 70000", Err: "Error: mtu greater than device maximum.", Status: 2},
		{Name: "two mtus", Setup: base, Cmd: "ip link set veth0 mtu 1400 mtu 1300", Err: `Error: duplicate "mtu": "1300" is the second value.`, Status: 255},
		{Name: "bad address", Setup: base, Cmd: "ip link set veth0 address zz", Err: `"zz" is invalid lladdr.`, Status: 1},
		{Name: "short address", Setup: base, Cmd: "ip link set veth0 address 02:00:00:00:00", Err: "Invalid address length 5 - must be 6 bytes", Status: 1},
		{Name: "multicast address", Setup: base, Cmd: "ip link set veth0 address 01:00:00:00:00:01",
			Err: "RTNETLINK answers: Cannot assign requested address", Status: 2},
		{Name: "garbage", Setup: base, Cmd: "ip link set veth0 foo", Err: `Error: either "dev" is duplicate, or "foo" is a garbage.`, Status: 255},
		{Name: "no device", Cmd: "ip link set", Err: `Not enough information: "dev" argument is required.`, Status: 255},
		{Name: "missing device", Cmd: "ip link set veth9 up", Err: `Cannot find device "veth9"`, Status: 1},
		{Name: "keyword without value", Setup: base, Cmd: "ip link set veth0 mtu", Err: `Command line is not complete. Try option "help"`, Status: 255},
		{Name: "a refused part changes nothing", Setup: base, Cmd: "ip link set veth0 mtu 1400 name veth9 master veth1 up",
			Err: "RTNETLINK answers: Operation not supported", Status: 2},
		{Name: "wrong type", Setup: base, Cmd: "ip link set veth0 type bridge ageing_time 10", Err: "RTNETLINK answers: Operation not supported", Status: 2},
	})
}

func TestIPLinkDel(t *testing.T) {
	const base = "ip link add br0 type bridge\nip link add veth0 type veth peer name veth1\n"
	builtintest.RunCases(t, []builtintest.Case{
		{Name: "veth takes its peer", Setup: base, Cmd: "ip link del veth0 && ip -br link",
			Out: loUpBrief + "br0              DOWN           MAC <BROADCAST,MULTICAST> \n"},
		{Name: "delete dev", Setup: base, Cmd: "ip link delete dev br0 && ip -br link show type bridge", Out: ""},
		{Name: "bridge releases its ports", Setup: base + "ip link set veth1 master br0\n", Cmd: "ip link del br0 && ip link show veth1",
			Out: "3: veth1@veth0: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\n" +
				"    link/ether MAC brd ff:ff:ff:ff:ff:ff\n"},
		{Name: "peer in another namespace", Setup: builtintest.SetupPair, Cmd: "ip link del veth0 && ip -n ns1 -br link",
			Out: "lo               DOWN           00:00:00:00:00:00 <LOOPBACK> \n"},
		{Name: "lo", Cmd: "ip link del lo", Err: "RTNETLINK answers: Operation not supported", Status: 2},
		{Name: "missing", Cmd: "ip link del veth9", Err: `Cannot find device "veth9"`, Status: 1},
		{Name: "no device", Cmd: "ip link del", Err: `Not enough information: "dev" argument is required.`, Status: 255},
		{Name: "wrong type", Setup: base, Cmd: "ip link del veth0 type bridge", Err: "RTNETLINK answers: Operation not supported", Status: 2},
	})
}

func TestIPAddr(t *testing.T) {
	veth0 := "3: veth0@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000\n" +
		"    link/ether MAC brd ff:ff:ff:ff:ff:ff link-netns ns1\n" +
		"    inet 10.0.0.1/24 scope global veth0\n" +
		"       valid_lft forever preferred_lft forever\n"
	builtintest.RunCases(t, []builtintest.Case{
		{Name: "show", Setup: builtintest.SetupPair, Cmd: "ip addr show veth0", Out: veth0},
		{Name: "a s dev", Setup: builtintest.SetupPair, Cmd: "ip a s dev veth0", Out: veth0},
		{Name: "address list", Setup: builtintest.SetupPair, Cmd: "ip address list veth0", Out: veth0},
		{Name: "all", Setup: builtintest.SetupPair, Cmd: "ip addr",
			Out: loUpAddr + veth0},
		{Name: "lo up shows 127.0.0.1", Cmd: "ip link set lo up && ip a",
			Out: "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000\n" +
				"    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n" +
				"    inet 127.0.0.1/8 scope host lo\n" +
				"       valid_lft forever preferred_lft forever\n"},
		{Name: "-4", Setup: builtintest.SetupPair, Cmd: "ip -4 addr",
			Out: "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000\n" +
				"    inet 127.0.0.1/8 scope host lo\n" +
				"       valid_lft forever preferred_lft forever\n" +
				"3: veth0@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000\n" +
				"    inet 10.0.0.1/24 scope global veth0\n" +
				"       valid_lft forever preferred_lft forever\n"},
		{Name: "-6 has nothing", Setup: builtintest.SetupPair, Cmd: "ip -6 addr", Out: ""},
		{Name: "oneline", Setup: builtintest.SetupPair, Cmd: "ip -o addr",
			Out: "1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever\n" +
				"3: veth0    inet 10.0.0.1/24 scope global veth0\\       valid_lft forever preferred_lft forever\n"},
		{Name: "brief", Setup: builtintest.SetupPair, Cmd: "ip -br a",
			Out: "lo               UNKNOWN        127.0.0.1/8 \nveth0@if2        UP             10.0.0.1/24 \n"},
		{Name: "stats", Setup: builtintest.SetupPair, Cmd: "ip -s addr show veth0",
			OutRe: `valid_lft forever preferred_lft forever\n    RX:  bytes packets errors dropped  missed   mcast {11}\n`},
		{Name: "secondaries come last", Setup: builtintest.SetupPair,
			Cmd: "ip addr add 10.0.0.3/24 dev veth0 && ip addr add 10.0.0.4/16 dev veth0 && ip -o addr show veth0",
			Out: "3: veth0    inet 10.0.0.1/24 scope global veth0\\       valid_lft forever preferred_lft forever\n" +
				"3: veth0    inet 10.0.0.4/16 scope global veth0\\       valid_lft forever preferred_lft forever\n" +
				"3: veth0    inet 10.0.0.3/24 scope global secondary veth0\\       valid_lft forever preferred_lft forever\n"},
		{Name: "deleting a primary deletes its secondaries", Setup: builtintest.SetupPair,
			Cmd: "ip addr add 10.0.0.3/24 dev veth0 && ip addr del 10.0.0.1/24 dev veth0 && ip -o addr show veth0", Out: ""},
		{Name: "host address and dotted mask", Setup: builtintest.SetupPair,
			Cmd: "ip addr add 10.9.9.9 dev veth0 && ip addr add 10.1.0.1/255.255.0.0 dev veth0 && ip -br addr show veth0",
			Out: "veth0@if2        UP             10.0.0.1/24 10.9.9.9/32 10.1.0.1/16 \n"},
		{Name: "show to", Setup: builtintest.SetupPair + "ip addr add 10.1.0.1/16 dev veth0\n", Cmd: "ip -o addr show to 10.1.0.0/16",
			Out: "3: veth0    inet 10.1.0.1/16 scope global veth0\\       valid_lft forever preferred_lft forever\n"},
		{Name: "connected route follows", Setup: builtintest.SetupPair, Cmd: "ip addr add 10.5.0.1/16 dev veth0 && ip route show dev veth0",
			Out: "10.0.0.0/24 proto kernel scope link src 10.0.0.1 \n10.5.0.0/16 proto kernel scope link src 10.5.0.1 \n"},
		{Name: "wildcard delete warns", Setup: builtintest.SetupPair + "ip addr add 10.9.9.9 dev veth0\n", Cmd: "ip addr del 10.9.9.9 dev veth0",
			Stderr: "Explicitly specify the prefix length (10.9.9.9/32) to avoid this warning."},
		{Name: "flush", Setup: builtintest.SetupPair, Cmd: "ip addr flush dev veth0 && ip -o addr show veth0 && ip route", Out: ""},
		{Name: "ignored options", Setup: builtintest.SetupPair, Cmd: "ip addr add 10.7.0.1/24 brd + scope global label veth0:1 dev veth0 valid_lft forever"},
		{Name: "duplicate", Setup: builtintest.SetupPair, Cmd: "ip addr add 10.0.0.1/24 dev veth0", Err: "Error: ipv4: Address already assigned.", Status: 2},
		{Name: "bad prefix", Setup: builtintest.SetupPair, Cmd: "ip addr add 300.1.1.1/24 dev veth0",
			Err: `Error: inet prefix is expected rather than "300.1.1.1/24".`, Status: 1},
		{Name: "prefix too long", Setup: builtintest.SetupPair, Cmd: "ip addr add 10.9.9.9/33 dev veth0",
			Err: `Error: inet prefix is expected rather than "10.9.9.9/33".`, Status: 1},
		{Name: "garbage", Setup: builtintest.SetupPair, Cmd: "ip addr add 1.2.3.4/24 dev veth0 foo",
			Err: `Error: either "local" is duplicate, or "foo" is a garbage.`, Status: 255},
		{Name: "no dev", Cmd: "ip addr add 1.2.3.4/24", Err: `Not enough information: "dev" argument is required.`, Status: 1},
		{Name: "missing dev", Cmd: "ip addr add 1.2.3.4/24 dev veth9", Err: `Cannot find device "veth9"`, Status: 1},
		{Name: "no address", Setup: builtintest.SetupPair, Cmd: "ip addr add dev veth0", Err: "RTNETLINK answers: Operation not supported", Status: 2},
		{Name: "bridge port", Setup: builtintest.SetupSeed, Cmd: "ip addr add 10.1.1.1/24 dev veth-1-br",
			Err: "nsemu: veth-1-br is enslaved to vbridge: not an L3 interface in nsemu (address the bridge instead)", Status: 2},
		{Name: "delete missing", Setup: builtintest.SetupPair, Cmd: "ip addr del 1.2.3.4/24 dev veth0", Err: "Error: ipv4: Address not found.", Status: 2},
		{Name: "delete wrong length", Setup: builtintest.SetupPair, Cmd: "ip addr del 10.0.0.1/16 dev veth0", Err: "Error: ipv4: Address not found.", Status: 2},
		{Name: "flush without arguments", Cmd: "ip addr flush", Err: "Flush requires arguments.", Status: 1},
		{Name: "flush missing dev", Cmd: "ip addr flush dev veth9", Err: `Device "veth9" does not exist.`, Status: 1},
		{Name: "show missing dev", Cmd: "ip addr show dev veth9", Err: `Device "veth9" does not exist.`, Status: 1},
		{Name: "unknown command", Cmd: "ip addr foo", Err: `Command "foo" is unknown, try "ip address help".`, Status: 255},
	})
}

func TestIPRoute(t *testing.T) {
	const kernel = "10.0.0.0/24 dev veth0 proto kernel scope link src 10.0.0.1 \n"
	builtintest.RunCases(t, []builtintest.Case{
		{Name: "connected", Setup: builtintest.SetupPair, Cmd: "ip route", Out: kernel},
		{Name: "default", Setup: builtintest.SetupPair, Cmd: "ip netns exec ns1 ip route add default via 10.0.0.1 && ip netns exec ns1 ip r",
			Out: "default via 10.0.0.1 dev eth0 \n10.0.0.0/24 dev eth0 proto kernel scope link src 10.0.0.2 \n"},
		{Name: "metric, scope link and host routes", Setup: builtintest.SetupPair,
			Cmd: "ip route add 10.9.9.9/32 via 10.0.0.2 && ip route add 10/8 dev veth0 metric 50 && ip route add 172.16.0.0/12 dev veth0 && ip ro ls",
			Out: kernel + "10.0.0.0/8 dev veth0 scope link metric 50 \n10.9.9.9 via 10.0.0.2 dev veth0 \n172.16.0.0/12 dev veth0 scope link \n"},
		{Name: "default by metric", Setup: builtintest.SetupPair,
			Cmd: "ip route add default via 10.0.0.2 metric 100 && ip route add default via 10.0.0.3 && ip route show default",
			Out: "default via 10.0.0.3 dev veth0 \ndefault via 10.0.0.2 dev veth0 metric 100 \n"},
		{Name: "show prefix", Setup: builtintest.SetupPair + "ip route add 10.8.0.0/16 via 10.0.0.2\n", Cmd: "ip route show 10.8.0.0/16",
			Out: "10.8.0.0/16 via 10.0.0.2 dev veth0 \n"},
		{Name: "show root", Setup: builtintest.SetupPair + "ip route add 10.8.0.0/16 via 10.0.0.2\n", Cmd: "ip route show root 10.0.0.0/8",
			Out: kernel + "10.8.0.0/16 via 10.0.0.2 dev veth0 \n"},
		{Name: "show dev hides dev", Setup: builtintest.SetupPair, Cmd: "ip route show dev veth0",
			Out: "10.0.0.0/24 proto kernel scope link src 10.0.0.1 \n"},
		{Name: "show proto kernel", Setup: builtintest.SetupPair + "ip route add 10.8.0.0/16 via 10.0.0.2\n", Cmd: "ip route list proto kernel",
			Out: "10.0.0.0/24 dev veth0 scope link src 10.0.0.1 \n"},
		{Name: "src", Setup: builtintest.SetupPair, Cmd: "ip route add 10.8.0.0/16 dev veth0 src 10.0.0.1 && ip route show 10.8.0.0/16",
			Out: "10.8.0.0/16 dev veth0 scope link src 10.0.0.1 \n"},
		{Name: "linkdown", Setup: builtintest.SetupPair, Cmd: "ip -n ns1 link set eth0 down && ip route",
			Out: "10.0.0.0/24 dev veth0 proto kernel scope link src 10.0.0.1 linkdown \n"},
		{Name: "replace", Setup: builtintest.SetupPair + "ip route add 10.8.0.0/16 via 10.0.0.2\n",
			Cmd: "ip route replace 10.8.0.0/16 via 10.0.0.3 && ip route replace 10.9.0.0/16 via 10.0.0.3 && ip route show root 10.8.0.0/15",
			Out: "10.8.0.0/16 via 10.0.0.3 dev veth0 \n10.9.0.0/16 via 10.0.0.3 dev veth0 \n"},
		{Name: "replace keeps the old route when refused", Setup: builtintest.SetupPair + "ip route add 10.8.0.0/16 via 10.0.0.2\n",
			Cmd: "ip route replace 10.8.0.0/16 via 172.16.0.1", Err: "Error: Nexthop has invalid gateway.", Status: 2},
		{Name: "change missing", Setup: builtintest.SetupPair, Cmd: "ip route change 10.8.0.0/16 via 10.0.0.3",
			Err: "RTNETLINK answers: No such file or directory", Status: 2},
		{Name: "delete", Setup: builtintest.SetupPair + "ip route add 10.8.0.0/16 via 10.0.0.2\n", Cmd: "ip route del 10.8.0.0/16 && ip route", Out: kernel},
		{Name: "delete default", Setup: builtintest.SetupPair + "ip route add default via 10.0.0.2\n", Cmd: "ip route delete default && ip route", Out: kernel},
		{Name: "flush dev", Setup: builtintest.SetupPair + "ip route add 10.8.0.0/16 via 10.0.0.2\n", Cmd: "ip route flush dev veth0 && ip route", Out: kernel},
		{Name: "flush cache", Cmd: "ip route flush cache"},
		{Name: "get direct", Setup: builtintest.SetupPair, Cmd: "ip route get 10.0.0.2", Out: "10.0.0.2 dev veth0 src 10.0.0.1 uid 0 \n    cache \n"},
		{Name: "get via", Setup: builtintest.SetupPair + "ip route add default via 10.0.0.2\n", Cmd: "ip route get 8.8.8.8",
			Out: "8.8.8.8 via 10.0.0.2 dev veth0 src 10.0.0.1 uid 0 \n    cache \n"},
		{Name: "get local", Setup: builtintest.SetupPair, Cmd: "ip route get to 10.0.0.1", Out: "local 10.0.0.1 dev lo src 10.0.0.1 uid 0 \n    cache <local> \n"},
		{Name: "get loopback", Cmd: "ip link set lo up && ip route get 127.0.0.5", Out: "local 127.0.0.5 dev lo src 127.0.0.1 uid 0 \n    cache <local> \n"},
		{Name: "get unreachable", Setup: builtintest.SetupPair, Cmd: "ip route get 8.8.8.8", Err: "RTNETLINK answers: Network is unreachable", Status: 2},
		// flannel's route to another node's pods: the gateway is on no
		// subnet of the device.
		{Name: "onlink", Setup: builtintest.SetupPair + "ip route add 10.244.2.0/24 via 10.244.2.0 dev veth0 onlink\n",
			Cmd: "ip route show 10.244.2.0/24", Out: "10.244.2.0/24 via 10.244.2.0 dev veth0 onlink \n"},
		{Name: "onlink in JSON", Setup: builtintest.SetupPair + "ip route add 10.244.2.0/24 via 10.244.2.0 dev veth0 onlink\n",
			Cmd: "ip -j route show 10.244.2.0/24", Out: `[{"dst":"10.244.2.0/24","gateway":"10.244.2.0","dev":"veth0","flags":["onlink"]}]` + "\n"},
		{Name: "a /32 adds no prefix route", Setup: builtintest.SetupPair + "ip addr add 10.244.1.0/32 dev veth0\n",
			Cmd: "ip route", Out: "10.0.0.0/24 dev veth0 proto kernel scope link src 10.0.0.1 \n"},
		{Name: "no onlink", Setup: builtintest.SetupPair, Cmd: "ip route add 10.244.2.0/24 via 10.244.2.0 dev veth0",
			Err: "Error: Nexthop has invalid gateway.", Status: 2},
		{Name: "onlink without dev", Setup: builtintest.SetupPair, Cmd: "ip route add 10.244.2.0/24 via 10.244.2.0 onlink",
			Err: "Error: Nexthop device required for onlink.", Status: 2},
		{Name: "get bad address", Cmd: "ip route get 300.1.1.1", Err: `Error: inet prefix is expected rather than "300.1.1.1".`, Status: 1},
		{Name: "get nothing", Cmd: "ip route get", Err: "need at least a destination address", Status: 1},
		{Name: "no device", Setup: builtintest.SetupPair, Cmd: "ip route add 10.8.0.0/16", Err: "RTNETLINK answers: No such device", Status: 2},
		{Name: "missing device", Setup: builtintest.SetupPair, Cmd: "ip route add 10.8.0.0/16 dev nosuch", Err: `Cannot find device "nosuch"`, Status: 1},
		{Name: "device down", Setup: builtintest.SetupPair + "ip link add v0 type veth peer name v1\n", Cmd: "ip route add 10.8.0.0/16 dev v0",
			Err: "Error: Device for nexthop is not up.", Status: 2},
		{Name: "gateway on a down device", Setup: builtintest.SetupPair + "ip link add v0 type veth peer name v1\n", Cmd: "ip route add 10.8.0.0/16 via 10.0.0.2 dev v0",
			Err: "Error: Nexthop has invalid gateway.", Status: 2},
		{Name: "gateway off-link", Setup: builtintest.SetupPair, Cmd: "ip route add 10.2.0.0/16 via 172.16.0.1",
			Err: "Error: Nexthop has invalid gateway.", Status: 2},
		{Name: "exists", Setup: builtintest.SetupPair + "ip route add default via 10.0.0.2 metric 100\n", Cmd: "ip route add default via 10.0.0.3 metric 100",
			Err: "RTNETLINK answers: File exists", Status: 2},
		{Name: "host bits", Setup: builtintest.SetupPair, Cmd: "ip route add 10.1.1.1/8 dev veth0", Err: "Error: Invalid prefix for given prefix length.", Status: 2},
		{Name: "garbage", Setup: builtintest.SetupPair, Cmd: "ip route add 10.8.0.0/16 dev veth0 bar",
			Err: `Error: either "to" is duplicate, or "bar" is a garbage.`, Status: 255},
		{Name: "bad prefix", Setup: builtintest.SetupPair, Cmd: "ip route add foo dev veth0", Err: `Error: inet prefix is expected rather than "foo".`, Status: 1},
		{Name: "bad gateway", Setup: builtintest.SetupPair, Cmd: "ip route add 10.8.0.0/16 via foo", Err: `Error: inet address is expected rather than "foo".`, Status: 1},
		{Name: "bad metric", Setup: builtintest.SetupPair, Cmd: "ip route add 10.8.0.0/16 dev veth0 metric x",
			Err: `Error: argument "x" is wrong: "metric" value is invalid`, Status: 255},
		{Name: "bad src", Setup: builtintest.SetupPair, Cmd: "ip route add 10.8.0.0/16 dev veth0 src 10.0.0.9", Err: "Error: Invalid prefsrc address.", Status: 2},
		{Name: "other table", Setup: builtintest.SetupPair, Cmd: "ip route add 10.8.0.0/16 dev veth0 table 100 && ip route add default via 10.0.0.2 table 100 && ip route show table 100",
			Out: "default via 10.0.0.2 dev veth0 \n10.8.0.0/16 dev veth0 scope link \n"},
		{Name: "table by name", Setup: builtintest.SetupPair, Cmd: "echo '7 isp2' >> /etc/iproute2/rt_tables && ip route add 10.8.0.0/16 dev veth0 table isp2 && ip route show table all | head -1",
			Out: "10.8.0.0/16 dev veth0 table isp2 scope link \n"},
		{Name: "no such table", Setup: builtintest.SetupPair, Cmd: "ip route show table 100",
			Err: "Dump terminated", Status: 2},
		{Name: "bad table", Setup: builtintest.SetupPair, Cmd: "ip route add 10.8.0.0/16 dev veth0 table nosuch",
			Err: "Error: argument \"nosuch\" is wrong: \"table\" value is invalid", Status: 255},
		{Name: "types", Setup: builtintest.SetupPair, Cmd: "ip route add blackhole 10.8.0.0/16 && ip route add prohibit 10.9.0.0/16 metric 5 && ip route add throw 10.7.0.0/16 table 9 && ip route show table all type blackhole && ip route show table all | grep -v kernel",
			Out: "blackhole 10.8.0.0/16 \nthrow 10.7.0.0/16 table 9 \nblackhole 10.8.0.0/16 \nprohibit 10.9.0.0/16 metric 5 \n"},
		{Name: "local table", Setup: builtintest.SetupPair + "ip link set lo up\n", Cmd: "ip route show table local",
			Out: "local 10.0.0.1 dev veth0 proto kernel scope host src 10.0.0.1 \nbroadcast 10.0.0.255 dev veth0 proto kernel scope link src 10.0.0.1 \n" +
				"local 127.0.0.0/8 dev lo proto kernel scope host src 127.0.0.1 \nlocal 127.0.0.1 dev lo proto kernel scope host src 127.0.0.1 \n" +
				"broadcast 127.255.255.255 dev lo proto kernel scope link src 127.0.0.1 \n"},
		{Name: "get unreachable type", Setup: builtintest.SetupPair + "ip route add unreachable 10.8.0.0/16\n", Cmd: "ip route get 10.8.1.1",
			Err: "RTNETLINK answers: No route to host", Status: 2},
		{Name: "get prohibit", Setup: builtintest.SetupPair + "ip route add prohibit 10.8.0.0/16\n", Cmd: "ip route get 10.8.1.1",
			Err: "RTNETLINK answers: Permission denied", Status: 2},
		{Name: "get blackhole", Setup: builtintest.SetupPair + "ip route add blackhole 10.8.0.0/16\n", Cmd: "ip route get 10.8.1.1",
			Err: "RTNETLINK answers: Invalid argument", Status: 2},
		{Name: "get input", Setup: builtintest.SetupPair + "sysctl -qw net.ipv4.ip_forward=1\nip route add default via 10.0.0.2\n", Cmd: "ip route get 8.8.8.8 from 10.0.0.9 iif veth0",
			Out: "8.8.8.8 from 10.0.0.9 via 10.0.0.2 dev veth0 \n    cache <redirect> iif veth0 \n"},
		{Name: "get input local", Setup: builtintest.SetupPair, Cmd: "ip route get 10.0.0.1 from 10.0.0.9 iif veth0",
			Out: "local 10.0.0.1 from 10.0.0.9 dev lo \n    cache <local> iif veth0 \n"},
		{Name: "get input not forwarding", Setup: builtintest.SetupPair + "ip route add default via 10.0.0.2\n", Cmd: "ip route get 8.8.8.8 from 10.0.0.9 iif veth0",
			Err: "RTNETLINK answers: No route to host", Status: 2},
		{Name: "get input martian", Setup: builtintest.SetupPair, Cmd: "ip route get 10.0.0.1 from 10.0.0.1 iif veth0",
			Err: "RTNETLINK answers: Invalid argument", Status: 2},
		{Name: "get input no device", Setup: builtintest.SetupPair, Cmd: "ip route get 10.0.0.1 from 10.0.0.9 iif nosuch",
			Err: `Cannot find device "nosuch"`, Status: 1},
		{Name: "get oif and mark", Setup: builtintest.SetupPair + "ip route add default via 10.0.0.2\n", Cmd: "ip route get 8.8.8.8 mark 0x10 && ip route get 8.8.8.8 from 10.0.0.1 oif veth0",
			Out: "8.8.8.8 via 10.0.0.2 dev veth0 src 10.0.0.1 mark 0x10 uid 0 \n    cache \n8.8.8.8 from 10.0.0.1 via 10.0.0.2 dev veth0 uid 0 \n    cache \n"},
		{Name: "get broadcast", Setup: builtintest.SetupPair, Cmd: "ip route get 10.0.0.255",
			Out: "broadcast 10.0.0.255 dev veth0 src 10.0.0.1 uid 0 \n    cache <local,brd> \n"},
		{Name: "delete from a table", Setup: builtintest.SetupPair + "ip route add default via 10.0.0.2 table 100\n", Cmd: "ip route del default && ip route show table 100",
			Err: "RTNETLINK answers: No such process", Status: 2},
		{Name: "local table routes", Setup: builtintest.SetupPair, Cmd: "ip route add 10.8.0.0/16 dev veth0 table local",
			Err: "nsemu: routes of the local table are the kernel's (they come with the addresses)", Status: 2},
		{Name: "no prefix", Setup: builtintest.SetupPair, Cmd: "ip route add via 10.0.0.2", Err: "PREFIX := { default | ADDRESS[/LEN] }", Status: 255},
		{Name: "delete missing", Setup: builtintest.SetupPair, Cmd: "ip route del 10.77.0.0/16", Err: "RTNETLINK answers: No such process", Status: 2},
		{Name: "delete with another metric", Setup: builtintest.SetupPair + "ip route add 10.8.0.0/16 via 10.0.0.2\n", Cmd: "ip route del 10.8.0.0/16 metric 7",
			Err: "RTNETLINK answers: No such process", Status: 2},
		{Name: "delete a connected route", Setup: builtintest.SetupPair, Cmd: "ip route del 10.0.0.0/24",
			Err: "nsemu: deleting the kernel's connected route 10.0.0.0/24 is not emulated (delete the address instead)", Status: 2},
		{Name: "flush without selector", Cmd: "ip route flush", Err: `"ip route flush" requires arguments.`, Status: 1},
		{Name: "unknown command", Cmd: "ip route foo", Err: `Command "foo" is unknown, try "ip route help".`, Status: 255},
	})
}

func TestIPNeigh(t *testing.T) {
	const static = "ip neigh add 10.0.0.9 lladdr 02:00:00:00:00:09 dev veth0\n"
	builtintest.RunCases(t, []builtintest.Case{
		{Name: "learned", Setup: builtintest.SetupPair + "ping -c 1 10.0.0.2 > /dev/null\n", Cmd: "ip neigh",
			Out: "10.0.0.2 dev veth0 lladdr MAC REACHABLE \n"},
		{Name: "static by dev", Setup: builtintest.SetupPair, Cmd: "ip neigh add 10.0.0.9 lladdr 02:00:00:00:00:09 dev veth0 && ip n show dev veth0",
			Out: "10.0.0.9 lladdr MAC PERMANENT \n"},
		{Name: "neighbour spelling", Setup: builtintest.SetupPair + static, Cmd: "ip neighbour show 10.0.0.9",
			Out: "10.0.0.9 dev veth0 lladdr MAC PERMANENT \n"},
		{Name: "replace", Setup: builtintest.SetupPair + static, Cmd: "ip neigh replace 10.0.0.9 lladdr 02:00:00:00:00:55 dev veth0 nud permanent && ip neighbor",
			OutRe: `^10\.0\.0\.9 dev veth0 lladdr 02:00:00:00:00:55 PERMANENT \n$`},
		{Name: "flush keeps permanent entries", Setup: builtintest.SetupPair + "ping -c 1 10.0.0.2 > /dev/null\n" + static,
			Cmd: "ip neigh flush dev veth0 && ip neigh", Out: "10.0.0.9 dev veth0 lladdr MAC PERMANENT \n"},
		{Name: "flush all", Setup: builtintest.SetupPair + "ping -c 1 10.0.0.2 > /dev/null\n", Cmd: "ip neigh flush all && ip neigh", Out: ""},
		{Name: "flush nud permanent", Setup: builtintest.SetupPair + static, Cmd: "ip neigh flush dev veth0 nud permanent && ip neigh", Out: ""},
		{Name: "delete", Setup: builtintest.SetupPair + static, Cmd: "ip neigh del 10.0.0.9 dev veth0 && ip neigh", Out: ""},
		{Name: "delete missing", Setup: builtintest.SetupPair, Cmd: "ip neigh del 10.0.0.9 dev veth0",
			Err: "RTNETLINK answers: No such file or directory", Status: 2},
		{Name: "add twice", Setup: builtintest.SetupPair + static, Cmd: strings.TrimSuffix(static, "\n"), Err: "RTNETLINK answers: File exists", Status: 2},
		{Name: "bad lladdr", Setup: builtintest.SetupPair, Cmd: "ip neigh add 10.0.0.9 lladdr zz dev veth0", Err: `"zz" is invalid lladdr.`, Status: 1},
		{Name: "no dev", Cmd: "ip neigh add 10.0.0.9 lladdr 02:00:00:00:00:09", Err: "Device and destination are required arguments.", Status: 255},
		{Name: "no lladdr", Setup: builtintest.SetupPair, Cmd: "ip neigh add 10.0.0.9 dev veth0", Err: "Error: No link layer address given.", Status: 2},
		{Name: "missing dev", Cmd: "ip neigh add 10.0.0.9 lladdr 02:00:00:00:00:09 dev nosuch", Err: `Cannot find device "nosuch"`, Status: 1},
		{Name: "bad address", Setup: builtintest.SetupPair, Cmd: "ip neigh add foo lladdr 02:00:00:00:00:09 dev veth0",
			Err: `Error: inet address is expected rather than "foo".`, Status: 1},
		{Name: "dynamic states", Setup: builtintest.SetupPair, Cmd: "ip neigh add 10.0.0.9 lladdr 02:00:00:00:00:09 dev veth0 nud stale",
			Err: "nsemu: only permanent neighbour entries can be added (nud stale)", Status: 2},
		{Name: "bad state", Setup: builtintest.SetupPair, Cmd: "ip neigh add 10.0.0.9 lladdr 02:00:00:00:00:09 dev veth0 nud foo",
			Err: `Error: argument "foo" is wrong: nud state is bad`, Status: 255},
		{Name: "bridge port", Setup: builtintest.SetupSeed, Cmd: "ip neigh add 10.0.0.9 lladdr 02:00:00:00:00:09 dev veth-1-br",
			Err: "nsemu: veth-1-br is enslaved to vbridge: not an L3 interface in nsemu (address the bridge instead)", Status: 2},
		{Name: "flush without arguments", Cmd: "ip neigh flush", Err: "Flush requires arguments.", Status: 1},
		{Name: "flush missing dev", Cmd: "ip neigh flush dev nosuch", Err: `Cannot find device "nosuch"`, Status: 1},
		{Name: "show missing dev", Cmd: "ip neigh show dev nosuch", Err: `Cannot find device "nosuch"`, Status: 1},
		{Name: "unknown command", Cmd: "ip neigh foo", Err: `Command "foo" is unknown, try "ip neigh help".`, Status: 255},
	})
}

func TestIPGlobal(t *testing.T) {
	builtintest.RunCases(t, []builtintest.Case{
		{Name: "abbreviations", Setup: builtintest.SetupPair, Cmd: "ip a | head -1 && ip r && ip n && ip l | head -1 && ip ro li && ip ad sh lo | head -1 && ip addres | head -1",
			Out: "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000\n" +
				"10.0.0.0/24 dev veth0 proto kernel scope link src 10.0.0.1 \n" +
				"1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\n" +
				"10.0.0.0/24 dev veth0 proto kernel scope link src 10.0.0.1 \n" +
				"1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000\n" +
				"1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000\n"},
		{Name: "long options", Cmd: "ip --oneline -statistics -details link show lo",
			OutRe: `^1: lo: <LOOPBACK,UP,LOWER_UP> .*qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00 promiscuity 0  allmulti 0 .*\\    RX:  bytes`},
		{Name: "-6 route", Setup: builtintest.SetupPair, Cmd: "ip -6 route", Out: ""},
		{Name: "-family inet", Setup: builtintest.SetupPair, Cmd: "ip -f inet route", Out: "10.0.0.0/24 dev veth0 proto kernel scope link src 10.0.0.1 \n"},
		{Name: "-- ends options", Cmd: "ip -- link show lo", Out: loUp},
		{Name: "version", Cmd: "ip -V", OutRe: `^ip utility, iproute2-`},
		{Name: "no object", Cmd: "ip", Err: `(nsemu emulates ip link, address, route, rule, neigh, netns and monitor; see "help ip")`, Status: 255},
		{Name: "unknown object", Cmd: "ip foo", Err: `Object "foo" is unknown, try "ip help".`, Status: 1},
		{Name: "object nsemu lacks", Cmd: "ip xfrm state", Err: `nsemu: "ip xfrm" is not emulated (supported: link, address, route, rule, neigh, netns, monitor)`, Status: 1},
		{Name: "unknown option", Cmd: "ip -x link", Err: `Option "-x" is unknown, try "ip -help".`, Status: 255},
		{Name: "json", Cmd: "ip -j link",
			Out: `[{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"mtu":65536,"qdisc":"noqueue","operstate":"UNKNOWN","linkmode":"DEFAULT","group":"default","txqlen":1000,"link_type":"loopback","address":"00:00:00:00:00:00","broadcast":"00:00:00:00:00:00"}]` + "\n"},
		{Name: "pretty json", Setup: builtintest.SetupPair, Cmd: "ip -p -j neigh; ip -j -p route show dev veth0",
			Out: "[ ]\n[ {\n        \"dst\": \"10.0.0.0/24\",\n        \"protocol\": \"kernel\",\n        \"scope\": \"link\",\n        \"prefsrc\": \"10.0.0.1\",\n        \"flags\": [ ]\n    } ]\n"},
		{Name: "help", Cmd: "ip help", Err: `(nsemu emulates ip link, address, route, rule, neigh, netns and monitor; see "help ip")`, Status: 255},
	})
}
