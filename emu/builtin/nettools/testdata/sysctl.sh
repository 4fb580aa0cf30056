# sysctl and /proc/sys. nsemu's sysctl exits 255 on errors, as procps-ng 3.3
# does (these recordings are procps-ng 4.0's, which exits 1).
sysctl net.ipv4.ip_forward
cat /proc/sys/net/ipv4/ip_forward
sysctl -w net.ipv4.ip_forward=1
cat /proc/sys/net/ipv4/ip_forward
cat /proc/sys/net/ipv4/conf/all/forwarding
sysctl net.ipv4.ip_forward=0
sysctl -n net.ipv4.ip_forward
sysctl -N net.ipv4.ip_forward
sysctl net/ipv4/ip_forward
sysctl -q -w net.ipv4.ip_forward=1
sysctl net.ipv4.ip_forward net.ipv4.conf.all.forwarding
sysctl net.ipv4.foo
sysctl -w net.ipv4.foo=1
sysctl -e net.ipv4.foo
sysctl -w net.ipv4.ip_forward=abc
sysctl -w net.ipv4.ip_forward # nsemu: procps-ng 3.3's message
sysctl net.ipv4.ip_forward net.ipv4.foo net.ipv4.ip_forward # nsemu: standard error comes after standard output
sysctl -x
cat /proc/sys/net/ipv4
cat /proc/sys/net/ipv4/foo
