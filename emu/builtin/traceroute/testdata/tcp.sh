# a -- r -- b: traceroute -T (TCP SYN probes, root only on Linux) to a
# closed port (RST) and an open one (SYN-ACK), through REJECT and DROP.
ip netns add ${P}a
ip netns add ${P}r
ip netns add ${P}b
ip link add a0 netns ${P}a type veth peer name r0 netns ${P}r
ip link add b0 netns ${P}b type veth peer name r1 netns ${P}r
ip -n ${P}a addr add 10.0.1.2/24 dev a0
ip -n ${P}r addr add 10.0.1.1/24 dev r0
ip -n ${P}r addr add 10.0.2.1/24 dev r1
ip -n ${P}b addr add 10.0.2.2/24 dev b0
for n in a r b; do ip -n ${P}$n link set lo up; done
ip -n ${P}a link set a0 up && ip -n ${P}r link set r0 up && ip -n ${P}r link set r1 up && ip -n ${P}b link set b0 up
ip -n ${P}a route add default via 10.0.1.1
ip -n ${P}b route add default via 10.0.2.1
ip netns exec ${P}r sysctl -qw net.ipv4.ip_forward=1
ip netns exec ${P}a traceroute -n -T 10.0.2.2
ip netns exec ${P}a traceroute -n -T -q 1 10.0.2.2 100
ip netns exec ${P}b nc -l -k -p 8080 > /dev/null &
sleep 0.5
ip netns exec ${P}a traceroute -n -T -p 8080 10.0.2.2
ip netns exec ${P}a traceroute -n -T -p 8080 -q 1 10.0.1.1
ip netns exec ${P}r iptables -A FORWARD -j REJECT
ip netns exec ${P}a traceroute -n -T -q 1 10.0.2.2
ip netns exec ${P}a traceroute -n -q 1 10.0.2.2
ip netns exec ${P}r iptables -F
ip netns exec ${P}r iptables -A FORWARD -p tcp -j REJECT --reject-with tcp-reset
ip netns exec ${P}a traceroute -n -T -q 1 10.0.2.2
ip netns exec ${P}r iptables -F
ip netns exec ${P}r iptables -A FORWARD -j REJECT --reject-with icmp-host-prohibited
ip netns exec ${P}a traceroute -n -T -q 1 10.0.2.2
ip netns exec ${P}r iptables -F
ip netns exec ${P}r iptables -A FORWARD -j DROP
ip netns exec ${P}a traceroute -n -T -q 1 -m 3 -w 1 10.0.2.2
