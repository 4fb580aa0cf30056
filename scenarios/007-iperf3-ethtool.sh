#!/usr/bin/env nsemu
# Measuring a link with iperf3, and what segmentation offload does to it.
#
# What it teaches: iperf3 needs a server (-s, here in the background with
# -D) and a client (-c) that reports each second and a summary for both
# ends; a veth pair carries TCP in 64 KB segments because its ends have
# TSO/GSO on (ethtool -k), so a "1500-byte MTU" link moves far bigger
# frames; turning the offloads off (ethtool -K … tso off gso off) puts real
# 1514-byte frames on the wire: many more packets for the same bytes, and
# less throughput, as on Linux. UDP (-u) runs at the rate asked for (-b)
# and reports jitter and loss; a link shaped slower than that (tc tbf)
# loses the rest.
# Durations are on the emulated clock: a paced UDP test costs little wall
# time, a TCP test as long as it says (its bytes really move).
#
# kernel: no (iperf3's figures differ from run to run)
# seed: no (an unpaced iperf3 test measures bytes moved over time, and
# --seed's clock models no transmission time: nsemu refuses it there)

ip netns add client
ip netns add server
ip link add veth-c type veth peer name veth-s
ip link set veth-c netns client
ip link set veth-s netns server
ip -n client addr add 10.30.0.1/24 dev veth-c
ip -n server addr add 10.30.0.2/24 dev veth-s
ip -n client link set veth-c up
ip -n server link set veth-s up

# The device: a veth (driver veth, 10000Mb/s), its offloads on.
ip netns exec client ethtool -i veth-c | head -1
ip netns exec client ethtool veth-c | grep Speed
ip netns exec client ethtool -k veth-c | grep -e '^tcp-segmentation-offload' -e '^generic-segmentation-offload'

# What left veth-c so far, "bytes packets", from ip -s link.
sent() {
  ip netns exec client ip -s link show veth-c | awk '/TX:/ { getline; print $1, $2 }'
}
# The average frame since a reading of sent: bytes over packets.
avgframe() {
  sent | awk -v b0="$1" -v p0="$2" '{ print int(($1 - b0) / ($2 - p0)) }'
}

# A server in the background, then a one-second TCP test.
ip netns exec server iperf3 -s -D
before=$(sent)
ip netns exec client iperf3 -c 10.30.0.2 -t 1
# (tens of kilobytes; MTU-sized while --pcap, --explain or tcpdump want
# real frames: a capture sees what a NIC would put on a cable)
echo "average frame with TSO: $(avgframe $before) bytes"

# Offloads off on both ends: real frames, at most the MTU.
ip netns exec client ethtool -K veth-c tso off gso off
ip netns exec server ethtool -K veth-s tso off gso off
ip netns exec client ethtool -k veth-c | grep -e '^tcp-segmentation-offload' -e '^generic-segmentation-offload'
before=$(sent)
ip netns exec client iperf3 -c 10.30.0.2 -t 1 -f m | grep -e sender -e receiver
small=$(avgframe $before)
echo "average frame without TSO: $small bytes"
[ "$small" -le 1514 ]

# The server sends (-R), two streams (-P 2).
ip netns exec client iperf3 -c 10.30.0.2 -t 1 -R -P 2 | tail -5

# UDP at 10 Mbit/s for 5 s: nothing lost. Then over a link shaped to
# 5 Mbit/s (tbf): about half the datagrams are lost, and the receiver's
# bitrate is the link's.
ip netns exec client iperf3 -c 10.30.0.2 -u -b 10M -t 5 | grep -e sender -e receiver
ip netns exec client tc qdisc add dev veth-c root tbf rate 5mbit burst 32kbit latency 50ms
ip netns exec client iperf3 -c 10.30.0.2 -u -b 10M -t 5 | grep receiver
ip netns exec client tc qdisc del dev veth-c root

# The veth's own counters: its peer's ifindex, frames its queue dropped.
ip netns exec server ethtool -S veth-s

# One server at a time: a second one on the port is refused.
! ip netns exec server iperf3 -s -1
