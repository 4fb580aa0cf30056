#!/usr/bin/env nsemu
# Two namespaces joined by one veth pair — the smallest "container network".
#
# What it teaches: a veth pair is a cable with two ends; moving an end into a
# namespace takes it down and strips its addresses; both ends must be up for
# frames to flow (a down peer shows LOWERLAYERDOWN); `eth0@ifN` names the
# peer's ifindex; the first ping triggers ARP, and the neighbour table then
# holds the peer's MAC.
#
# kernel: yes

ip netns add red
ip netns add blue
ip link add veth-red type veth peer name veth-blue
ip link set veth-red netns red
ip link set veth-blue netns blue
ip netns exec red ip addr add 10.10.0.1/24 dev veth-red
ip netns exec blue ip addr add 10.10.0.2/24 dev veth-blue
ip netns exec red ip link set veth-red up
ip netns exec red ip link show veth-red | grep -q LOWERLAYERDOWN
! ip netns exec red ping -c 1 -W 1 10.10.0.2
ip netns exec blue ip link set veth-blue up
ip netns exec red ping -c 3 10.10.0.2
ip netns exec red ip neigh show dev veth-red | grep -q '10.10.0.2'
ip netns exec red ip -o link show veth-red | grep -q 'veth-red@if'
! ip netns exec red ping -c 1 -W 1 10.10.0.3
ip netns del blue
# The kernel tears a namespace down in the background: give it a moment
# before looking for the peer (nsemu's sleep costs no wall time).
sleep 1
! ip netns exec red ip link show veth-red
