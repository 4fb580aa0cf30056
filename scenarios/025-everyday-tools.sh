#!/usr/bin/env nsemu
# The everyday tools across a router: a web server, a traceroute, a
# listener that stays up, and what a firewall changes in each. This replay
# is nsemu's own (no public tutorial), in the shape such tutorials take:
# client -- router -- server, the server runs `python3 -m http.server`
# and `nc -lk`, the client reaches them and traces the path.
#
# What it teaches: traceroute names each router by the ICMP "time
# exceeded" it sends when a probe's TTL runs out; a FORWARD rule that
# drops UDP silences every hop past the router (`* * *`) while ICMP
# probes (-I) still go through; `nc -k` keeps listening after a client
# leaves; `python3 -m http.server` serves a directory to anyone routed to
# it.
#
# kernel: yes
# kernel tools: traceroute nc python3 curl

ip netns add client
ip netns add router
ip netns add server
ip link add c0 netns client type veth peer name r0 netns router
ip link add s0 netns server type veth peer name r1 netns router
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

# A web server and a listener that stays up, on the server.
ip netns exec server python3 -m http.server --bind 10.0.2.2 8000 > /dev/null 2>&1 &
ip netns exec server nc -lk 9000 > /dev/null &
until ip netns exec client curl -s -o /dev/null 10.0.2.2:8000/; do sleep 0.1; done
ip netns exec client curl -s 10.0.2.2:8000/ | grep -q 'Directory listing for /'
ip netns exec client curl -s -o /dev/null -w '%{http_code}\n' 10.0.2.2:8000/nope | grep -q 404

# nc -k: three clients one after another, each quitting a second after
# its input ends.
for i in 1 2 3; do echo "hello $i" | ip netns exec client nc -q 1 10.0.2.2 9000; done

# The path: the router, then the server. (One UDP trace, kept: the
# kernel limits the ICMP errors a host sends, and traceroute sends 16
# probes at once, so a second trace at once would find the server silent.)
out=$(ip netns exec client traceroute -n 10.0.2.2)
echo "$out" | grep -q '^ 1  10\.0\.1\.1 '
echo "$out" | grep -q '^ 2  10\.0\.2\.2 '
ip netns exec client traceroute -n -I -q 1 10.0.2.2 | grep -q '^ 2  10\.0\.2\.2 '

# A firewall on the router drops forwarded UDP: the router still names
# itself, the server is silent to UDP probes, ICMP probes still reach it.
ip netns exec router iptables -A FORWARD -p udp -j DROP
out=$(ip netns exec client traceroute -n -m 3 -w 1 10.0.2.2)
echo "$out" | grep -q '^ 1  10\.0\.1\.1 '
echo "$out" | grep -q '^ 3  \* \* \*$'
! echo "$out" | grep -q '10\.0\.2\.2  '
ip netns exec client traceroute -n -I -q 1 10.0.2.2 | grep -q '^ 2  10\.0\.2\.2 '
# TCP is untouched.
ip netns exec client curl -s -o /dev/null 10.0.2.2:8000/

kill %1 %2
wait
