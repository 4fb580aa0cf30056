# net-tools and the files under /proc and /sys, on a bridge br0 with a veth
# port, and a veth pair ens33/up0 ("the uplink").
route -n
arp -n
ifconfig
ip link add br0 type bridge
ip link add veth-1 type veth peer name veth-1-br
ip link set veth-1-br master br0
ip link add ens33 type veth peer name up0
ip addr add 192.168.28.5/24 dev br0
ip addr add 192.168.17.10/24 dev ens33
ip link set br0 up
ip link set veth-1-br up
ip link set ens33 up
route -n
ip link set up0 up
ip route add default via 192.168.17.2
ip route add 198.51.100.0/24 via 192.168.28.1 metric 100
ip route add 198.51.100.0/25 via 192.168.28.1
ip route add 203.0.113.9 via 192.168.28.1
ip route add 172.16.0.0/12 dev br0
route
route -n
route -e
route -ee
route -n -ee
netstat -rn
netstat -r
netstat -rne
netstat -rnee
cat /proc/net/route
cat -A /proc/net/route
ip neigh add 192.168.28.9 lladdr 02:00:00:00:00:09 dev br0
ip neigh add 192.168.17.2 lladdr 02:00:00:00:00:02 dev ens33
arp
arp -n
arp -a
arp -an
arp -e
arp -v -n
arp -n 192.168.28.9
arp -n 192.168.28.77
arp -a 192.168.28.77
arp -n -i ens33
arp -n -i nosuch
arp -i br0 -a
arp -s 192.168.28.20 02:00:00:00:00:20
arp -s 192.168.17.20 02:00:00:00:00:21 -i ens33
arp -s 192.168.28.21 zz:00:00:00:00:22
arp -s 192.168.28.21
arp -n -i ens33
arp -d 192.168.28.20
arp -d 192.168.28.20
arp -d 192.168.17.20
cat /proc/net/arp
ifconfig
ifconfig -a
ifconfig br0
ifconfig nosuch
ifconfig lo
ifconfig nosuch up
ifconfig up0 10.77.0.1/24
ifconfig up0
ifconfig up0 10.77.0.2 netmask 255.255.0.0 up
ifconfig up0
ifconfig up0 down
ifconfig -a
ifconfig up0 mtu 1400 up
ifconfig up0 hw ether 02:00:00:00:77:01
ifconfig up0 300.1.1.1
ifconfig up0 foo
ifconfig -x
ip link set lo up
ifconfig lo
route add -net 198.18.0.0/16 gw 192.168.28.1
route add -net 198.19.0.0 netmask 255.255.0.0 dev br0
route add -host 198.18.5.1 gw 192.168.28.1
route add -net 198.20.0.0/16 gw 172.31.0.1
route add -net 198.18.0.0/16 gw 192.168.28.1
route add -net 198.21.0.0/16 gw 192.168.28.1 metric 7
route -n
route del -net 198.18.0.0/16
route del -net 198.18.0.0/16
route del -host 198.18.5.1
route del default
route add foo
route add -net 300.1.1.0/24 dev br0
arp -s foo 02:00:00:00:00:30
arp -n foo
route -n
cat /sys/class/net/br0/mtu /sys/class/net/br0/iflink /sys/class/net/br0/ifindex /sys/class/net/br0/operstate
cat /sys/class/net/veth-1-br/operstate /sys/class/net/veth-1/operstate /sys/class/net/up0/operstate /sys/class/net/up0/mtu
cat /sys/class/net/veth-1-br/ifindex /sys/class/net/veth-1-br/iflink /sys/class/net/veth-1/iflink
cat /sys/class/net/lo/operstate /sys/class/net/lo/address /sys/class/net/lo/mtu /sys/class/net/lo/type /sys/class/net/lo/flags
cat /sys/class/net/ens33/type /sys/class/net/ens33/flags /sys/class/net/up0/flags /sys/class/net/veth-1/flags /sys/class/net/ens33/tx_queue_len
cat /sys/class/net/veth-1/carrier
cat /sys/class/net/ens33/carrier
cat /sys/class/net/nosuch/mtu
cat /sys/class/net/br0/nosuch
cat /sys/class/net/br0
cat /etc/nsemu-no-such-file
cat /proc/nsemu-no-such-file
echo hello | cat
echo hello | cat - /proc/sys/net/ipv4/ip_forward
printf 'a\tb\n\n\n\nc\n' | cat -n
printf 'a\tb\n\n\n\nc\n' | cat -sA
printf 'a\tb\n\n\n\nc\n' | cat -b
cat -z
netstat -tln # nsemu: only netstat -r is emulated
