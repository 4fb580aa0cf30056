#!/usr/bin/env nsemu
# "Connecting Network Namespaces with veth" — etherarp.net,
# https://etherarp.net/connecting-network-namespaces-with-veth/index.html
#
# What it teaches: a namespace gets a device moved into it (a physical NIC
# or one end of a veth pair) and is configured from inside with `ip netns
# exec`; a veth pair is a virtual crossover cable; a bridge on the host with
# an address joins the host to the namespaces whose veth ends are its
# ports.
#
# The article's commands are replayed as published, typos included (the
# article names a physical NIC, enp3s1f0, this machine does not have, and
# mixes veth0_* and veth1_* names): each failing step fails as on Linux, in
# iproute2's words and statuses (marked !). Its `ip netns exec foo nc -lkp
# 8080 <<< OK`, a server that never returns, is left out. The checks at the
# end, this replay's, wire foo as the article meant to.
#
# kernel: yes

# Create Network namespace
ip netns add foo
ip netns add bar

# Attach an interface to the network namespace
! ip link set dev enp3s1f0 netns foo

# Configure newly attached interface
! ip netns exec foo ip l set dev enp3s1f0 up;
! ip netns exec foo ip a add 192.168.1.3/24 dev enp3s1f0;
! ip netns exec foo ip r add default via 192.168.1.1;

# Defining a veth pair
ip link add veth1_left type veth peer veth1_right;

# Create a bridge interface on the system
ip link add bridge0 type bridge;
ip link set bridge0 up;
ip addr add 10.13.37.1/24 dev bridge0;

# Attach the left veth interface to the bridge
! ip link set veth0_left master bridge0 up ;

# Bring up the right interface inside the namespace
! ip netns exec foo ip link set veth0_right name eth0;
! ip netns exec foo ip link set dev eth0 up;
! ip netns exec foo ip addr add 10.13.37.2/24 dev eth0;

# Connecting between namespaces: create a veth pair
! ip link add veth1_left type veth peer veth1_right
# Attach the left veth to the foo namespace
ip link set veth1_left netns foo

# --- checks: foo on the bridge, as the article meant ---
ip link set veth1_right master bridge0 up
ip netns exec foo ip link set veth1_left name eth0
ip netns exec foo ip link set dev eth0 up
ip netns exec foo ip addr add 10.13.37.2/24 dev eth0
ping -c 2 10.13.37.2
ip netns exec foo ping -c 1 10.13.37.1
ip -br link show master bridge0
ip netns exec foo ip -br addr show dev eth0
! ip netns exec bar ping -c 1 -W 1 10.13.37.1
