#!/usr/bin/env nsemu
# Seed 003 — Docker's four network modes: none, host, bridge and
# container:ID (the Kubernetes pod model).
#
# What it teaches:
#   1. --network=none: a namespace with lo only; nothing goes out;
#   2. --network=host: no namespace of its own — the container sees the
#      host's devices (ip link inside and outside print the same), its
#      ports are the host's: a second nginx there cannot bind port 80,
#      exits, and docker logs says why;
#   3. --network=bridge (the default): eth0@ifN inside, whose peer N is a
#      vethXXXXXXX@ifM on the host, enslaved to docker0 — the numbers
#      point at each other;
#   4. --network=container:ID: the container joins another's namespace —
#      the same eth0, MAC and address, the same lo: a sidecar reaches its
#      neighbour on localhost, as containers of one Kubernetes pod do;
#      joining a stopped container is refused.

# --- none ---
docker run --network=none -d --name none hwchiu/netutils
docker exec none ifconfig -a
[ "$(docker exec none ip -o link | wc -l)" = 1 ]
! docker exec none ping -c 1 -W 1 172.17.0.1

# --- host ---
docker run --network=host -d --name host hwchiu/netutils
docker exec -it host ip link
ip link
[ "$(docker exec host ip link)" = "$(ip link)" ]
docker run -d --network=host --name web-host nginx
docker run -d --network=host --name web-host-2 nginx
docker ps -a --filter name=web-host
docker ps -a --filter name=web-host-2 --format '{{.Status}}' | grep -q '^Exited (1)'
docker logs web-host-2 2>&1 | grep 'bind() to 0.0.0.0:80 failed (98: Address already in use)'
curl -s 127.0.0.1 | grep -q 'Welcome to nginx!'

# --- bridge ---
docker run --network=bridge -d --name bridge hwchiu/netutils
docker exec bridge ip addr
peer=$(docker exec bridge cat /sys/class/net/eth0/iflink)
self=$(docker exec bridge cat /sys/class/net/eth0/ifindex)
docker exec bridge ip -o link show eth0 | grep -q "eth0@if$peer:"
ip link | grep "^$peer:"
ip -o link | grep -q "^$peer: veth[0-9a-f]\{7\}@if$self: .* master docker0 "
veth=$(ip -o link | grep "^$peer:" | cut -d' ' -f2 | cut -d@ -f1)
brctl show | grep $veth
# Out through the veth pair and docker0 to the host's side of the bridge.
docker exec bridge ping -c 1 172.17.0.1
brctl showmacs docker0 | grep -q '02:42:ac:11:00:02'

# --- container:ID ---
docker run --network=container:$(docker ps --filter name=bridge -q) -d --name co_container hwchiu/netutils
docker exec co_container ifconfig
docker exec bridge ifconfig
[ "$(docker exec co_container ifconfig eth0)" = "$(docker exec bridge ifconfig eth0)" ]
[ "$(docker exec co_container hostname)" = "$(docker exec bridge hostname)" ]

# The pod model: a web server and a sidecar that talks to it on localhost.
docker run -d --name pod-web nginx
docker run -d --network container:pod-web --name pod-sidecar busybox
docker exec pod-sidecar wget -qO- http://localhost/ | grep -q 'Welcome to nginx!'
docker logs pod-web | grep -q '^127.0.0.1 - - .*"GET / HTTP/1.1" 200 615'
docker exec pod-sidecar ip -o addr show eth0 | grep -q 'inet 172.17.0.3/16'

# Joining a stopped container's namespace is refused; the container
# stays created, with nothing of a network.
docker stop pod-web
! docker run -d --network container:pod-web --name late busybox
docker ps -a --filter name=late --format '{{.Status}}' | grep -q Created
docker inspect -f '{{.State.Error}}' late | grep -q 'cannot join network of a non running container: pod-web'
