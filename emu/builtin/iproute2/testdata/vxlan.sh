# VXLAN devices: ip link add ... type vxlan, ip -d link show, the bad
# input iproute2 and the kernel refuse, and the VXLAN FDB (bridge fdb
# add|append|replace|del|show). Addresses are TEST-NET; nothing is sent.
r ip link add eth0 type veth peer name eth1
r ip link add vx0 address 02:00:00:00:00:a0 type vxlan id 42 dstport 4789 dev eth0
r ip link add vx1 address 02:00:00:00:00:a1 type vxlan id 100 local 192.0.2.1 remote 192.0.2.2 dstport 8472 nolearning ttl 10
r ip link add vx2 address 02:00:00:00:00:a2 type vxlan id 7 group 239.1.1.1 dev eth0 dstport 0
r ip link add vx3 address 02:00:00:00:00:a3 type vxlan vni 8 dstport 4790 ageing 60
r ip link show vx0
r ip -d link show vx0
r ip -d link show vx1
r ip -d link show vx2
r ip -d link show vx3
r ip -d -j -p link show vx1
r ip link set vx1 up
r ip link show vx1
r ip -br link show vx1
r ip link add vx4 type vxlan id 16777216 dstport 4789
r ip link add vx4 type vxlan id abc dstport 4789
r ip link add vx4 type vxlan id 5 dstport 70000
r ip link add vx4 type vxlan id 5 dstport 4789 dev nosuch
r ip link add vx4 type vxlan id 5 dstport 4789 remote 192.0.2.1 group 239.1.1.1 dev eth0
r ip link add vx4 type vxlan id 5 dstport 4789 group 239.1.1.1
r ip link add vx4 type vxlan id 5 dstport 4789 group 192.0.2.1 dev eth0
r ip link add vx4 type vxlan id 5 dstport 4789 remote 239.1.1.1
r ip link add vx4 type vxlan id 5 dstport 4789 remote nonsense
r ip link add vx4 type vxlan id 5 dstport 4789 ttl 300
r ip link add vx4 type vxlan id 5 dstport 4789 foo
r ip link add vx4 type vxlan dstport 4789
r ip link add vx4 type vxlan id 42 dstport 4789
r ip link add vx1 type vxlan id 43 dstport 4789
r ip link show vx4
r bridge fdb show dev vx1
r bridge fdb add 00:00:00:00:00:00 dev vx1 dst 192.0.2.3
r bridge fdb append 00:00:00:00:00:00 dev vx1 dst 192.0.2.4
r bridge fdb add 02:00:00:00:00:01 dev vx1 dst 192.0.2.5
r bridge fdb add 02:00:00:00:00:01 dev vx1 dst 192.0.2.6
r bridge fdb append 02:00:00:00:00:01 dev vx1 dst 192.0.2.6
r bridge fdb add 02:00:00:00:00:02 dev vx1 dst 192.0.2.7 port 5000 vni 9
r bridge fdb add 02:00:00:00:00:03 dev vx1 dst 192.0.2.8 port 8472 vni 100
r bridge fdb replace 02:00:00:00:00:03 dev vx1 dst 192.0.2.9
r bridge fdb add 01:00:5e:00:00:05 dev vx1 dst 192.0.2.10
r bridge fdb append 01:00:5e:00:00:05 dev vx1 dst 192.0.2.11
r bridge fdb add 02:00:00:00:00:04 dev vx1 dst 192.0.2.12 static
r bridge fdb show dev vx1
r bridge fdb show dev vx2
r bridge -j fdb show dev vx1
r bridge fdb del 00:00:00:00:00:00 dev vx1 dst 192.0.2.4
r bridge fdb del 00:00:00:00:00:00 dev vx1 dst 192.0.2.99
r bridge fdb del 02:00:00:00:00:01 dev vx1
r bridge fdb del 02:00:00:00:00:09 dev vx1
r bridge fdb add 02:00:00:00:00:05 dev vx1
r bridge fdb add 02:00:00:00:00:05 dev nosuch dst 192.0.2.1
r bridge fdb add 02:00:00:00:00:05 dev lo dst 192.0.2.1
r bridge fdb add 02:00:00:00:00:05 dev vx1 dst 192.0.2.1 vni 16777216
r bridge fdb add 02:00:00:00:00:05 dev vx1 dst nonsense
r bridge fdb add nonsense dev vx1 dst 192.0.2.1
r bridge fdb show dev vx1
r ip link del vx1
r ip link show vx1
# The default remote goes through the lower device ("via eth0").
r ip link add vx5 address 02:00:00:00:00:a5 type vxlan id 55 dstport 4789 dev eth0 remote 192.0.2.2
r bridge fdb show dev vx5
r bridge -j fdb show dev vx5
