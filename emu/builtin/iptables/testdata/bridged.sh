ip netns add c1
ip netns add c2
ip link add docker0 type bridge
ip addr add 172.17.0.1/16 dev docker0
ip link set docker0 up
ip link add veth1 type veth peer name eth0 netns c1
ip link add veth2 type veth peer name eth0 netns c2
ip link set veth1 master docker0
ip link set veth2 master docker0
ip link set veth1 up
ip link set veth2 up
ip netns exec c1 ip addr add 172.17.0.2/16 dev eth0
ip netns exec c2 ip addr add 172.17.0.3/16 dev eth0
ip netns exec c1 ip link set eth0 up
ip netns exec c2 ip link set eth0 up
sysctl -w net.bridge.bridge-nf-call-iptables=1
iptables -t raw -A PREROUTING -p icmp -j TRACE
iptables -t raw -A OUTPUT -p icmp -j TRACE
ip netns exec c1 ping -c 1 172.17.0.3
dmesg
echo syslog-lines=$(grep -c TRACE /var/log/syslog)
iptables -A FORWARD -i docker0 -o docker0 -j DROP
! ip netns exec c1 ping -c 1 -W 1 172.17.0.3
iptables -L FORWARD -v -n
