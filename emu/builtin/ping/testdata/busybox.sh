# busybox ping's lines, summary, errors and exit status.
busybox ping -c 2 127.0.0.1
busybox ping -q -c 2 127.0.0.1
busybox ping -c 1 -s 100 -t 9 127.0.0.1
ip link add v0 type veth peer name v1
ip addr add 10.9.0.1/24 dev v0
ip link set v0 up
ip link set v1 up
busybox ping -c 2 -W 1 10.9.0.5
busybox ping -c 1 192.0.2.1
busybox ping c2
busybox ping -c x 127.0.0.1
busybox ping -x 127.0.0.1
busybox ping
