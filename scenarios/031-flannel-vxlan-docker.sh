#!/usr/bin/env nsemu
# Seed 001's overlay, the way Kubernetes' flannel builds it (its "vxlan"
# backend): routed, not bridged. Two Docker hosts on one LAN, each given a
# /24 of the cluster's 10.244.0.0/16 for its containers; a VXLAN device
# flannel.1 on each carries what one host routes to the other's /24.
#
# What it teaches:
#   1. each host's Docker network is its own subnet (node1 10.244.1.0/24,
#      node2 10.244.2.0/24): no L2 segment spans the hosts, the hosts route;
#   2. flannel.1 (VNI 1, UDP port 8472, nolearning) holds one /32 of its
#      host's subnet (10.244.1.0); the route to the other host's subnet goes
#      `via 10.244.2.0 dev flannel.1 onlink`, and flannel writes the two
#      facts that make it work instead of letting ARP and learning find
#      them: a permanent neighbour (10.244.2.0 is node2's flannel.1 MAC) and
#      an FDB entry (that MAC is behind node2's address 192.168.56.12);
#   3. the hops of a ping from container a1 (node1) to b1 (node2): a1's
#      eth0, node1's bridge, node1 routes into flannel.1, which wraps the
#      frame in UDP to 192.168.56.12:8472, the LAN, node2's eth0, node2's
#      flannel.1 unwraps it, node2 routes it to its bridge and b1;
#   4. what flannel adds to Docker's iptables rules: containers' traffic
#      between the hosts' subnets is neither masqueraded nor refused by
#      Docker's FORWARD policy (DROP);
#   5. the MTU: flannel.1 is 1450 (eth0's 1500 minus VXLAN's 50), and so
#      must the containers' eth0 be (flannel gives Docker --mtu 1450).
#
# Docker is not run by the kernel comparison (no Docker engine there); the
# same routed overlay by hand is checked against the kernel in 032.

# --- the underlay LAN: node1 192.168.56.11, node2 192.168.56.12 ---
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

# --- Docker on each host, on the host's share of 10.244.0.0/16 ---
ip netns exec node1 docker network create --subnet 10.244.1.0/24 --gateway 10.244.1.1 -o com.docker.network.driver.mtu=1450 flannel >/dev/null
ip netns exec node2 docker network create --subnet 10.244.2.0/24 --gateway 10.244.2.1 -o com.docker.network.driver.mtu=1450 flannel >/dev/null
ip netns exec node1 docker run -d --name a1 --network flannel busybox sleep 3600 >/dev/null
ip netns exec node2 docker run -d --name b1 --network flannel busybox sleep 3600 >/dev/null
ip netns exec node2 docker run -d --name web --network flannel nginx >/dev/null
ip netns exec node1 docker exec a1 ip link set eth0 mtu 1450
ip netns exec node2 docker exec b1 ip link set eth0 mtu 1450
ip netns exec node2 docker exec web ip link set eth0 mtu 1450

# --- flanneld's work on each host: flannel.1, the route, neighbour, FDB ---
flannel() { # HOST NODE-IP OWN-SUBNET-N OWN-MAC PEER-N PEER-MAC PEER-IP
	ip netns exec $1 ip link add flannel.1 address $4 type vxlan id 1 local $2 dev eth0 dstport 8472 nolearning
	ip netns exec $1 ip addr add 10.244.$3.0/32 dev flannel.1
	ip netns exec $1 ip link set flannel.1 up
	ip netns exec $1 ip route add 10.244.$5.0/24 via 10.244.$5.0 dev flannel.1 onlink
	ip netns exec $1 ip neigh add 10.244.$5.0 lladdr $6 dev flannel.1 nud permanent
	ip netns exec $1 bridge fdb append $6 dev flannel.1 dst $7
	# Pod traffic inside the cluster is neither masqueraded nor dropped.
	ip netns exec $1 iptables -t nat -I POSTROUTING -s 10.244.0.0/16 -d 10.244.0.0/16 -j RETURN
	ip netns exec $1 iptables -I FORWARD -s 10.244.0.0/16 -j ACCEPT
	ip netns exec $1 iptables -I FORWARD -d 10.244.0.0/16 -j ACCEPT
}
flannel node1 192.168.56.11 1 0e:00:00:00:01:01 2 0e:00:00:00:02:01 192.168.56.12
flannel node2 192.168.56.12 2 0e:00:00:00:02:01 1 0e:00:00:00:01:01 192.168.56.11

ip netns exec node1 ip -d link show flannel.1
ip netns exec node1 ip route
ip netns exec node1 ip neigh show dev flannel.1
ip netns exec node1 bridge fdb show dev flannel.1

# --- container to container, host to host ---
ip netns exec node1 docker exec a1 ping -c 2 10.244.2.2
ip netns exec node2 docker exec b1 ping -c 2 10.244.1.2
ip netns exec node1 docker exec a1 wget -qO- http://10.244.2.3/ | grep title
# node2's nginx saw the container's own address: no NAT inside the cluster.
ip netns exec node2 docker logs web | tail -n 1 | grep -q '^10.244.1.2 '
# The DF limit of the overlay: 1422 bytes fit flannel.1's 1450, 1423 not.
ip netns exec node1 ping -c 1 -M do -s 1422 10.244.2.2
! ip netns exec node1 ping -c 1 -M do -s 1423 10.244.2.2
