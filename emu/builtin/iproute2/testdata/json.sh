# ip -json and -pretty: link, address, route, route get, neigh and netns
# list, in iproute2's field names and json_writer layout (IPv4 only: -4
# where the kernel would list IPv6 too).
r ip netns add ${P}ns1
r ip link add va type veth peer name vb netns ${P}ns1
r ip link add br0 type bridge
r ip link add vc type veth peer name vd
r ip link set vc master br0
r ip link set va up
r ip -n ${P}ns1 link set vb up
r ip link set lo up
r ip link set br0 up
sleep 1 # the kernel's link watch settles the carrier
r ip addr add 10.1.1.1/24 dev va
r ip addr add 10.1.1.9/24 dev va
r ip -n ${P}ns1 addr add 10.1.1.2/24 dev vb
r ip route add default via 10.1.1.254
r ip route add blackhole 192.0.2.0/24
r ip route add 10.8.0.0/16 dev va metric 5 src 10.1.1.1
r ip neigh add 10.1.1.50 lladdr 02:00:00:00:00:50 dev va
r ip -j link show
r ip -j -p link show va
r ip -j -p link show lo
r ip -j -p link show vc
r ip -4 -j addr show va
r ip -4 -p -j addr show dev va
r ip -j -br link
r ip -4 -j -br addr show va
r ip -j route
r ip -j -p route show
r ip -4 -j route show table all
r ip -j route get 8.8.8.8
r ip -j route get 10.1.1.1
r ip -4 -j neigh
r ip -4 -j -p neigh show dev va
r ip -j -p route show dev vc
r ip -j route show dev vc
