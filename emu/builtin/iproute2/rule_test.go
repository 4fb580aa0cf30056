package iproute2_test

import (
	"testing"

	"github.com/nsemu/nsemu/emu/builtin/builtintest"
)

func TestIPRule(t *testing.T) {
	const defaults = "0:\tfrom all lookup local\n32766:\tfrom all lookup main\n32767:\tfrom all lookup default\n"
	builtintest.RunCases(t, []builtintest.Case{
		{Name: "defaults", Cmd: "ip rule", Out: defaults},
		{Name: "add", Cmd: "ip rule add from 10.2.2.0/24 table 100 && ip rule add to 10.9.9.9 lookup 100 priority 100 && ip ru",
			Out: "0:\tfrom all lookup local\n100:\tfrom all to 10.9.9.9 lookup 100\n32765:\tfrom 10.2.2.0/24 lookup 100\n32766:\tfrom all lookup main\n32767:\tfrom all lookup default\n"},
		{Name: "selectors and actions", Setup: builtintest.SetupPair,
			Cmd: "ip rule add iif veth0 oif nosuch fwmark 0x10/0xf0 lookup main prio 300 && ip rule add not to 10.0.0.0/8 blackhole pref 400 && " +
				"ip rule add from 1.2.3.4 goto 500 pref 450 && ip rule add nop pref 460 && ip rule add table 7 suppress_prefixlength 0 pref 470 && ip rule list pref 300 && ip rule show | sed -n 3,6p",
			Out: "300:\tfrom all fwmark 0x10/0xf0 iif veth0 oif nosuch [detached] lookup main\n" +
				"400:\tnot from all to 10.0.0.0/8 blackhole\n450:\tfrom 1.2.3.4 goto 500 [unresolved]\n460:\tfrom all nop\n470:\tfrom all lookup 7 suppress_prefixlength 0\n"},
		{Name: "list by table", Cmd: "ip rule add from 10.2.2.0/24 table 100 && ip rule list table 100", Out: "32765:\tfrom 10.2.2.0/24 lookup 100\n"},
		{Name: "del", Cmd: "ip rule add from 10.2.2.0/24 table 100 && ip rule del from 10.2.2.0/24 && ip rule", Out: defaults},
		{Name: "del missing", Cmd: "ip rule del from 10.2.2.0/24", Err: "RTNETLINK answers: No such file or directory", Status: 2},
		{Name: "del needs a selector", Cmd: "ip rule del", Err: `"ip rule del" requires arguments.`, Status: 1},
		{Name: "flush", Cmd: "ip rule add from 10.2.2.0/24 table 100 && ip rule flush && ip rule", Out: "0:\tfrom all lookup local\n"},
		{Name: "json", Cmd: "ip -j rule show pref 0 && ip rule add from 10.1.0.0/16 to 10.2.2.2 iif lo fwmark 5 table 9 pref 9 && ip -j -p rule list pref 9",
			Out: `[{"priority":0,"src":"all","table":"local"}]` + "\n[ {\n        \"priority\": 9,\n        \"src\": \"10.1.0.0\",\n        \"srclen\": 16,\n        \"dst\": \"10.2.2.2\",\n" +
				"        \"fwmark\": \"0x5\",\n        \"iif\": \"lo\",\n        \"table\": \"9\"\n    } ]\n"},
		{Name: "table by name", Cmd: "echo '100 isp2' >> /etc/iproute2/rt_tables && ip rule add from 10.2.2.0/24 lookup isp2 && ip rule list table isp2",
			Out: "32765:\tfrom 10.2.2.0/24 lookup isp2\n"},
		{Name: "backward goto", Cmd: "ip rule add goto 10 pref 20", Err: "Error: Backward goto not supported, yet.", Status: 2},
		{Name: "bad prefix", Cmd: "ip rule add from 10.2.2.300 table 100", Err: `Error: any valid prefix is expected rather than "10.2.2.300".`, Status: 1},
		{Name: "bad priority", Cmd: "ip rule add priority abc table 5", Err: `Error: argument "abc" is wrong: preference value is invalid`, Status: 255},
		{Name: "bad fwmark", Cmd: "ip rule add fwmark xyz table 5", Err: `Error: argument "xyz" is wrong: fwmark value is invalid`, Status: 255},
		{Name: "bad fwmask", Cmd: "ip rule add fwmark 1/x table 5", Err: `Error: argument "x" is wrong: fwmask value is invalid`, Status: 255},
		{Name: "bad type", Cmd: "ip rule add bogus table 5", Err: `Error: argument "bogus" is wrong: Failed to parse rule type`, Status: 255},
		{Name: "bad table", Cmd: "ip rule add from 1.2.3.4 lookup nosuch", Err: `Error: argument "nosuch" is wrong: invalid table ID`, Status: 255},
		{Name: "bad iif", Cmd: "ip rule add iif a/b table 5", Err: `Error: argument "a/b" is wrong: "iif"/"dev" not a valid ifname`, Status: 255},
		{Name: "bad suppress", Cmd: "ip rule add suppress_prefixlength -1 table 5", Err: `Error: argument "-1" is wrong: suppress_prefixlength value is invalid`, Status: 255},
		{Name: "bad goto", Cmd: "ip rule add goto x", Err: `Error: argument "x" is wrong: invalid target`, Status: 255},
		{Name: "not emulated", Cmd: "ip rule add uidrange 1-2 table 5", Err: `nsemu: the rule selector or action "uidrange" is not emulated`, Status: 2},
		{Name: "incomplete", Cmd: "ip rule add from", Err: `Command line is not complete. Try option "help"`, Status: 255},
		{Name: "unknown command", Cmd: "ip rule foo", Err: `Command "foo" is unknown, try "ip rule help".`, Status: 255},
		{Name: "help", Cmd: "ip rule help", Err: "TABLE_ID := [ local | main | default | NUMBER ]", Status: 255},
	})
}

// TestIPMonitor: ip monitor in the background prints each change as it
// happens, until the run ends.
func TestIPMonitor(t *testing.T) {
	builtintest.RunCases(t, []builtintest.Case{
		{Name: "addresses and routes", Setup: builtintest.SetupPair,
			Cmd: "ip monitor address route &\nsleep 0.1\nip addr add 10.0.0.7/24 dev veth0\nip route add 10.9.0.0/16 via 10.0.0.2\nip route del 10.9.0.0/16\nsleep 0.1\n",
			Out: "3: veth0    inet 10.0.0.7/24 scope global secondary veth0\n       valid_lft forever preferred_lft forever\n" +
				"local 10.0.0.7 dev veth0 table local proto kernel scope host src 10.0.0.1 \n" +
				"10.9.0.0/16 via 10.0.0.2 dev veth0 \nDeleted 10.9.0.0/16 via 10.0.0.2 dev veth0 \n"},
		{Name: "all, labelled", Setup: builtintest.SetupPair,
			Cmd: "ip monitor all &\nsleep 0.1\nip link set veth0 down\nip rule add from 10.0.0.0/24 table 7\nsleep 0.1\n",
			Out: "[LINK]3: veth0@if2: <BROADCAST,MULTICAST> mtu 1500 qdisc noqueue state DOWN group default \n    link/ether MAC brd ff:ff:ff:ff:ff:ff link-netns ns1\n" +
				"[ROUTE]Deleted 10.0.0.0/24 dev veth0 proto kernel scope link src 10.0.0.1 \n" +
				"[ROUTE]Deleted broadcast 10.0.0.255 dev veth0 table local proto kernel scope link src 10.0.0.1 \n" +
				"[RULE]32765:\tfrom 10.0.0.0/24 lookup 7\n"},
		{Name: "neighbours", Setup: builtintest.SetupPair,
			Cmd: "ip monitor neigh dev veth0 &\nsleep 0.1\nping -c 1 10.0.0.2 > /dev/null\nip neigh flush dev veth0\nsleep 0.1\n",
			Out: "10.0.0.2 dev veth0 lladdr MAC REACHABLE \nDeleted 10.0.0.2 dev veth0 lladdr MAC REACHABLE \n"},
		{Name: "unknown object", Cmd: "ip monitor foo", Err: `Argument "foo" is unknown, try "ip monitor help".`, Status: 255},
		{Name: "not emulated", Cmd: "ip monitor netconf", Err: `nsemu: "ip monitor netconf" is not emulated`, Status: 1},
		{Name: "no such device", Cmd: "ip monitor dev nosuch", Err: `Cannot find device "nosuch"`, Status: 1},
		{Name: "json", Cmd: "ip -j monitor", Err: `nsemu: "ip -json monitor" is not emulated`, Status: 1},
	})
}
