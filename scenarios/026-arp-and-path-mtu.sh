#!/usr/bin/env nsemu
# ARP and the path, with the tools that show them: arping, tracepath and
# traceroute -T across a router whose far link has a smaller MTU. This
# replay is nsemu's own (no public tutorial), in the shape such tutorials
# take: client -- router -- server, the router--server link at MTU 1400.
#
# What it teaches: arping asks the link who has an address and hears the
# owner's MAC; arping -D (duplicate address detection, from 0.0.0.0) fails
# when someone holds the address, as a DHCP client checks an offer; after
# a MAC change, arping -U's gratuitous ARP moves the neighbours' entries
# to the new MAC; tracepath finds the path MTU (1500 on the first link,
# 1400 from the router's "fragmentation needed") and the hops there and
# back; traceroute -T reaches a TCP port, open (SYN-ACK) or closed (RST).
#
# kernel: yes
# kernel tools: arping tracepath traceroute nc

ip netns add client
ip netns add router
ip netns add server
ip link add c0 netns client type veth peer name r0 netns router
ip link add s0 netns server mtu 1400 type veth peer name r1 netns router mtu 1400
ip -n client addr add 10.0.1.2/24 dev c0
ip -n router addr add 10.0.1.1/24 dev r0
ip -n router addr add 10.0.2.1/24 dev r1
ip -n server addr add 10.0.2.2/24 dev s0
for n in client router server; do ip -n $n link set lo up; done
ip -n client link set c0 up
ip -n router link set r0 up
ip -n router link set r1 up
ip -n server link set s0 up
ip -n client route add default via 10.0.1.1
ip -n server route add default via 10.0.2.1
ip netns exec router sysctl -w net.ipv4.ip_forward=1

# Who has 10.0.1.1? The router answers each probe; the router learnt the
# client's MAC from the requests.
ip netns exec client arping -c 2 -I c0 10.0.1.1 | grep -q 'Received 2 response(s)'
ip -n router neigh show 10.0.1.2 | grep -q 'lladdr'
# Duplicate address detection: 10.0.1.1 is taken, 10.0.1.99 is free.
! ip netns exec client arping -D -q -c 1 -I c0 10.0.1.1
ip netns exec client arping -D -q -c 1 -I c0 10.0.1.99

# A new MAC on the client: one gratuitous ARP and the router follows.
ip -n client link set c0 address 02:00:00:00:00:99
ip netns exec client arping -U -q -c 1 -I c0 10.0.1.2
ip -n router neigh show 10.0.1.2 | grep -q '02:00:00:00:00:99'

# The path and its MTU: the router sends "fragmentation needed" for
# anything above 1400 bytes.
out=$(ip netns exec client tracepath -n 10.0.2.2)
echo "$out" | grep -q 'pmtu 1400'
echo "$out" | grep -q 'Resume: pmtu 1400 hops 2 back 2'

# TCP probes: to a listener (SYN-ACK) and to a closed port (RST); either
# answer ends the trace at the server. (A second's pause first: the
# kernel limits the ICMP errors the router sends the client.)
ip netns exec server nc -lk 8080 > /dev/null &
until ip netns exec client nc -z 10.0.2.2 8080; do sleep 0.1; done
sleep 1
ip netns exec client traceroute -n -T -q 1 -p 8080 10.0.2.2 | grep -q '^ 2  10\.0\.2\.2 '
ip netns exec client traceroute -n -T -q 1 10.0.2.2 | grep -q '^ 2  10\.0\.2\.2 '

kill %1
wait
