# a -- r -- b: traceroute through one router, UDP and ICMP, a silent
# neighbour (!H after ARP fails), no route (!N), and bad input.
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
ip netns exec ${P}a traceroute -n 10.0.2.2
ip netns exec ${P}a traceroute -n -I 10.0.2.2
ip netns exec ${P}a traceroute -n -q 1 -p 40000 10.0.2.2
ip netns exec ${P}a traceroute -n -f 2 10.0.2.2
ip netns exec ${P}a traceroute -n -m 4 -q 2 10.0.2.99
ip netns exec ${P}b traceroute -n 10.0.2.2
ip netns del ${P}a
ip netns exec ${P}b ip route del default
ip netns exec ${P}b traceroute -n 192.0.2.1
ip netns exec ${P}b traceroute -m 0 10.0.2.1
ip netns exec ${P}b traceroute -m 256 10.0.2.1
ip netns exec ${P}b traceroute -q 11 10.0.2.1
ip netns exec ${P}b traceroute -x 10.0.2.1
ip netns exec ${P}b traceroute -w x 10.0.2.1
ip netns exec ${P}b traceroute -m
ip netns exec ${P}b traceroute 10.0.2.1 x
