#!/usr/bin/env nsemu
# "Linux route and rule" — tiebing's blog, August 31, 2016,
# http://tiebing.blogspot.com/2016/08/
#
# What it teaches: Linux has three routing tables (local, main, default),
# tried in the order of the policy rules (`ip rule list`): local first, then
# main, then default; a table of one's own is named in
# /etc/iproute2/rt_tables ("100 mytable") and filled with `ip route ...
# table mytable`; rules pick it by source (from), destination (to), input
# or output device (iif, oif) or mark (fwmark).
#
# The post's machine has eth0 (default gateway 192.168.140.2) and eth1 (on
# 10.0.0.0/24, gateway 10.0.0.1) and names eth2: here they are veths to
# namespaces. Both gateways own the "internet" address 203.0.113.9
# (TEST-NET-3) on their lo. The post's commands are marked "# post"; its
# placeholder "fwmark MARK" is replayed as written (iproute2 refuses it).
# A newer kernel than the post's says the default table does not exist
# until a route is added to it.
#
# kernel: yes

# --- setup: the post's eth0, eth1 and eth2, the two gateways, a LAN ---
ip netns add gw0
ip netns add gw1
ip netns add lan
ip link add eth0 type veth peer name eth0 netns gw0
ip link add eth1 type veth peer name eth0 netns gw1
ip link add eth2 type veth peer name eth0 netns lan
ip addr add 192.168.140.10/24 dev eth0
ip addr add 10.0.0.5/24 dev eth1
ip addr add 172.16.0.1/24 dev eth2
for d in eth0 eth1 eth2; do ip link set $d up; done
ip route add default via 192.168.140.2
sysctl -qw net.ipv4.ip_forward=1
ip -n gw0 addr add 192.168.140.2/24 dev eth0
ip -n gw1 addr add 10.0.0.1/24 dev eth0
ip -n lan addr add 172.16.0.2/24 dev eth0
for ns in gw0 gw1 lan; do ip -n $ns link set eth0 up; ip -n $ns link set lo up; done
ip -n gw0 addr add 203.0.113.9/32 dev lo
ip -n gw1 addr add 203.0.113.9/32 dev lo
# Only gw1 knows the way back to the LAN.
ip -n gw1 route add 172.16.0.0/24 via 10.0.0.5
ip -n gw0 route add 10.0.0.0/24 via 192.168.140.10
ip -n lan route add default via 172.16.0.1

# --- the three tables and their rules --- (post)
ip rule list
! ip route show table default
ip route show table main

# --- a table of one's own --- (post)
echo "100 mytable" >> /etc/iproute2/rt_tables
ip rule add from 10.0.0.0/24 table mytable
ip rule add to 10.0.0.0/24
ip rule add iif eth0
ip rule add oif eth2
! ip rule add fwmark MARK
! ip rule help
ip route add default via 10.0.0.1 dev eth1 table mytable

# --- checks ---
ip rule list
ip rule list | grep -q 'from 10.0.0.0/24 lookup mytable'
ip route show table mytable
ip route get 203.0.113.9 | grep -q 'via 192.168.140.2 dev eth0'
ip route get 203.0.113.9 from 10.0.0.5 | grep -q 'via 10.0.0.1 dev eth1 table mytable'
ping -c 1 203.0.113.9
# The LAN's traffic follows main (through gw0, which has no way back to
# it) until a rule sends it by mytable.
! ip netns exec lan ping -c 1 -W 1 203.0.113.9
ip rule add from 172.16.0.0/24 table mytable
ip netns exec lan ping -c 2 203.0.113.9
ip route get 203.0.113.9 from 172.16.0.2 iif eth2
ip rule del from 172.16.0.0/24 table mytable
! ip netns exec lan ping -c 1 -W 1 203.0.113.9
