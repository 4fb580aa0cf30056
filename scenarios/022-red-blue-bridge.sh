#!/usr/bin/env nsemu
# "Hands-On Linux Networking: Simulate Docker & Kubernetes Networks Using
# Namespaces" — Basanta Niraula,
# https://basantaniraula.com.np/blog/hands-on-linux-networking-simulate-docker--kubernetes-networks-using-namespaces
#
# What it teaches: the pieces of a container network, by hand: two
# namespaces ("containers" red and blue), a veth pair per namespace (one end
# inside, one on the host), a host bridge br0 that the host ends join as
# ports, addresses on one subnet inside the namespaces; red and blue then
# talk through the bridge, which learns where each MAC is.
#
# Steps 1 to 6 are replayed as the article gives them; the checks after
# them are this replay's.
#
# kernel: yes

# 1. Create the Namespaces
ip netns add red
ip netns add blue

# 2. Create Virtual Ethernet Pairs (veth)
ip link add veth-red type veth peer name veth-red-br
ip link add veth-blue type veth peer name veth-blue-br

# 3. Move the veth Ends into Namespaces
ip link set veth-red netns red
ip link set veth-blue netns blue

# 4. Create and Bring Up the Bridge
ip link add br0 type bridge
ip link set br0 up

# 5. Attach Host Ends of veth to br0
ip link set veth-red-br master br0
ip link set veth-blue-br master br0
ip link set veth-red-br up
ip link set veth-blue-br up

# 6. Assign IP Addresses Inside Namespaces
ip netns exec red ip addr add 192.168.15.2/24 dev veth-red
ip netns exec red ip link set veth-red up
ip netns exec red ip link set lo up
ip netns exec blue ip addr add 192.168.15.1/24 dev veth-blue
ip netns exec blue ip link set veth-blue up
ip netns exec blue ip link set lo up

# --- checks ---
ls /var/run/netns
ip netns exec red ping -c 2 192.168.15.1
ip netns exec blue ping -c 2 192.168.15.2
ip netns exec red ping -c 1 192.168.15.2
bridge link show
bridge fdb show br br0 | grep -v permanent
bridge -j fdb show br br0 | grep -q veth-red-br
ip -d link show veth-red-br | grep -q 'bridge_slave state forwarding'
ip -j -p addr show dev br0
# The host has no address on 192.168.15.0/24: unreachable from it until
# the bridge gets one.
! ping -c 1 -W 1 192.168.15.1
ip addr add 192.168.15.5/24 dev br0
ping -c 1 192.168.15.1
