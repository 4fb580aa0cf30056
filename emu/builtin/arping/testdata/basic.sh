# a -- b on a veth pair with fixed MACs: arping's probes and answers, -D
# (taken and free addresses), -U and -A updating b's entry for a's
# address after a's MAC changed, and bad input.
ip netns add ${P}a
ip netns add ${P}b
ip link add v0 netns ${P}a address 02:00:00:00:00:01 type veth peer name v1 netns ${P}b address 02:00:00:00:00:02
ip -n ${P}a addr add 10.0.0.1/24 dev v0
ip -n ${P}b addr add 10.0.0.2/24 dev v1
ip -n ${P}a link set v0 up && ip -n ${P}b link set v1 up
ip -n ${P}a link set lo up && ip -n ${P}b link set lo up
ip netns exec ${P}a arping -c 3 10.0.0.2
ip -n ${P}a neigh
ip -n ${P}b neigh
ip netns exec ${P}a arping -c 2 -I v0 -b 10.0.0.2
ip netns exec ${P}a arping -c 3 -f 10.0.0.2
ip netns exec ${P}a arping -c 2 -q 10.0.0.2
ip netns exec ${P}a arping -c 2 10.0.0.9
ip netns exec ${P}a arping -c 1 -w 3 10.0.0.9
ip netns exec ${P}a arping -w 2 -I v0 10.0.0.9
ip netns exec ${P}a arping -c 2 -D -I v0 10.0.0.2
ip netns exec ${P}a arping -c 2 -D -q -I v0 10.0.0.2
ip netns exec ${P}a arping -c 2 -D -I v0 10.0.0.9
ip netns exec ${P}a arping -c 2 -D -s 10.0.0.1 -I v0 10.0.0.2
ip -n ${P}b neigh
ip -n ${P}a link set v0 address 02:00:00:00:00:0a
ip netns exec ${P}a arping -c 1 -U -I v0 10.0.0.1
ip -n ${P}b neigh
ip -n ${P}a link set v0 address 02:00:00:00:00:0b
ip netns exec ${P}a arping -c 2 -A -I v0 10.0.0.1
ip -n ${P}b neigh
ip -n ${P}b neigh flush all
ip netns exec ${P}a arping -c 1 -U -I v0 10.0.0.1
ip -n ${P}b neigh
ip netns exec ${P}a arping -c 1 -I v0 10.0.0.1
ip netns exec ${P}a arping -c 1 -U 10.0.0.1
ip netns exec ${P}a arping -c 1 192.0.2.1
ip -n ${P}a route add default via 10.0.0.2
ip netns exec ${P}a arping -c 1 192.0.2.1
ip netns exec ${P}a arping -c 1 -I v9 10.0.0.2
ip netns exec ${P}a arping -c 1 -I lo 10.0.0.2
ip netns exec ${P}a arping -c 1 -D -I lo 10.0.0.2
ip netns exec ${P}a arping -c 1 -s 10.0.0.7 10.0.0.2
ip netns exec ${P}a arping -c 1 -s 10.0.0.x 10.0.0.2
ip netns exec ${P}a arping -c 1 -U -I v0 10.0.0.50
ip netns exec ${P}a arping -c 0 10.0.0.2
ip netns exec ${P}a arping -c x 10.0.0.2
ip netns exec ${P}a arping -w -1 10.0.0.2
ip netns exec ${P}a arping -c 99999999999999999999 10.0.0.2
ip netns exec ${P}a arping
ip netns exec ${P}a arping -Z 10.0.0.2
ip netns exec ${P}a arping -c
ip netns exec ${P}a arping 10.0.0.2 10.0.0.3
ip netns exec ${P}a arping -V
ip -n ${P}a link set v0 down
ip netns exec ${P}a arping -c 1 -I v0 10.0.0.2
