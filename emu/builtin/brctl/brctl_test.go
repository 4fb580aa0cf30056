package brctl_test

import (
	"testing"

	"github.com/nsemu/nsemu/emu/builtin/builtintest"
)

// pingAll makes the bridge of SetupSeed learn every namespace's MAC.
const pingAll = `ip netns exec ns1 ping -c 1 192.168.28.2 > /dev/null
ip netns exec ns3 ping -c 1 192.168.28.1 > /dev/null
`

func TestBrctl(t *testing.T) {
	const header = "bridge name\tbridge id\t\tSTP enabled\tinterfaces\n"
	builtintest.RunCases(t, []builtintest.Case{
		{Name: "show", Setup: builtintest.SetupSeed, Cmd: "brctl show",
			Out: header + "vbridge\t\t8000.BRIDGEID\tno\t\tveth-1-br\n\t\t\t\t\t\t\tveth-2-br\n\t\t\t\t\t\t\tveth-3-br\n"},
		{Name: "show one, sorted", Setup: builtintest.SetupSeed + "brctl addbr br1\nbrctl addbr abr\n", Cmd: "brctl show",
			Out: header + "abr\t\t8000.BRIDGEID\tno\t\t\nbr1\t\t8000.BRIDGEID\tno\t\t\n" +
				"vbridge\t\t8000.BRIDGEID\tno\t\tveth-1-br\n\t\t\t\t\t\t\tveth-2-br\n\t\t\t\t\t\t\tveth-3-br\n"},
		{Name: "show a bridge", Setup: "brctl addbr br1\n", Cmd: "brctl show br1", Out: header + "br1\t\t8000.BRIDGEID\tno\t\t\n"},
		{Name: "bridge id is the MAC", Cmd: "ip link add br0 address 02:00:00:00:0b:01 type bridge && brctl show br0",
			OutRe: "\nbr0\t\t8000.020000000b01\tno\t\t\n$"},
		{Name: "showmacs", Setup: builtintest.SetupSeed + pingAll, Cmd: "brctl showmacs vbridge",
			OutRe: "^port no\tmac addr\t\tis local\\?\tageing timer\n" +
				"(  [123]\t([0-9a-f]{2}:){5}[0-9a-f]{2}\t(yes\t\t   0\\.00|no\t\t {3}\\d\\.\\d\\d)\n){6}$"},
		{Name: "showmacs counts", Setup: builtintest.SetupSeed + pingAll, Cmd: "brctl showmacs vbridge | cut -f1,3 | sort",
			Out: "  1\tno\n  1\tyes\n  2\tno\n  2\tyes\n  3\tno\n  3\tyes\nport no\t\n"},
		{Name: "addbr, addif, delif, delbr", Setup: "ip link add v0 type veth peer name v1\n",
			Cmd: "brctl addbr br0 && brctl addif br0 v0 v1 && brctl show && brctl delif br0 v0 && brctl show br0 && brctl delif br0 v1 && brctl delbr br0 && brctl show",
			Out: header + "br0\t\t8000.BRIDGEID\tno\t\tv0\n\t\t\t\t\t\t\tv1\n" +
				header + "br0\t\t8000.BRIDGEID\tno\t\tv1\n" + header},
		{Name: "long names are cut", Cmd: "brctl addbr toolongname12345 && ip -br link show type bridge",
			Out: "toolongname1234  DOWN           MAC <BROADCAST,MULTICAST> \n"},
		{Name: "setageing and stp off", Setup: "brctl addbr br0\n", Cmd: "brctl setageing br0 10 && brctl stp br0 off"},
		{Name: "stp on warns", Setup: "brctl addbr br0\n", Cmd: "brctl stp br0 on", Stderr: "nsemu: STP is not emulated; br0 forwards without it"},
		{Name: "usage", Cmd: "brctl", OutRe: "^Usage: brctl \\[commands\\]\ncommands:\n\taddbr     \t<bridge>\t\tadd bridge\n", Err: "exit status 1", Status: 1},
		{Name: "addbr twice", Setup: "brctl addbr br1\n", Cmd: "brctl addbr br1",
			Err: "device br1 already exists; can't create bridge with the same name", Status: 1},
		{Name: "addif twice", Setup: builtintest.SetupSeed + "brctl addbr br1\n", Cmd: "brctl addif br1 veth-1-br",
			Err: "device veth-1-br is already a member of a bridge; can't add it to bridge br1.", Status: 1},
		{Name: "addif missing", Setup: "brctl addbr br1\n", Cmd: "brctl addif br1 nosuch", Err: "interface nosuch does not exist!", Status: 1},
		{Name: "addif to missing bridge", Setup: "ip link add v0 type veth peer name v1\n", Cmd: "brctl addif nosuchbr v0",
			Err: "bridge nosuchbr does not exist!", Status: 1},
		{Name: "addif lo", Setup: "brctl addbr br1\n", Cmd: "brctl addif br1 lo", Err: "can't add lo to bridge br1: Invalid argument", Status: 1},
		{Name: "addif a bridge", Setup: "brctl addbr br1\nbrctl addbr br2\n", Cmd: "brctl addif br1 br2",
			Err: "device br2 is a bridge device itself; can't add a bridge device to a bridge device.", Status: 1},
		{Name: "addif to a veth", Setup: "ip link add v0 type veth peer name v1\n", Cmd: "brctl addif v0 v1",
			Err: "can't add v1 to bridge v0: Operation not supported", Status: 1},
		{Name: "delif missing", Setup: "brctl addbr br1\n", Cmd: "brctl delif br1 nosuch", Err: "interface nosuch does not exist!", Status: 1},
		{Name: "delif from missing bridge", Setup: "ip link add v0 type veth peer name v1\n", Cmd: "brctl delif nosuchbr v0",
			Err: "bridge nosuchbr does not exist!", Status: 1},
		{Name: "delif not a port", Setup: "brctl addbr br1\nip link add v0 type veth peer name v1\n", Cmd: "brctl delif br1 v0",
			Err: "device v0 is not a port of br1", Status: 1},
		{Name: "delbr up", Setup: builtintest.SetupSeed, Cmd: "brctl delbr vbridge", Err: "bridge vbridge is still up; can't delete it", Status: 1},
		{Name: "delbr missing", Cmd: "brctl delbr nosuch", Err: "bridge nosuch doesn't exist; can't delete it", Status: 1},
		{Name: "delbr a veth", Setup: "ip link add v0 type veth peer name v1\n", Cmd: "brctl delbr v0",
			Err: "can't delete bridge v0: Operation not permitted", Status: 1},
		{Name: "show missing", Cmd: "brctl show nosuch", Err: "bridge nosuch does not exist!", Status: 1},
		{Name: "show a veth", Setup: "ip link add v0 type veth peer name v1\n", Cmd: "brctl show v0", Err: "device v0 is not a bridge!", Status: 1},
		{Name: "showmacs missing", Cmd: "brctl showmacs nosuch", Err: "read of forward table failed: No such device", Status: 1},
		{Name: "showmacs a veth", Setup: "ip link add v0 type veth peer name v1\n", Cmd: "brctl showmacs v0",
			Err: "read of forward table failed: Operation not supported", Status: 1},
		{Name: "wrong argument count", Cmd: "brctl showmacs", Err: "Incorrect number of arguments for command", Status: 1, Stderr: "Usage: brctl showmacs <bridge>\t\tshow a list of mac addrs"},
		{Name: "bad ageing", Setup: "brctl addbr br0\n", Cmd: "brctl setageing br0 x", Err: "bad ageing time value", Status: 1},
		{Name: "unknown command", Cmd: "brctl foo", OutRe: "^Usage: brctl", Err: "never heard of command [foo]", Status: 1},
		{Name: "not emulated", Setup: "brctl addbr br0\n", Cmd: "brctl setfd br0 2",
			Err: `nsemu: "brctl setfd" is not emulated (STP is not emulated)`, Status: 1},
	})
}
