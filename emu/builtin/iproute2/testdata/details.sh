# ip -details link: lo, a veth pair, a bridge and a bridge port.
r ip link add va type veth peer name vb
r ip link add br0 type bridge
r ip link set va master br0
r ip link set br0 up
r ip link set va up
r ip link set vb up
sleep 1 # the kernel's link watch settles the carrier
r ip -d link show lo
r ip -d link show vb
r ip -d link show br0
r ip -d link show va
r ip -d -j -p link show vb
r ip -d -j -p link show va
r ip -d -j -p link show br0
