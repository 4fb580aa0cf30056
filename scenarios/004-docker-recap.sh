#!/usr/bin/env nsemu
# Seed 004 — a short recap of container networking: host mode, docker0,
# veth pairs, and how two containers on one bridge reach each other.
#
# What it teaches:
#   1. host mode (-net=host in the tutorial, --net=host today) listens on
#      the host's port 80 directly; a container of its own network
#      namespace has its own address and ports;
#   2. docker0 is a Linux bridge; each container's eth0 is one end of a
#      veth pair, the other end (vethXXXXXXX) is plugged into docker0;
#   3. which host veth belongs to which container: the container's
#      /sys/class/net/eth0/iflink is the ifindex of its peer on the host;
#   4. two containers on docker0 talk directly, by address; the host's
#      published port (-p 8080:80) reaches a container through a DNAT rule
#      of the DOCKER chain, and 127.0.0.1:8080 through the userland proxy.

docker run -d --net=host --name nginx-host nginx
curl -s -o /dev/null -w '%{http_code}\n' http://127.0.0.1:80/
docker run -d --name nginx-1 nginx
docker exec -it nginx-1 sh -c 'ifconfig; route -n'
ifconfig
brctl show docker0

# Which veth is nginx-1's?
idx=$(docker exec nginx-1 cat /sys/class/net/eth0/iflink)
ip link | grep "^$idx: veth"
veth=$(ip -o link | grep "^$idx: " | cut -d' ' -f2 | cut -d@ -f1)
brctl show docker0 | grep -q $veth
[ "$(cat /sys/class/net/$veth/iflink)" = "$(docker exec nginx-1 cat /sys/class/net/eth0/ifindex)" ]

# A second container: the two talk through docker0.
docker run -d --name nginx-2 -p 8080:80 nginx
docker exec nginx-1 ping -c 2 172.17.0.3
docker exec nginx-2 curl -s 172.17.0.2 | grep -q 'Welcome to nginx!'
docker ps
iptables -t nat -S DOCKER
curl -s http://127.0.0.1:8080/ | grep -q 'Welcome to nginx!'
docker logs nginx-2 | tail -n 1
docker rm -f nginx-2
[ -z "$(iptables -t nat -S DOCKER | grep 8080)" ]
! curl -s -m 2 http://127.0.0.1:8080/
