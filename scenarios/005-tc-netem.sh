#!/usr/bin/env nsemu
# Impairing a link with tc netem: delay, jitter, loss, duplication — the
# usual way to try an application on a bad network without one.
#
# What it teaches: a qdisc sits on a device's egress, so netem delays only
# what leaves that device (50 ms on one end and 30 ms on the other make an
# 80 ms round trip); `tc qdisc add` refuses a second root qdisc where
# `change` and `replace` work; `tc -s qdisc` counts what netem sent and
# dropped; `ip link` shows the qdisc; deleting it brings back noqueue.
# The delays run on the emulated clock: the script takes no wall time.
#
# kernel: no (this machine's kernel has no sch_netem; scenarios/006 runs
# tbf on the kernel)

ip netns add client
ip netns add server
ip link add veth-c type veth peer name veth-s
ip link set veth-c netns client
ip link set veth-s netns server
ip -n client addr add 10.20.0.1/24 dev veth-c
ip -n server addr add 10.20.0.2/24 dev veth-s
ip -n client link set veth-c up
ip -n server link set veth-s up
ip netns exec client ping -c 2 10.20.0.2

# 50 ms out of the client, 30 ms out of the server: 80 ms round trips.
ip netns exec client tc qdisc add dev veth-c root netem delay 50ms
ip netns exec server tc qdisc add dev veth-s root netem delay 30ms
ip netns exec client tc qdisc show dev veth-c
ip netns exec client ip link show veth-c | grep -q 'qdisc netem'
ip netns exec client ping -c 3 10.20.0.2 | grep -q 'time=8[0-9]'

# A second root qdisc is refused; change edits the one there.
! ip netns exec client tc qdisc add dev veth-c root netem delay 10ms
ip netns exec client tc qdisc change dev veth-c root netem delay 100ms 20ms 25%
ip netns exec client tc qdisc show dev veth-c | grep -q 'delay 100ms  20ms 25%'
ip netns exec client ping -c 5 10.20.0.2

# Every probe lost, and counted.
ip netns exec client tc qdisc change dev veth-c root netem loss 100%
! ip netns exec client ping -c 3 -W 1 10.20.0.2
ip netns exec client tc -s qdisc show dev veth-c | grep -q 'dropped [1-9]'

# One probe in five lost: some replies still come.
ip netns exec client tc qdisc change dev veth-c root netem loss 20%
ip netns exec client ping -q -c 20 -i 0.2 10.20.0.2

# Duplicates: ping marks the second reply to a probe (DUP!).
ip netns exec client tc qdisc replace dev veth-c root netem duplicate 100%
ip netns exec client ping -c 2 10.20.0.2 | grep -q 'DUP!'

ip netns exec client tc qdisc del dev veth-c root
ip netns exec client tc qdisc show dev veth-c | grep -q noqueue
! ip netns exec client tc qdisc del dev veth-c root
