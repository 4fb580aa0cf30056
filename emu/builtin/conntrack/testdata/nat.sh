# A router (the host) masquerading 10.0.0.0/24 behind 203.0.113.1: a ping,
# a TCP connection and a UDP datagram through it, then its conntrack
# table; entries deleted and flushed. (Listings and the summary lines are
# shown apart: the real conntrack's standard output is buffered and comes
# after its standard error.)
ip netns add ct-a
ip netns add ct-b
ip link add va type veth peer name vra
ip link set va netns ct-a
ip link add vb type veth peer name vrb
ip link set vb netns ct-b
ip -n ct-a addr add 10.0.0.2/24 dev va
ip -n ct-a link set va up
ip -n ct-a route add default via 10.0.0.1
ip addr add 10.0.0.1/24 dev vra
ip link set vra up
ip addr add 203.0.113.1/24 dev vrb
ip link set vrb up
ip -n ct-b addr add 203.0.113.2/24 dev vb
ip -n ct-b link set vb up
sysctl -w net.ipv4.ip_forward=1
iptables -t nat -A POSTROUTING -s 10.0.0.0/24 -o vrb -j MASQUERADE
ip netns exec ct-a ping -c 2 -i 0.2 203.0.113.2 > /dev/null
conntrack -L 2>/dev/null
conntrack -L > /dev/null
ip netns exec ct-b nc -l -p 8080 > /dev/null &
sleep 1
echo hi | ip netns exec ct-a nc -q 0 203.0.113.2 8080
echo hi | ip netns exec ct-a nc -u -q 0 203.0.113.2 5353
sleep 1
conntrack -L 2>/dev/null
conntrack -L -o extended 2>/dev/null
conntrack -C
conntrack -L -p tcp --state TIME_WAIT 2>/dev/null
conntrack -L -p udp --dport 5353 -n 203.0.113.1 2>/dev/null
conntrack -L -s 10.0.0.0/24 -p icmp > /dev/null
conntrack -D -p icmp 2>/dev/null
conntrack -D -p icmp > /dev/null
conntrack -D -p icmp
ip netns exec ct-a ping -c 1 203.0.113.2 > /dev/null
conntrack -L -p icmp 2>/dev/null
conntrack -F
conntrack -L
