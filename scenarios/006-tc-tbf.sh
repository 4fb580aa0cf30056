#!/usr/bin/env nsemu
# Shaping a link with tc tbf (token bucket filter): a rate, a burst, and a
# queue that holds what waits for tokens.
#
# What it teaches: tbf lets a burst through at once, then the rate; frames
# larger than the burst never pass; `tc -s qdisc` counts what was sent,
# dropped and held back (overlimits); `change` and `replace` edit the
# qdisc in place, `del` removes it; a qdisc on a bridge port shapes what the
# bridge sends out of that port.
#
# kernel: yes

ip netns add a
ip netns add b
ip link add veth-a type veth peer name veth-b
ip link set veth-a netns a
ip link set veth-b netns b
ip -n a addr add 10.30.0.1/24 dev veth-a
ip -n b addr add 10.30.0.2/24 dev veth-b
ip -n a link set veth-a up
ip -n b link set veth-b up
ip netns exec a ping -c 1 10.30.0.2

# 1 Mbit/s with a 10 KB bucket: three 1000-byte pings fit the burst.
ip netns exec a tc qdisc add dev veth-a root tbf rate 1mbit burst 10kb latency 50ms
ip netns exec a tc qdisc show dev veth-a | grep -q 'rate 1Mbit burst 10Kb lat 50ms'
ip netns exec a ip link show veth-a | grep -q 'qdisc tbf'
ip netns exec a ping -c 3 -i 0.2 -s 1000 10.30.0.2
ip netns exec a tc -s qdisc show dev veth-a | grep -Eq 'Sent [0-9]+ bytes [0-9]+ pkt \(dropped 0,'

# A bucket smaller than a frame: the big pings never leave. (Linux also
# tells the sender: ping prints "sendmsg: No buffer space available".)
ip netns exec a tc qdisc change dev veth-a root tbf rate 1mbit burst 500 latency 50ms
! ip netns exec a ping -c 2 -W 1 -s 1000 10.30.0.2
ip netns exec a tc -s qdisc show dev veth-a | grep -q 'dropped [1-9]'
ip netns exec a ping -c 2 -s 100 10.30.0.2

! ip netns exec a tc qdisc add dev veth-a root tbf rate 2mbit burst 10kb latency 50ms
ip netns exec a tc qdisc replace dev veth-a root tbf rate 2mbit burst 10kb latency 50ms
ip netns exec a tc qdisc del dev veth-a root
! ip netns exec a tc qdisc del dev veth-a root
! ip netns exec a tc qdisc add dev nosuch root tbf rate 1mbit burst 10kb latency 50ms

# On a bridge port: tbf shapes what the bridge sends to b.
ip link add br0 type bridge
ip link set br0 up
ip link add veth-h type veth peer name veth-hb
ip link set veth-hb master br0
ip link set veth-hb up
ip link set veth-h netns a
ip -n a addr add 10.40.0.1/24 dev veth-h
ip -n a link set veth-h up
ip link add veth-x type veth peer name veth-xb
ip link set veth-xb master br0
ip link set veth-xb up
ip link set veth-x netns b
ip -n b addr add 10.40.0.2/24 dev veth-x
ip -n b link set veth-x up
tc qdisc add dev veth-xb root tbf rate 10mbit burst 20kb latency 100ms
ip netns exec a ping -c 3 10.40.0.2
tc -s qdisc show dev veth-xb | grep -q 'Sent [1-9]'
