#!/usr/bin/env nsemu
# "How to Configure Asymmetric Routing and Reverse Path Filtering" —
# OneUptime blog, Nawaz Dhandala, 2026-03-20,
# https://oneuptime.com/blog/post/2026-03-20-asymmetric-routing-reverse-path-filtering/view
#
# What it teaches: a multi-homed server (eth0 on ISP A, eth1 on ISP B, one
# default route, through ISP A) answers a client that reached it through
# ISP B by the other ISP: the route back does not leave by the device the
# request came in by. Strict reverse-path filtering (rp_filter 1, RHEL's
# default) then drops the request; loose (2) only wants a route back at
# all; a routing table per ISP and a rule per source address make the
# replies leave by the device they belong to, and strict filtering passes
# again. The "all" key counts with the device's: the larger applies.
#
# The article's commands run on the server; here the server is the host
# namespace, its ISPs and the client are namespaces. The client is "on the
# internet": its address 198.51.100.10 (TEST-NET-2) sits on its lo, and
# both ISPs route to it. The setup and the pings are this replay's; the
# article's own commands are marked "# article".
#
# kernel: yes

# --- setup: the server's two uplinks, the ISPs, the client ---
ip netns add ispa
ip netns add ispb
ip netns add client
ip link add eth0 type veth peer name wan netns ispa
ip link add eth1 type veth peer name wan netns ispb
ip addr add 10.0.0.5/24 dev eth0
ip addr add 10.0.1.5/24 dev eth1
ip link set eth0 up
ip link set eth1 up
ip route add default via 10.0.0.1
ip link add ca netns client type veth peer name lan netns ispa
ip link add cb netns client type veth peer name lan netns ispb
for isp in ispa ispb; do
	ip -n $isp link set wan up
	ip -n $isp link set lan up
	ip netns exec $isp sysctl -qw net.ipv4.ip_forward=1
done
ip -n ispa addr add 10.0.0.1/24 dev wan
ip -n ispb addr add 10.0.1.1/24 dev wan
ip -n ispa addr add 192.0.2.1/30 dev lan
ip -n ispb addr add 192.0.2.5/30 dev lan
ip -n client addr add 192.0.2.2/30 dev ca
ip -n client addr add 192.0.2.6/30 dev cb
ip -n client addr add 198.51.100.10/32 dev lo
ip -n client link set lo up
ip -n client link set ca up
ip -n client link set cb up
ip -n ispa route add 198.51.100.10/32 via 192.0.2.2
ip -n ispb route add 198.51.100.10/32 via 192.0.2.6
# The client's traffic to the server goes through ISP B, from its lo
# address.
ip -n client route add 10.0.0.0/23 via 192.0.2.5 src 198.51.100.10
# Every key starts at 0, whatever the machine this runs on inherits.
sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
sysctl -qw net.ipv4.conf.eth0.rp_filter=0 net.ipv4.conf.eth1.rp_filter=0

# Without filtering, the asymmetric path works: in by eth1, out by eth0.
ip netns exec client ping -c 1 10.0.1.5
# RHEL's default: strict filtering drops the request.
sysctl -w net.ipv4.conf.all.rp_filter=1
! ip netns exec client ping -c 1 -W 1 10.0.1.5

# --- Check Current rp_filter Settings --- (article)
sysctl -a | grep rp_filter
sysctl net.ipv4.conf.eth0.rp_filter
sysctl net.ipv4.conf.all.rp_filter

# --- Disable rp_filter for Asymmetric Routing --- (article)
sysctl -w net.ipv4.conf.eth0.rp_filter=2
sysctl -w net.ipv4.conf.eth1.rp_filter=2
# all=1 and eth1=2: the larger, loose, applies.
ip netns exec client ping -c 1 10.0.1.5
sysctl -w net.ipv4.conf.eth0.rp_filter=0
sysctl -w net.ipv4.conf.all.rp_filter=2
ip netns exec client ping -c 1 10.0.1.5

# --- Asymmetric Routing Example --- (article)
ip route add default via 10.0.0.1 table 100
ip route add default via 10.0.1.1 table 200
ip rule add from 10.0.0.5 table 100
ip rule add from 10.0.1.5 table 200
sysctl -w net.ipv4.conf.eth0.rp_filter=2
sysctl -w net.ipv4.conf.eth1.rp_filter=2

# --- Diagnose rp_filter Drops --- (article)
ip -s route show table local | grep -A2 broadcast

# Replies from 10.0.1.5 now leave by eth1: strict filtering passes.
ip rule
ip route get 198.51.100.10 from 10.0.1.5
ip route get 198.51.100.10 from 10.0.1.5 | grep -q 'dev eth1'
sysctl -w net.ipv4.conf.all.rp_filter=1 net.ipv4.conf.eth1.rp_filter=1
ip netns exec client ping -c 2 10.0.1.5
# Without the rule, the route back leaves by eth0 again: filtered.
ip rule del from 10.0.1.5 table 200
! ip netns exec client ping -c 1 -W 1 10.0.1.5
