#!/usr/bin/env nsemu
# Benchmark: the ping round trip between two namespaces on one bridge, as
# a user measures it: ping -c 100 -i 0.01 -q (the count is the first
# argument). The summary's rtt line is the figure; run it without and with
# a capture of every tap point:
#
#   nsemu run scenarios/bench-ping.sh
#   nsemu run --pcap /tmp/bench.pcapng scenarios/bench-ping.sh
#
# smoke: 3
count=${1:-100}

ip netns add a
ip netns add b
ip link add br0 type bridge
ip link set br0 up
ip link add va type veth peer name eth0 netns a
ip link add vb type veth peer name eth0 netns b
ip link set va master br0 up
ip link set vb master br0 up
ip -n a addr add 192.168.28.1/24 dev eth0
ip -n b addr add 192.168.28.2/24 dev eth0
ip -n a link set eth0 up
ip -n b link set eth0 up
ip netns exec a ping -c 1 -q 192.168.28.2 >/dev/null
ip netns exec a ping -c "$count" -i 0.01 -q 192.168.28.2
