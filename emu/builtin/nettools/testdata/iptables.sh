# iptables: rules of every kind nsemu emulates, listed every way; then bad
# command lines, each with iptables' own message and exit status.
iptables -t nat -A POSTROUTING -s 192.168.28.0/24 -j MASQUERADE
iptables -t nat -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE
iptables -t nat -N DOCKER
iptables -t nat -A PREROUTING -j DOCKER
iptables -t nat -A DOCKER -i docker0 -j RETURN
iptables -t nat -A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80
iptables -t nat -A DOCKER -p udp --dport 53 -j DNAT --to-destination 172.17.0.3
iptables -t nat -A POSTROUTING -o ens33 -j SNAT --to-source 192.168.17.10
iptables -t nat -A POSTROUTING -o ens33 -p tcp --sport 1000:2000 -j SNAT --to-source 192.168.17.10:5000
iptables -A FORWARD -i br0 -o ens33 -j ACCEPT
iptables -A FORWARD -d 10.0.0.1/32 -j DROP
iptables -A FORWARD -s 10.0.0.0/8 -d 192.168.0.0/16 -p icmp -j REJECT
iptables -A FORWARD -i eth0 ! -o eth1 -s 1.2.3.4 ! -d 5.6.7.0/24 -p udp ! --sport 10:20 --dport 53
iptables -A INPUT -p tcp --dport 22 -j REJECT --reject-with tcp-reset
iptables -A INPUT -p tcp --dport 23 -j REJECT --reject-with icmp-host-prohibited
iptables -A INPUT -j LOG --log-prefix "IN: "
iptables -A INPUT -p udp ! --sport 53 -j LOG
iptables -A INPUT ! -s 10.1.2.3 ! -d 10.0.0.0/8 ! -p tcp -j ACCEPT
iptables -A INPUT -i lo
iptables -A INPUT -i veth+ -j ACCEPT
iptables -N MYCHAIN
iptables -A MYCHAIN -j RETURN
iptables -I INPUT -j MYCHAIN
iptables -I INPUT 2 -p tcp --sport 80 -j ACCEPT
iptables -P FORWARD DROP
iptables -N EMPTY
iptables -L
iptables -L -v
iptables -L -n
iptables -L -n -v
iptables -L -n -v --line-numbers
iptables -L -n -v -x
iptables -nvL INPUT
iptables -L INPUT --line-numbers
iptables -L MYCHAIN -v
iptables -L FORWARD -v
iptables -S
iptables -S INPUT
iptables -S MYCHAIN
iptables -S EMPTY
iptables -S -v
iptables -S INPUT 3
iptables -S INPUT 99
iptables -L INPUT 3
iptables -t nat -L
iptables -t nat -L -n -v
iptables -t nat -S
iptables -t nat -S POSTROUTING
iptables-save -t nat
iptables-save -c -t filter
iptables-save # nsemu: tables and chains nsemu has (raw; mangle has PREROUTING and OUTPUT only)
iptables -C INPUT -p tcp --sport 80 -j ACCEPT
iptables -C INPUT -p tcp --sport 80 -j DROP
iptables -D INPUT -p tcp --sport 80 -j ACCEPT
iptables -D INPUT -p tcp --sport 80 -j ACCEPT
iptables -R INPUT 1 -p tcp --dport 23 -j ACCEPT
iptables -R INPUT 99 -p tcp --dport 23 -j ACCEPT
iptables -D INPUT 1
iptables -E EMPTY FULL
iptables -E EMPTY FULL
iptables -E MYCHAIN FULL
iptables -L -n --line-numbers
iptables -F MYCHAIN
iptables -X MYCHAIN
iptables -F INPUT
iptables -X MYCHAIN
iptables -X
iptables -F -v
iptables -Z -v
iptables -L -Z -v
iptables -S
iptables -t foo -L
iptables -L NOSUCH
iptables -S NOSUCH
iptables -A NOSUCH -j ACCEPT
iptables -A INPUT -j NOSUCH
iptables -A INPUT -j INPUT
iptables -A INPUT -s 300.1.1.1 -j ACCEPT
iptables -A INPUT -s 10.0.0.0/33 -j ACCEPT
iptables -A INPUT -s 1.2.3.4/24x
iptables -A INPUT -s /24
iptables -A INPUT -s 1..3.4
iptables -A INPUT -d foo.invalid -j ACCEPT
iptables -A INPUT -p foo -j ACCEPT
iptables -A INPUT -p 300 -j ACCEPT
iptables -A INPUT ! -p all -j ACCEPT
iptables -A INPUT --dport 80 -j ACCEPT
iptables -A INPUT -p icmp --dport 80 -j ACCEPT
iptables -A INPUT -p tcp --dport 99999 -j ACCEPT
iptables -A INPUT -p tcp --dport abc -j ACCEPT
iptables -A INPUT -p tcp --dport 2000:1000 -j ACCEPT
iptables -A INPUT -p tcp --dport -1 -j ACCEPT
iptables -A INPUT -p tcp --sport 80 --sport 81 -j ACCEPT
iptables -A INPUT -p udp --sport 1 --sport 2
iptables -A INPUT -p udp --dport abc
iptables -A INPUT -p udp --dport 1:2:3
iptables -A INPUT -m tcp --dport 80 -j ACCEPT
iptables -A INPUT -p tcp -m udp --dport 80 -j ACCEPT
iptables -A INPUT ! -p udp --dport 53 -j ACCEPT
iptables -A INPUT -m foo -j ACCEPT
iptables -A INPUT --foo
iptables -A INPUT -j
iptables -A
iptables -A INPUT -s
iptables -A INPUT -s 10.0.0.0/8 -s 11.0.0.0/8 -j ACCEPT
iptables -A INPUT -j ACCEPT -j DROP
iptables -A INPUT ! -j ACCEPT
iptables -A INPUT -s ! 1.2.3.4 -j ACCEPT
iptables -A INPUT ! ! -s 1.2.3.4 -j ACCEPT
iptables -A INPUT -s 1.2.3.4 !
iptables -A INPUT -s 1.2.3.4 2.3.4.5
iptables -A INPUT -j ACCEPT -- -s
iptables -A INPUT -o eth0 -j ACCEPT
iptables -A OUTPUT -i eth0 -j ACCEPT
iptables -A INPUT -i "" -j ACCEPT
iptables -A INPUT -i waytoolonginterfacename -j ACCEPT
iptables -A INPUT -j LOG --log-prefix ""
iptables -A INPUT -j LOG --log-prefix a --log-prefix b
iptables -A INPUT -j DROP --log-prefix x
iptables -A INPUT -j REJECT --reject-with foo
iptables -A INPUT -j REJECT --reject-with tcp-reset
iptables -A INPUT -j ACCEPT --to-source 1.1.1.1
iptables -A INPUT -j MASQUERADE
iptables -t nat -A INPUT -j DNAT --to-destination 1.2.3.4
iptables -t nat -A PREROUTING -j DNAT
iptables -t nat -A POSTROUTING -j SNAT
iptables -t nat -A PREROUTING -j SNAT --to-source 1.2.3.4
iptables -t nat -A PREROUTING -j DNAT --to-destination 1.2.3.4:99999
iptables -t nat -A PREROUTING -p tcp -j DNAT --to-destination 1.2.3.4:99999
iptables -t nat -A PREROUTING -j DNAT --to-destination 1.2.3.400
iptables -t nat -A PREROUTING -p tcp -j DNAT --to-destination 1.2.3.4 --to-destination 1.2.3.5
iptables -t nat -A PREROUTING -j REJECT
iptables -t nat -A OUTPUT -j MASQUERADE
iptables -t nat -P POSTROUTING DROP
iptables -D INPUT -s 9.9.9.9 -j ACCEPT
iptables -D INPUT 99
iptables -D INPUT 0
iptables -D INPUT abc
iptables -D INPUT 1 -j ACCEPT
iptables -I INPUT 99 -j ACCEPT
iptables -I INPUT 0 -j ACCEPT
iptables -R INPUT -p tcp -j ACCEPT
iptables -P MYCHAIN DROP
iptables -P INPUT FOO
iptables -P NOSUCH DROP
iptables -P INPUT
iptables -N INPUT
iptables -N ACCEPT
iptables -N -foo
iptables -N abcdefghijabcdefghijabcdefghij
iptables -N "a b"
iptables -X NOSUCH
iptables -X INPUT
iptables -F NOSUCH
iptables -Z NOSUCH
iptables -A INPUT -A INPUT
iptables -L -A INPUT
iptables -L -s 1.2.3.4
iptables -A INPUT -n -j ACCEPT
iptables -L INPUT 1 2
iptables -L -v -n INPUT
iptables ! -A INPUT
iptables -A INPUT -g FOO # nsemu: goto is not emulated
iptables -A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT # nsemu: other matches are refused
iptables -t nat -A PREROUTING -p tcp --dport 80 -j REDIRECT --to-ports 8080 # nsemu: other targets are refused
iptables
iptables -V
iptables -6 -L
