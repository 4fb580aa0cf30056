# Routing tables and policy rules: routes in other tables (by number and by
# name from /etc/iproute2/rt_tables), route types, the local table, ip rule
# add/del/show/flush, and ip route get's input and output forms.
r ip link add va type veth peer name vb
r ip link set va up
r ip link set vb up
r ip link set lo up
r ip addr add 10.1.1.1/24 dev va
r ip addr add 10.2.2.1/24 dev vb
r ip route add default via 10.1.1.254
r ip route add default via 10.2.2.254 table 100
r ip route add 10.9.0.0/16 dev vb table 100
r ip route add blackhole 192.0.2.0/24
r ip route add unreachable 198.51.100.0/24 table 100
r ip route add prohibit 203.0.113.0/24 metric 5
r ip route add throw 10.8.0.0/16 table 100
r ip route add 10.7.0.0/16 via 10.1.1.1
r ip route
r ip route show table 100
r ip route show table main
r ip route show table local
r ip -4 route show table all
r ip route show table 200
r ip route list table 100 type unreachable
r ip route add 10.6.0.0/16 dev va table nosuch
r ip route add 10.6.0.0/16 dev va table 0
r ip route add default via 10.2.2.254 table 100
r ip route del default table 100
r ip route del default table 100
r ip route show table 100
r ip rule
r ip rule add from 10.2.2.0/24 table 100
r ip rule add to 10.9.9.9 lookup 100 priority 100
r ip rule add iif va table 100 pref 200
r ip rule add fwmark 0x10/0xf0 lookup main prio 300
r ip rule add not to 10.0.0.0/8 blackhole pref 400
r ip rule add to 10.99.0.0/16 unreachable pref 1000
r ip rule show
r ip rule list table 100
r ip rule add from 10.2.2.300 table 100
r ip rule add priority abc table 5
r ip rule add fwmark xyz table 5
r ip rule add bogus table 5
r ip rule add from 1.2.3.4 lookup nosuch
r ip route get 10.9.9.9
r ip route get 8.8.8.8
r ip route get 8.8.8.8 from 10.2.2.1
r ip route get 192.0.2.1
r ip route get 10.1.1.1
r ip route get 10.1.1.1 from 10.2.2.5 iif va
r ip route get 8.8.8.8 from 10.2.2.5 iif va
r sysctl -q -w net.ipv4.ip_forward=1
r ip route get 8.8.8.8 from 10.2.2.5 iif va
r ip route get 8.8.8.8 from 10.1.1.5 iif va
r ip route get 8.8.8.8 from 10.1.1.5 iif nosuch
r ip route get 8.8.8.8 iif va
r ip route get 10.2.2.1 from 10.1.1.1 iif va
r ip route get 8.8.8.8 oif vb
r ip route get 8.8.8.8 mark 0x10
r ip route get 10.99.1.1
r ip route get 1.1.1.1 from 10.2.2.1
r ip route get 10.8.1.1 from 10.2.2.1
r ip route get 198.51.100.1 from 10.2.2.1
r ip route get 203.0.113.1
r ip route get 192.0.2.1 from 10.2.2.1
r ip rule del pref 400
r ip rule del from 10.2.2.0/24
r ip rule del from 10.2.2.0/24
r ip rule del table 100
r ip rule show
r ip rule flush
r ip rule show
r ip route get 8.8.8.8
