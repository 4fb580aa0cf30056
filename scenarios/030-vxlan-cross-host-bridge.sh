#!/usr/bin/env nsemu
# Seed 001's last question — how do containers on two hosts talk? — and its
# answer: an overlay network, a "cluster-wide bridge" built in software on
# top of the hosts' own network. Here, frame for frame, with VXLAN.
#
# What it teaches:
#   1. two hosts (namespaces node1 and node2) on an underlay LAN
#      (192.168.56.0/24, a switch in namespace lan), each with a bridge br0
#      and containers on it (c1 and c3 on node1, c2 on node2), all in one
#      subnet, 10.0.0.0/24;
#   2. a VXLAN device on each host (VNI 100, UDP port 4789, on eth0) is a
#      port of its host's br0: what br0 sends through it leaves as a UDP
#      datagram from one host to the other (outer Ethernet/IP/UDP, the
#      8-byte VXLAN header, then the container's own frame), and the other
#      host's VXLAN device hands the inner frame to its br0. The two bridges
#      make one L2 segment: c1 ARPs for c2 and gets its answer across the
#      LAN;
#   3. where frames go: the VXLAN FDB. node1 knows its peer from `remote`
#      (the all-zeros entry: broadcast, multicast and unknown unicast go
#      there); node2 gets the same entry from `bridge fdb append`, the way
#      a third and fourth host would be added. Each learns the containers'
#      MACs behind the other host's address (bridge fdb show dev vxlan0);
#   4. the price: 50 bytes of headers per frame, so the VXLAN device's MTU
#      is eth0's 1500 minus 50, and the containers' eth0 is set to 1450 too.
#      A 1422-byte ping with DF set (-M do) fits 1450 exactly; 1423 does not,
#      and ping says so before sending anything.
#
# To watch the encapsulation: nsemu run --pcap overlay.pcapng SCRIPT, then
# open the file in Wireshark (or tshark -r overlay.pcapng -Y vxlan): the
# tap point node1/eth0 shows UDP 4789 carrying VXLAN, and inside it the
# ICMP between 10.0.0.1 and 10.0.0.2.
#
# kernel: yes

# --- the underlay: a LAN switch and two hosts ---
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
done
ip netns exec node1 ping -c 1 192.168.56.12

# --- on each host: br0, and a VXLAN device as its port ---
ip netns exec node1 ip link add vxlan0 type vxlan id 100 dstport 4789 dev eth0 remote 192.168.56.12
ip netns exec node2 ip link add vxlan0 type vxlan id 100 dstport 4789 dev eth0
ip netns exec node2 bridge fdb append 00:00:00:00:00:00 dev vxlan0 dst 192.168.56.11
for n in 1 2; do
	ip netns exec node$n ip link add br0 type bridge
	ip netns exec node$n ip link set vxlan0 master br0
	ip netns exec node$n ip link set vxlan0 up
	ip netns exec node$n ip link set br0 up
done
ip netns exec node1 ip -d link show vxlan0
ip netns exec node2 bridge fdb show dev vxlan0

# --- containers: c1 and c3 on node1, c2 on node2, one subnet ---
container() { # NAME HOST ADDRESS MAC
	ip netns add $1
	ip netns exec $2 ip link add veth-$1 type veth peer name eth0 netns $1
	ip netns exec $2 ip link set veth-$1 master br0
	ip netns exec $2 ip link set veth-$1 up
	ip netns exec $1 ip link set eth0 address $4
	ip netns exec $1 ip link set eth0 mtu 1450
	ip netns exec $1 ip addr add $3/24 dev eth0
	ip netns exec $1 ip link set eth0 up
	ip netns exec $1 ip link set lo up
}
container c1 node1 10.0.0.1 02:00:0a:00:00:01
container c2 node2 10.0.0.2 02:00:0a:00:00:02
container c3 node1 10.0.0.3 02:00:0a:00:00:03

# --- across the overlay ---
ip netns exec c1 ping -c 2 10.0.0.2
ip netns exec c2 ping -c 2 10.0.0.3
ip netns exec c1 ping -c 1 10.0.0.3
# Each host learned the other's containers behind the other's address.
ip netns exec node1 bridge fdb show dev vxlan0
ip netns exec node1 bridge fdb show dev vxlan0 | grep -q '02:00:0a:00:00:02 dst 192.168.56.12 self'
ip netns exec node2 bridge fdb show dev vxlan0 | grep -q '02:00:0a:00:00:01 dst 192.168.56.11 self'
ip netns exec node2 bridge fdb show dev vxlan0 | grep -q '02:00:0a:00:00:03 dst 192.168.56.11 self'
# br0 learned c2's MAC on its vxlan0 port.
ip netns exec node1 bridge fdb show br br0 | grep -q '02:00:0a:00:00:02 dev vxlan0 master br0'

# --- the MTU: 1450 = 1500 - 50 ---
ip netns exec node1 ip link show vxlan0 | grep -q 'mtu 1450'
ip netns exec c1 ping -c 1 -M do -s 1422 10.0.0.2
! ip netns exec c1 ping -c 1 -M do -s 1423 10.0.0.2

# --- without the overlay, the two bridges are two LANs again ---
ip netns exec node1 ip link set vxlan0 down
! ip netns exec c1 ping -c 1 -W 1 10.0.0.2
ip netns exec c1 ping -c 1 10.0.0.3
ip netns exec node1 ip link set vxlan0 up
ip netns exec c1 ping -c 1 10.0.0.2
