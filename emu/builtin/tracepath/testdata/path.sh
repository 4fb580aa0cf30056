# a -- r -- b, the r--b link with MTU 1400: tracepath's PMTU discovery
# (locally, then from r's "fragmentation needed", then from the learnt
# path MTU), hops, reached, names from /etc/hosts, a silent path, no route, and bad input. (An
# unanswered neighbour's !H comes at 3 s, the moment tracepath's third
# one-second wait ends: which comes first is a toss-up, so that case is
# tracepath_test.go's.)
ip netns add ${P}a
ip netns add ${P}r
ip netns add ${P}b
ip link add a0 netns ${P}a type veth peer name r0 netns ${P}r
ip link add b0 netns ${P}b mtu 1400 type veth peer name r1 netns ${P}r mtu 1400
ip -n ${P}a addr add 10.0.1.2/24 dev a0
ip -n ${P}r addr add 10.0.1.1/24 dev r0
ip -n ${P}r addr add 10.0.2.1/24 dev r1
ip -n ${P}b addr add 10.0.2.2/24 dev b0
for n in a r b; do ip -n ${P}$n link set lo up; done
ip -n ${P}a link set a0 up && ip -n ${P}r link set r0 up && ip -n ${P}r link set r1 up && ip -n ${P}b link set b0 up
ip -n ${P}a route add default via 10.0.1.1
ip -n ${P}b route add default via 10.0.2.1
ip netns exec ${P}r sysctl -qw net.ipv4.ip_forward=1
ip netns exec ${P}a tracepath -n 10.0.2.2
ip netns exec ${P}a tracepath -n 10.0.2.2
ip netns exec ${P}a tracepath -n 10.0.1.1
ip netns exec ${P}a tracepath -b -l 1000 10.0.2.2
ip netns exec ${P}a tracepath -n -m 1 10.0.2.2
ip netns exec ${P}a tracepath 127.0.0.1
ip netns exec ${P}a tracepath -b 127.0.0.1
ip netns exec ${P}a tracepath -n -p 33434 10.0.2.1
ip netns exec ${P}b tracepath -n 10.0.1.2
ip netns exec ${P}r iptables -A FORWARD -j DROP
ip netns exec ${P}a tracepath -n -m 3 10.0.2.2
ip netns exec ${P}a ip route del default
ip netns exec ${P}a tracepath -n 192.0.2.1
ip netns exec ${P}a tracepath -n -l 28 10.0.1.1
ip netns exec ${P}a tracepath -n -m 256 10.0.1.1
ip netns exec ${P}a tracepath -n -p x 10.0.1.1
ip netns exec ${P}a tracepath -x 10.0.1.1
ip netns exec ${P}a tracepath
ip netns exec ${P}a tracepath 10.0.1.1 10.0.1.2
ip netns exec ${P}a tracepath -V
