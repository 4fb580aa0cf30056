#!/usr/bin/env nsemu
# Flannel's routed VXLAN overlay (its "vxlan" backend) built by hand, the
# way flanneld and the bridge CNI plugin build it on each Kubernetes node:
# the routed variant of seed 001's overlay, without Docker (031 has it with
# Docker), so the kernel comparison checks it.
#
# What it teaches:
#   1. each node has its own pod subnet (node1 10.244.1.0/24, node2
#      10.244.2.0/24) on a bridge cni0; pods are namespaces on it;
#   2. flannel.1 is a VXLAN device (VNI 1, UDP 8472, nolearning) holding
#      the /32 10.244.N.0; the other node's subnet is routed `via
#      10.244.M.0 dev flannel.1 onlink`;
#   3. nothing is learned: flanneld writes the neighbour (10.244.M.0 is the
#      peer's flannel.1 MAC) and the FDB entry (that MAC is behind the
#      peer's node address); remove the FDB entry and the route leads
#      nowhere;
#   4. a pod-to-pod packet is routed three times (node1, node2) and crosses
#      the LAN as UDP: its TTL drops by two, as ping shows (ttl=62).
#
# kernel: yes

ip netns add lan
ip netns add node1
ip netns add node2
ip netns exec lan ip link add br-lan type bridge
ip netns exec lan ip link set br-lan up
for n in 1 2; do
	ip netns exec lan ip link add lan-node$n type veth peer name eth0 netns node$n
	ip netns exec lan ip link set lan-node$n master br-lan
	ip netns exec lan ip link set lan-node$n up
	ip netns exec node$n ip addr add 192.168.56.1$n/24 dev eth0
	ip netns exec node$n ip link set eth0 up
	ip netns exec node$n ip link set lo up
	ip netns exec node$n sysctl -qw net.ipv4.ip_forward=1
	# The bridge CNI plugin: cni0 and one pod.
	ip netns exec node$n ip link add cni0 type bridge
	ip netns exec node$n ip addr add 10.244.$n.1/24 dev cni0
	ip netns exec node$n ip link set cni0 up
	ip netns add pod$n
	ip netns exec node$n ip link add veth-pod$n type veth peer name eth0 netns pod$n
	ip netns exec node$n ip link set veth-pod$n master cni0
	ip netns exec node$n ip link set veth-pod$n up
	ip netns exec pod$n ip link set eth0 mtu 1450
	ip netns exec pod$n ip addr add 10.244.$n.2/24 dev eth0
	ip netns exec pod$n ip link set eth0 up
	ip netns exec pod$n ip link set lo up
	ip netns exec pod$n ip route add default via 10.244.$n.1
done

# flanneld on each node.
ip netns exec node1 ip link add flannel.1 address 0e:00:00:00:01:01 type vxlan id 1 local 192.168.56.11 dev eth0 dstport 8472 nolearning
ip netns exec node2 ip link add flannel.1 address 0e:00:00:00:02:01 type vxlan id 1 local 192.168.56.12 dev eth0 dstport 8472 nolearning
ip netns exec node1 ip addr add 10.244.1.0/32 dev flannel.1
ip netns exec node2 ip addr add 10.244.2.0/32 dev flannel.1
ip netns exec node1 ip link set flannel.1 up
ip netns exec node2 ip link set flannel.1 up
ip netns exec node1 ip route add 10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink
ip netns exec node2 ip route add 10.244.1.0/24 via 10.244.1.0 dev flannel.1 onlink
ip netns exec node1 ip neigh add 10.244.2.0 lladdr 0e:00:00:00:02:01 dev flannel.1 nud permanent
ip netns exec node2 ip neigh add 10.244.1.0 lladdr 0e:00:00:00:01:01 dev flannel.1 nud permanent
ip netns exec node1 bridge fdb append 0e:00:00:00:02:01 dev flannel.1 dst 192.168.56.12
ip netns exec node2 bridge fdb append 0e:00:00:00:01:01 dev flannel.1 dst 192.168.56.11

ip netns exec node1 ip route show 10.244.2.0/24
ip netns exec node1 bridge fdb show dev flannel.1

# Pod to pod, across the nodes; the nodes reach the other node's pods too.
ip netns exec pod1 ping -c 2 10.244.2.2
ip netns exec pod1 ping -c 1 10.244.2.2 | grep -q 'ttl=62'
ip netns exec pod2 ping -c 1 10.244.1.2
ip netns exec node1 ping -c 1 10.244.2.2
# The overlay's DF limit.
ip netns exec pod1 ping -c 1 -M do -s 1422 10.244.2.2
! ip netns exec pod1 ping -c 1 -M do -s 1423 10.244.2.2
# Without the FDB entry flannel.1 has nowhere to send the frame.
ip netns exec node1 bridge fdb del 0e:00:00:00:02:01 dev flannel.1
! ip netns exec pod1 ping -c 1 -W 1 10.244.2.2
ip netns exec node1 bridge fdb append 0e:00:00:00:02:01 dev flannel.1 dst 192.168.56.12
ip netns exec pod1 ping -c 1 10.244.2.2
