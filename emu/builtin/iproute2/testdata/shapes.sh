# Formats beyond seed 002: a veth pair inside one namespace (named peers,
# M-DOWN), secondary addresses, routes with metrics and linkdown, static
# neighbours, statistics, lo, moving a device away and brctl.
r ip netns add ${P}ns1
r ip link add va type veth peer name vb
r ip link add br0 type bridge
r ip link set vb master br0
r ip link show va
r ip link show vb
r bridge link
r brctl show
r ip link set va up
r ip link show va
r ip -br link show va
r ip addr add 10.1.1.1/24 dev va
r ip addr add 10.1.1.2/24 dev va
r ip addr add 10.1.1.3/16 dev va
r ip addr show va
r ip -o addr show va
r ip -br addr show va
r ip route
r ip link set vb up
r ip link set br0 up
sleep 1 # the kernel's link watch settles the carrier
r ip -br link
r bridge link
r ip route add 10.5.0.0/16 via 10.1.1.50 metric 5
r ip route add 10.9.9.9 dev va
r ip route add 10.6.0.0/16 dev va src 10.1.1.1
r ip route add default via 10.1.1.60
r ip route
r ip route show dev va
r ip route list proto kernel
r ip route get 10.5.1.1
r ip route get 10.1.1.77
r ip route del 10.5.0.0/16
r ip route
r ip neigh add 10.1.1.50 lladdr 02:00:00:00:00:50 dev va
r ip neigh add 10.1.1.51 lladdr 02:00:00:00:00:51 dev va
echo '$ ip -4 neigh | sort # the kernel lists them in hash order'
ip -4 neigh | sort
r ip -4 neigh show 10.1.1.50 dev va
r ip neigh del 10.1.1.51 dev va
r ip -4 neigh flush dev va
r ip -4 neigh
r ip addr del 10.1.1.1/24 dev va
r ip addr show va
r ip route
r ip -s link show lo
r ip link set lo up
r ip addr show lo
r ip route get 127.0.0.1
r ip link set va down
r ip link set va netns ${P}ns1
r ip netns exec ${P}ns1 ip link show va
r ip netns exec ${P}ns1 ip link set va name eth0 address 02:11:22:33:44:55 mtu 1400 up
r ip netns exec ${P}ns1 ip link
r ip link show vb
r brctl addbr br1
r brctl show br1
r brctl addif br1 vb
r brctl show
r brctl delif br1 vb
r brctl delbr br1
r ip link del vb
r ip netns exec ${P}ns1 ip link
r ip link del br0
r ip link
