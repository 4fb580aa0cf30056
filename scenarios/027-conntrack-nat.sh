#!/usr/bin/env nsemu
# Connection tracking behind a masquerading router: what `conntrack -L`
# shows for a ping and a TCP connection NATed through it, and what `-D`
# and `-F` do. This replay is nsemu's own (no public tutorial), in the
# shape such tutorials take: client -- router -- server, the router
# masquerades the client's network, the server has no route back to it.
#
# What it teaches: the router remembers each flow it NATed as a conntrack
# entry with two tuples: the original (client to server) and the reply
# (server to the router's own address, which is the rewrite); replies
# find their way back through that entry. A TCP connection that completed
# its handshake is [ASSURED]. Deleting an entry does not break the flow:
# its next packet makes a new entry, and MASQUERADE decides again.
#
# kernel: yes
# kernel tools: conntrack nc

ip netns add client
ip netns add router
ip netns add server
ip link add c0 netns client type veth peer name r0 netns router
ip link add s0 netns server type veth peer name r1 netns router
ip -n client addr add 10.0.1.2/24 dev c0
ip -n router addr add 10.0.1.1/24 dev r0
ip -n router addr add 203.0.113.1/24 dev r1
ip -n server addr add 203.0.113.2/24 dev s0
for n in client router server; do ip -n $n link set lo up; done
ip -n client link set c0 up
ip -n router link set r0 up
ip -n router link set r1 up
ip -n server link set s0 up
ip -n client route add default via 10.0.1.1
ip netns exec router sysctl -w net.ipv4.ip_forward=1
ip netns exec router iptables -t nat -A POSTROUTING -s 10.0.1.0/24 -o r1 -j MASQUERADE

# A ping through the router: its entry's reply tuple goes to the router's
# own address, 203.0.113.1, the masquerade.
ip netns exec client ping -c 1 10.0.1.1
ip netns exec client ping -c 1 203.0.113.2
ip netns exec router conntrack -L -p icmp
ip netns exec router conntrack -L -p icmp 2>/dev/null | grep -q 'src=10.0.1.2 dst=203.0.113.2 type=8 code=0 id=[0-9]* src=203.0.113.2 dst=203.0.113.1 type=0 code=0'
ip netns exec router conntrack -L -p icmp -n 203.0.113.1 2>/dev/null | grep -q 'dst=203.0.113.1 type=0'

# A TCP connection: ASSURED once the handshake completed.
ip netns exec server nc -lk 9000 > /dev/null &
until ip netns exec client nc -z 203.0.113.2 9000; do sleep 0.1; done
echo hello | ip netns exec client nc -q 0 203.0.113.2 9000
ip netns exec router conntrack -L -p tcp --dport 9000 2>/dev/null | grep -q 'src=10.0.1.2 dst=203.0.113.2 sport=[0-9]* dport=9000 src=203.0.113.2 dst=203.0.113.1 sport=9000 dport=[0-9]* \[ASSURED\]'

# Deleting the ping's entry: the next ping gets a new one, NATed again.
ip netns exec router conntrack -D -p icmp
! ip netns exec router conntrack -D -p icmp
ip netns exec client ping -c 1 203.0.113.2
ip netns exec router conntrack -L -p icmp 2>/dev/null | grep -q 'src=203.0.113.2 dst=203.0.113.1 type=0'

# Flushing empties the table; counting says so.
ip netns exec router conntrack -F
test "$(ip netns exec router conntrack -C)" = 0
kill %1
