#!/usr/bin/env nsemu
# "How to Route Traffic Between Network Namespaces" — OneUptime blog, Nawaz
# Dhandala, 2026-03-20,
# https://oneuptime.com/blog/post/2026-03-20-route-traffic-between-namespaces/view
#
# What it teaches: namespaces on different subnets need a router: a
# "router" namespace with a veth pair to each of them, an address on each
# subnet, and IP forwarding on; each namespace then routes the other's
# subnet through the router's address on its own.
#
# Steps 1 to 4 are replayed as the article gives them; the routes and the
# pings after them (its step 5 on) are this replay's, with checks of what
# the router decides (ip route get ... iif) and of ip monitor.
#
# kernel: yes

# Step 1: Create the Namespaces
ip netns add ns1
ip netns add ns2
ip netns add router

# Step 2: Create and Connect veth Pairs
ip link add veth0 type veth peer name veth-r1
ip link set veth0 netns ns1
ip link set veth-r1 netns router
ip link add veth1 type veth peer name veth-r2
ip link set veth1 netns ns2
ip link set veth-r2 netns router

# Step 3: Assign IP Addresses
ip netns exec ns1 ip link set lo up
ip netns exec ns1 ip addr add 10.0.1.2/24 dev veth0
ip netns exec ns1 ip link set veth0 up
ip netns exec ns2 ip link set lo up
ip netns exec ns2 ip addr add 10.0.2.2/24 dev veth1
ip netns exec ns2 ip link set veth1 up
ip netns exec router ip link set lo up
ip netns exec router ip addr add 10.0.1.1/24 dev veth-r1
ip netns exec router ip link set veth-r1 up
ip netns exec router ip addr add 10.0.2.1/24 dev veth-r2
ip netns exec router ip link set veth-r2 up

# Step 4: Enable IP Forwarding in the Router Namespace
ip netns exec router sysctl -w net.ipv4.ip_forward=1

# --- routes and checks ---
! ip netns exec ns1 ping -c 1 -W 1 10.0.2.2
ip netns exec ns1 ip monitor route &
sleep 0.2
ip netns exec ns1 ip route add 10.0.2.0/24 via 10.0.1.1
ip netns exec ns2 ip route add 10.0.1.0/24 via 10.0.2.1
kill $!
ip netns exec ns1 ping -c 2 10.0.2.2
ip netns exec ns2 ping -c 2 10.0.1.2
ip netns exec ns1 ip route get 10.0.2.2 | grep -q 'via 10.0.1.1 dev veth0'
ip netns exec router ip route get 10.0.2.2 from 10.0.1.2 iif veth-r1 | grep -q 'cache iif veth-r1'
# The router answers for both its addresses on either side.
ip netns exec ns1 ping -c 1 10.0.2.1
# Forwarding off: the router is a host again.
ip netns exec router sysctl -w net.ipv4.ip_forward=0
! ip netns exec ns1 ping -c 1 -W 1 10.0.2.2
! ip netns exec router ip route get 10.0.2.2 from 10.0.1.2 iif veth-r1
# A default route through ns1's own address makes every destination
# on-link: ns1 asks by ARP for 10.0.2.2 itself. The router answers for it
# once proxy ARP is on (and it forwards).
ip netns exec router sysctl -w net.ipv4.ip_forward=1
ip netns exec ns1 ip route del 10.0.2.0/24
ip netns exec ns1 ip route add default via 10.0.1.2
ip netns exec ns1 ip route
ip netns exec ns1 ip route get 10.0.2.2
! ip netns exec ns1 ping -c 1 -W 1 10.0.2.2
ip netns exec router sysctl -w net.ipv4.conf.veth-r1.proxy_arp=1
ip netns exec ns1 ping -c 2 10.0.2.2
ip netns exec ns1 ip neigh show 10.0.2.2 | grep -q REACHABLE
