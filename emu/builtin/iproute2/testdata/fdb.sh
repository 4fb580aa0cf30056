# bridge fdb: each device's own multicast entries (self permanent) and the
# bridge's entries, down and up, for the bridge, a port, by dev and br.
# The bridge has an address of its own (Linux would take its first port's);
# the entries Linux learns from the ports' IPv6 traffic are left out (grep).
r ip link add br0 address 02:00:00:00:00:b0 type bridge
r ip link add va type veth peer name vb
r ip link set va master br0
r bridge fdb show
r ip link set br0 up
r ip link set va up
r ip link set vb up
sleep 1 # the kernel's link watch settles the carrier
echo '$ bridge fdb show br br0 | grep -v "master br0 $"'
bridge fdb show br br0 | grep -v "master br0 $"
echo '$ bridge fdb show dev va | grep -v "master br0 $"'
bridge fdb show dev va | grep -v "master br0 $"
r bridge fdb show brport vb
r ip link add vc type veth peer name vd
r ip link set vc up
r bridge fdb show dev vc
r bridge -j fdb show dev vc
r bridge -j -p fdb show brport vb
r bridge -j link show
