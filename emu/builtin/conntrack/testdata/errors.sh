# conntrack's command line: errors, exit statuses, an empty table.
conntrack -L
conntrack -C
conntrack -F
! conntrack -D
conntrack -D
conntrack -L -p foo
conntrack -L -s foo
conntrack -L -s 10.0.0.300
conntrack -X
conntrack -L -L
conntrack -L -D
conntrack -C -p icmp
conntrack -F -s 10.0.0.2
conntrack -L extra
conntrack -L -o foo
conntrack -E -e FOO
conntrack -L -s
conntrack -L --dport 80
conntrack -L -p icmp --sport 1
conntrack -L -p tcp --state FOO
conntrack -L -p tcp --state ESTABLISHED
conntrack -L -p udp --sport 53 --dport 53
conntrack -L -f ipv5
conntrack -L -f ipv6
conntrack -L -d 203.0.113.2 -r 203.0.113.2 -q 10.0.0.2 -n -g
conntrack -G -s 10.0.0.2 -d 203.0.113.2
conntrack -G -p tcp -s 10.0.0.2
conntrack -G -p tcp -s 10.0.0.2 -d 203.0.113.2 --sport 1
conntrack -G -p icmp -s 10.0.0.2 -d 203.0.113.2
conntrack -G -p tcp -s 10.0.0.2 -d 203.0.113.2 --sport 1 --dport 2
conntrack -V
conntrack -h
