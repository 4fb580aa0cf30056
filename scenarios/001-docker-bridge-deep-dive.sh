#!/usr/bin/env nsemu
# Seed 001 — "container networking" in depth: host mode, docker0, the veth
# pairs, and the way out to another machine.
#
# What it teaches:
#   1. --net=host: the container has no namespace of its own; its nginx
#      listens on the host's port 80 (and port conflicts become possible);
#   2. a bridge-mode container's eth0 (172.17.0.2/16, MAC 02:42:ac:11:00:02,
#      default route via 172.17.0.1) is one end of a veth pair whose other
#      end, vethXXXXXXX, is a port of docker0 (ifconfig, brctl show);
#   3. containers on docker0 reach each other directly (ARP, then ICMP),
#      and the host reaches them through docker0's address (172.17.0.1);
#   4. a container reaching another machine of the host's LAN goes through
#      docker0, the host's routing table (ip_forward, which Docker turned
#      on) and Docker's MASQUERADE rule: the other machine sees the host's
#      address, never 172.17.0.2; nothing comes back into the container
#      unless it is a reply (FORWARD's policy is DROP, and only
#      RELATED,ESTABLISHED packets are let in towards docker0);
#   5. a second Docker host (node2, its own engine) gives its first
#      container the very same 172.17.0.2: two docker0 bridges know nothing
#      of each other, which is why cross-host container traffic needs an
#      overlay network.
#
# The tutorial's host LAN is 10.168.0.0/24; here it is the documentation
# network 192.0.2.0/24: the host's eth0 is 192.0.2.10, the other machine
# (namespace lan-host) 192.0.2.3, and node2 192.0.2.20, all on a switch
# (namespace lan, bridge br-lan).

# --- the host's LAN: a switch, another machine, and node2 ---
ip netns add lan
ip netns add lan-host
ip netns add node2
ip netns exec lan ip link add br-lan type bridge
ip netns exec lan ip link set br-lan up
ip link add eth0 type veth peer name port-host netns lan
ip netns exec lan ip link add port-m2 type veth peer name eth0 netns lan-host
ip netns exec lan ip link add port-n2 type veth peer name eth0 netns node2
for p in port-host port-m2 port-n2; do
  ip netns exec lan ip link set $p master br-lan
  ip netns exec lan ip link set $p up
done
ip addr add 192.0.2.10/24 dev eth0
ip link set eth0 up
ip netns exec lan-host ip addr add 192.0.2.3/24 dev eth0
ip netns exec lan-host ip link set eth0 up
ip netns exec lan-host ip link set lo up
ip netns exec node2 ip addr add 192.0.2.20/24 dev eth0
ip netns exec node2 ip link set eth0 up
ping -c 1 192.0.2.3

# --- step 1: host networking ---
docker run -d --net=host --name nginx-host nginx
curl -s http://127.0.0.1/ | grep -q 'Welcome to nginx!'
ip netns exec lan-host curl -s http://192.0.2.10/ | grep -q 'Welcome to nginx!'
docker rm -f nginx-host

# --- step 2: nginx-1, its eth0 and its routes ---
docker run --name nginx-1 -d nginx:latest
docker exec -it nginx-1 /bin/bash -c 'ifconfig; route'
docker exec nginx-1 route -n | grep -q '^172.17.0.0 *0.0.0.0 *255.255.0.0 *U .* eth0$'
ifconfig docker0
ifconfig | grep -A1 '^veth'
brctl show

# --- step 3: a second container, and the host ---
docker run -d --name nginx-2 nginx
brctl show
docker exec nginx-1 ping -c 2 172.17.0.3
ping -c 2 172.17.0.2
ip route get 172.17.0.2 | grep -q 'dev docker0 src 172.17.0.1'
curl -s 172.17.0.3 | grep -q 'Welcome to nginx!'

# --- step 4: to another machine of the host's LAN ---
sysctl net.ipv4.ip_forward
iptables -t nat -S POSTROUTING
docker exec nginx-1 ping -c 2 192.0.2.3
ip netns exec lan-host nc -l 9000 > /dev/null &
sleep 1
docker exec nginx-1 nc -v -w 1 192.0.2.3 9000 < /dev/null
wait
iptables -t nat -L POSTROUTING -n -v | grep MASQUERADE
# The other machine saw the host: it cannot reach 172.17.0.2 (no route),
# and even with one, FORWARD's DROP policy stops a new connection.
! ip netns exec lan-host ping -c 1 -W 1 172.17.0.2
ip netns exec lan-host ip route add 172.17.0.0/16 via 192.0.2.10
! ip netns exec lan-host ping -c 1 -W 1 172.17.0.2
iptables -L FORWARD -n -v

# --- step 5: a second Docker host ---
ip netns exec node2 docker run -d --name nginx-3 nginx
ip netns exec node2 docker exec nginx-3 ip addr show eth0 | grep -q 'inet 172.17.0.2/16'
ip netns exec node2 brctl show
# Same address on both hosts: node2's container cannot name ours.
! ip netns exec node2 docker exec nginx-3 ping -c 1 -W 1 172.17.0.3
