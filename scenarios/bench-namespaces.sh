#!/usr/bin/env nsemu
# Benchmark: N namespaces (first argument, 1000 by default), each with a
# veth whose other end is a port of one bridge, built one command at a
# time through the CLI as a user's script would; the first namespace then
# pings the last.
#
#   time nsemu run --stats scenarios/bench-namespaces.sh 100000
#
# Each namespace i gets 10.X.Y.Z/8 with X.Y.Z the three low bytes of i.
#
# smoke: 20
n=${1:-1000}

ip link add br0 type bridge
ip link set br0 up
for i in $(seq 1 "$n"); do
  ip netns add "ns$i"
  ip link add "v$i" type veth peer name eth0 netns "ns$i"
  ip link set "v$i" master br0 up
  ip -n "ns$i" addr add "10.$((i >> 16 & 255)).$((i >> 8 & 255)).$((i & 255))/8" dev eth0
  ip -n "ns$i" link set eth0 up
done
last="10.$((n >> 16 & 255)).$((n >> 8 & 255)).$((n & 255))"
ip netns exec ns1 ping -c 1 -W 10 "$last"
