#!/usr/bin/env nsemu
# Seed 000 — "how do containers on one host talk through docker0?"
#
# What it teaches:
#   1. a container's network stack is its own network namespace: its own
#      eth0, lo, routing table (ifconfig and route inside nginx-1);
#   2. Docker wires each container to the docker0 bridge with a veth pair:
#      eth0 inside, vethXXXXXXX on docker0 (brctl show grows by one port per
#      container);
#   3. nginx-1 reaches nginx-2 through its connected route: an ARP
#      broadcast flooded by docker0, which learns both MACs (its CAM table,
#      brctl showmacs), then the ICMP exchange;
#   4. with br_netfilter (Docker turns net.bridge.bridge-nf-call-iptables
#      on), even switched frames pass the host's iptables: the raw table's
#      TRACE rules of the tutorial log each rule the ping meets, in the
#      kernel log (dmesg, /var/log/syslog).
#
# The tutorial's containers sat on 172.18.0.0/16; a fresh Docker host puts
# them on docker0's 172.17.0.0/16, as here.

# --- step 1: nginx-1 and its network stack ---
docker run -d --name=nginx-1 nginx
docker ps
docker exec nginx-1 ifconfig
docker exec nginx-1 ifconfig eth0 | grep -q 'inet 172.17.0.2  netmask 255.255.0.0'
docker exec nginx-1 ifconfig eth0 | grep -q 'ether 02:42:ac:11:00:02'
docker exec nginx-1 route
docker exec nginx-1 route -n | grep -q '^0.0.0.0 *172.17.0.1 *0.0.0.0 *UG'

# --- step 2: the veth pair's other end, on docker0 ---
brctl show
[ "$(brctl show docker0 | grep -c veth)" = 1 ]
docker run -d --name=nginx-2 nginx
brctl show
[ "$(brctl show docker0 | grep -c veth)" = 2 ]

# --- step 3: nginx-1 → nginx-2 through the bridge ---
docker exec nginx-1 ip neigh
docker exec nginx-1 ping -c 2 172.17.0.3
docker exec nginx-1 ip neigh | grep -q '172.17.0.3 dev eth0 lladdr 02:42:ac:11:00:03'
brctl showmacs docker0
brctl showmacs docker0 | grep -q '02:42:ac:11:00:02'
brctl showmacs docker0 | grep -q '02:42:ac:11:00:03'
docker exec nginx-1 curl -s 172.17.0.3 | grep -q 'Welcome to nginx!'
docker logs nginx-2 | grep -q '"GET / HTTP/1.1" 200 615'

# --- step 4: tracing the ping through iptables ---
iptables -t raw -A OUTPUT -p icmp -j TRACE
iptables -t raw -A PREROUTING -p icmp -j TRACE
docker exec nginx-1 ping -c 1 172.17.0.3
dmesg | grep 'TRACE: raw:PREROUTING:policy'
dmesg | grep -q 'TRACE: filter:FORWARD:rule:.* IN=docker0 OUT=docker0 .*SRC=172.17.0.2 DST=172.17.0.3'
tail -n 3 /var/log/syslog
iptables -L FORWARD -v -n
