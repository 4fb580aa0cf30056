#!/usr/bin/env nsemu
# Benchmark: TCP throughput between two namespaces on one bridge, as a user
# measures it with iperf3 (the first argument is -t, 5 seconds by default).
# With "mtu" as the second argument, TSO and GSO are off on the sender's
# eth0 (ethtool -K): real 1500-byte frames cross the veths and the bridge
# instead of 64 KB segments. The receiver's summary line is the figure:
#
#   nsemu run scenarios/bench-iperf3.sh
#   nsemu run scenarios/bench-iperf3.sh 5 mtu
#   nsemu run --pcap /tmp/bench.pcapng scenarios/bench-iperf3.sh
#
# smoke: 1 mtu
# smoke-want: iperf Done.
secs=${1:-5}

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
if [ "${2:-}" = mtu ]; then
  ip netns exec a ethtool -K eth0 tso off gso off
fi
ip netns exec b iperf3 -s -1 -D
ip netns exec a iperf3 -c 192.168.28.2 -t "$secs"
