# tc qdisc with tbf on a veth pair and a bridge: the default qdiscs, add,
# change, replace (in place and by handle), the kernel's refusals, show
# with -s, -d, -r and -iec, and the counters of three pings through it.
P=
ip link add va type veth peer name vb
tc qdisc show
tc qdisc show dev va
ip link show va
ip link set va up
ip link set vb up
tc qdisc show
tc qdisc ls dev va
tc -s qdisc show dev va
tc qdisc add dev va root tbf rate 1mbit burst 32kbit latency 400ms
tc qdisc show dev va
tc qdisc show
ip link show va
tc -s qdisc show dev va
tc qdisc add dev va root tbf rate 2mbit burst 10k limit 10000
tc qdisc change dev va root tbf rate 2mbit burst 10k limit 10000
tc qdisc show dev va
tc qdisc replace dev va root tbf rate 1.5mbit burst 5kb latency 70ms
tc qdisc show dev va
tc -d qdisc show dev va
tc -r qdisc show dev va
tc -s -d qdisc show dev va
tc qdisc replace dev va root tbf rate 1mbit burst 10k latency 10ms peakrate 2mbit mtu 1500
tc qdisc show dev va
tc qdisc replace dev va root tbf rate 1mbit burst 10k latency 10ms peakrate 2mbit minburst 1540 mpu 64 overhead 20 linklayer atm
tc qdisc show dev va
tc -d qdisc show dev va
tc qdisc replace dev va root tbf rate 1mbit burst 10k latency 10ms peakrate 1mbit mtu 1500
tc qdisc replace dev va root tbf rate 10gbit burst 1m latency 10ms
tc qdisc show dev va
tc qdisc replace dev va root tbf rate 800kbit burst 1540 limit 3000
tc qdisc show dev va
tc qdisc replace dev va root tbf rate 256kbit burst 1600 limit 3000
tc qdisc show dev va
tc -iec qdisc show dev va
tc qdisc replace dev va root tbf rate 1mbit burst 10k limit 1
tc qdisc show dev va
tc qdisc replace dev va root tbf rate 1kbit burst 10k latency 1us
tc qdisc show dev va
tc qdisc replace dev va root tbf rate 100Kibit burst 3k latency 20ms
tc qdisc show dev va
tc qdisc replace dev va root tbf rate 12KBps burst 3k latency 20ms
tc qdisc show dev va
tc qdisc replace dev va root handle 1: tbf rate 1mbit burst 10k latency 10ms
tc qdisc show dev va
tc qdisc add dev va root handle 2: tbf rate 1mbit burst 10k latency 10ms
tc qdisc change dev va root handle 1: tbf rate 3mbit burst 10k latency 10ms
tc qdisc show dev va
tc qdisc show dev va handle 1:
tc qdisc show dev va handle 2:
tc qdisc show root
tc qdisc del dev va root handle 7:
tc qdisc del dev va handle 1:
tc qdisc del dev va root netem
tc qdisc del dev va root tbf
tc qdisc del dev va root
tc qdisc del dev va root
tc qdisc show dev va
tc qdisc change dev va root tbf rate 1mbit burst 10k latency 10ms
tc qdisc add dev va tbf rate 1mbit burst 10k latency 10ms
tc qdisc add dev va handle 3: tbf rate 1mbit burst 10k latency 10ms
tc qdisc add dev nosuch root tbf rate 1mbit burst 10k latency 10ms
tc qdisc del dev nosuch root
tc qdisc show dev nosuch
tc qdisc add dev va root tbf rate 1mbit burst 10k
tc qdisc add dev va root tbf rate 1mbit
tc qdisc add dev va root tbf latency 10ms
tc qdisc add dev va root tbf burst 10k latency 10ms rate 1xbit
tc qdisc add dev va root tbf rate 1mbit burst 10k latency 10ms bogus
tc qdisc add dev va root tbf rate 1mbit burst 10k latency 10ms limit 100
tc qdisc add dev va root tbf rate 1mbit burst 10k limit 100 latency 10ms
tc qdisc add dev va root tbf rate 1mbit rate 2mbit
tc qdisc add dev va root tbf rate 1mbit burst 10k/3 latency 10ms
tc qdisc add dev va root tbf rate 1mbit burst 10k latency 10ms peakrate 2mbit
tc qdisc add dev va root tbf rate 1mbit burst 10k latency 10ms linklayer token
tc qdisc add dev va root tbf rate 1mbit burst 0 latency 10ms
tc qdisc add dev va root tbf rate 1mbit burst 10k latency
tc qdisc add dev va root tbf help
ip link add br0 type bridge
ip link set br0 up
tc qdisc add dev br0 root tbf rate 1mbit burst 10k latency 10ms
tc qdisc show
tc qdisc del dev br0 root
ip netns add ${P}b
ip link set vb netns ${P}b
ip addr add 10.9.0.1/24 dev va
ip -n ${P}b addr add 10.9.0.2/24 dev vb
ip -n ${P}b link set vb up
tc qdisc add dev va root tbf rate 1mbit burst 10k latency 50ms
ping -c 3 -i 0.2 -s 1000 10.9.0.2 | grep transmitted | cut -d, -f1,2
tc -s qdisc show dev va
tc -s qdisc show dev va | grep -c Sent
ip link set lo up
tc qdisc add dev lo root tbf rate 1mbit burst 10k latency 50ms
ip link show lo
ping -c 2 -i 0.2 127.0.0.1 | grep transmitted | cut -d, -f1,2
tc -s qdisc show dev lo
tc qdisc del dev lo root
tc qdisc show dev lo
