# Seed 002: three namespaces on a bridge, as the tutorial builds them, and
# what it shows on the way.
r ip netns add ${P}ns1
r ip netns add ${P}ns2
r ip netns add ${P}ns3
r ip netns exec ${P}ns1 ip addr
r ip link add vbridge type bridge
r ip link set dev vbridge up
r ip link add veth-1 type veth peer name veth-1-br
r ip link add veth-2 type veth peer name veth-2-br
r ip link add veth-3 type veth peer name veth-3-br
r ip link set veth-1 netns ${P}ns1
r ip link set veth-1-br master vbridge
r ip link set veth-2 netns ${P}ns2
r ip link set veth-2-br master vbridge
r ip link set veth-3 netns ${P}ns3
r ip link set veth-3-br master vbridge
r bridge link
r ip netns exec ${P}ns1 ip addr add 192.168.28.1/24 dev veth-1
r ip netns exec ${P}ns2 ip addr add 192.168.28.2/24 dev veth-2
r ip netns exec ${P}ns3 ip addr add 192.168.28.3/24 dev veth-3
r ip netns exec ${P}ns1 ip link set veth-1 up
r ip link set dev veth-1-br up
r ip netns exec ${P}ns2 ip link set veth-2 up
r ip link set dev veth-2-br up
r ip netns exec ${P}ns3 ip link set veth-3 up
r ip link set dev veth-3-br up
r bridge link
r ip netns exec ${P}ns1 ping -c 1 192.168.28.2
r ip netns exec ${P}ns1 ip -4 neigh
r ip netns exec ${P}ns1 ip route
r ip addr add 192.168.28.5/24 dev vbridge
r ip route
r ip netns exec ${P}ns1 ip route add default via 192.168.28.5
r ip netns exec ${P}ns1 ip route
r ip netns exec ${P}ns1 ip route get 192.168.28.2
r ip netns exec ${P}ns1 ip route get 8.8.8.8
r ip netns exec ${P}ns1 ip route get 192.168.28.1
r ip link
r ip addr
r ip -o link
r ip -o addr
r ip -br link
r ip -br addr
r ip netns exec ${P}ns1 ip addr
r ip netns exec ${P}ns1 ip -br link
r brctl show
r brctl show vbridge
r ip link show master vbridge
r ip link show type bridge
