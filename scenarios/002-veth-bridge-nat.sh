#!/usr/bin/env nsemu
# Seed 002 — "simulating container networking with veth and a bridge".
#
# What it teaches:
#   1. three network namespaces (ns1..ns3), each a "container" with its own
#      devices, routes and ARP table;
#   2. a Linux bridge (vbridge) as a layer-2 switch, and veth pairs as cables:
#      one end inside each namespace, the other enslaved to the bridge;
#   3. namespace ⇄ namespace pings: ARP broadcasts flooded by the bridge, the
#      bridge learning MACs (bridge fdb / brctl showmacs); a ping to an
#      address nobody has: three ARP requests go unanswered and ping reports
#      "Destination Host Unreachable" from the sender's own address (which
#      the kernel delivers through lo: only with lo up);
#   4. the namespaces cannot reach the host until the bridge has an address
#      and each namespace a default route via it ("Network is unreachable");
#   5. reaching "the internet": ip_forward off drops; on, replies still do
#      not come back (the upstream has no route to 192.168.28.0/24); with
#      iptables MASQUERADE the source becomes the host's address and the
#      replies come back, one hop further (TTL 63).
#
# The tutorial pings 8.8.8.8 through the host's ens33. Here the "internet" is
# an emulated upstream router (namespace upstream) on ens33's LAN
# (192.168.17.0/24) that also owns the TEST-NET address 203.0.113.8.
#
# kernel: yes

# --- the emulated upstream: the host's ens33 and its LAN's router ---
ip netns add upstream
ip link add ens33 type veth peer name eth0 netns upstream
ip addr add 192.168.17.10/24 dev ens33
ip link set ens33 up
ip netns exec upstream ip addr add 192.168.17.2/24 dev eth0
ip netns exec upstream ip addr add 203.0.113.8/24 dev eth0
ip netns exec upstream ip link set eth0 up
ip netns exec upstream ip link set lo up
ip route add default via 192.168.17.2 dev ens33 metric 100

# --- step 1: three network namespaces ---
ip netns add ns1
ip netns add ns2
ip netns add ns3
ip netns ls
# A new namespace has no IPv4 routing table yet: route prints the header only
# and exits 1 (as net-tools does on Linux), hence the `!`.
! ip netns exec ns1 route -n
ip netns exec ns1 ip addr

# --- step 2: the virtual switch and the cables ---
ip link add vbridge type bridge
ip link set dev vbridge up
ip link add veth-1 type veth peer name veth-1-br
ip link add veth-2 type veth peer name veth-2-br
ip link add veth-3 type veth peer name veth-3-br
ip link set veth-1 netns ns1
ip link set veth-1-br master vbridge
ip link set veth-2 netns ns2
ip link set veth-2-br master vbridge
ip link set veth-3 netns ns3
ip link set veth-3-br master vbridge
bridge link
ip netns exec ns1 ip addr add 192.168.28.1/24 dev veth-1
ip netns exec ns2 ip addr add 192.168.28.2/24 dev veth-2
ip netns exec ns3 ip addr add 192.168.28.3/24 dev veth-3
ip netns exec ns1 ip link set veth-1 up
ip link set dev veth-1-br up
ip netns exec ns2 ip link set veth-2 up
ip link set dev veth-2-br up
ip netns exec ns3 ip link set veth-3 up
ip link set dev veth-3-br up
ip netns exec ns1 ping -c 2 192.168.28.2
ip netns exec ns1 ping -c 2 192.168.28.3
ip netns exec ns2 ping -c 2 192.168.28.3
ip netns exec ns3 ping -c 2 192.168.28.1
ip netns exec ns3 ping -c 2 192.168.28.2
bridge fdb show br vbridge
# Nobody has 192.168.28.9: ns1's neighbour entry becomes FAILED after three
# unanswered ARP requests, and both probes, which waited for it, are
# reported as unreachable (ping exits 1). The kernel reports it with an ICMP
# error to itself, through lo: without lo up, ping would just wait.
ip netns exec ns1 ip link set lo up
! ip netns exec ns1 ping -c 2 192.168.28.9

# --- step 3: the host ---
! ip netns exec ns1 ping -c 2 192.168.17.10
ip addr add 192.168.28.5/24 dev vbridge
route -n
ping -c 2 192.168.28.1
ping -c 2 192.168.28.2
ping -c 2 192.168.28.3
ip netns exec ns1 route -n
ip netns exec ns1 ip route add default via 192.168.28.5
ip netns exec ns2 ip route add default via 192.168.28.5
ip netns exec ns3 ip route add default via 192.168.28.5
ip netns exec ns1 ping -c 2 192.168.17.10

# --- step 4: the outside world ---
! ip netns exec ns1 ping -c 2 -W 1 203.0.113.8
sysctl net.ipv4.ip_forward
sysctl -w net.ipv4.ip_forward=1
! ip netns exec ns1 ping -c 2 -W 1 203.0.113.8
iptables -t nat -A POSTROUTING -s 192.168.28.0/24 -j MASQUERADE
ip netns exec ns1 ping -c 2 203.0.113.8
ip netns exec ns1 ping -c 1 203.0.113.8 | grep -q 'ttl=63'
iptables -t nat -L POSTROUTING -n -v
