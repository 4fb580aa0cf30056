# tc qdisc with netem: every option tc shows back, change and replace,
# the statistics, and pings through a delaying, a lossy and a duplicating
# netem (counters are exact: the probabilities are 0% or 100%).
P=
ip link add va type veth peer name vb
ip link set va up
ip link set vb up
tc qdisc add dev va root netem delay 100ms
tc qdisc show dev va
ip link show va
tc qdisc change dev va root netem delay 100ms 10ms
tc qdisc show dev va
tc qdisc change dev va root netem delay 100ms 10ms 25%
tc qdisc show dev va
tc qdisc change dev va root netem delay 1.5s 250us distribution normal
tc qdisc show dev va
tc qdisc change dev va root netem loss 0.1%
tc qdisc show dev va
tc qdisc change dev va root netem loss random 10% 25%
tc qdisc show dev va
tc qdisc change dev va root netem loss 33.333%
tc qdisc show dev va
tc qdisc change dev va root netem loss state 1% 10% 5% 70% 2%
tc qdisc show dev va
tc qdisc change dev va root netem loss gemodel 1% 10% 70% 0.1%
tc qdisc show dev va
tc qdisc change dev va root netem duplicate 1% 5%
tc qdisc show dev va
tc qdisc change dev va root netem duplicate 1% 5% delay 10ms 1ms 5%
tc qdisc show dev va
tc qdisc change dev va root netem delay 10ms reorder 25% 50%
tc qdisc show dev va
tc qdisc change dev va root netem delay 10ms reorder 25% gap 5
tc qdisc show dev va
tc qdisc change dev va root netem corrupt 0.1%
tc qdisc show dev va
tc qdisc change dev va root netem rate 1mbit
tc qdisc show dev va
tc qdisc change dev va root netem rate 100kbit 20 100 -5
tc qdisc show dev va
tc qdisc change dev va root netem delay 5ms
tc qdisc show dev va
tc qdisc change dev va root netem rate 0
tc qdisc show dev va
tc qdisc change dev va root netem limit 5 delay 10ms
tc qdisc show dev va
tc qdisc replace dev va root netem delay 20ms loss 1%
tc -s qdisc show dev va
tc qdisc add dev va root netem delay 20ms
tc qdisc replace dev va root handle 1: netem delay 20ms
tc qdisc show
tc qdisc change dev va root tbf rate 1mbit burst 10k latency 10ms
tc qdisc show dev va
tc qdisc replace dev va root netem delay 20ms
tc qdisc del dev va root tbf
tc qdisc del dev va root netem
tc qdisc show dev va
ip netns add ${P}b
ip link set vb netns ${P}b
ip addr add 10.9.0.1/24 dev va
ip -n ${P}b addr add 10.9.0.2/24 dev vb
ip -n ${P}b link set vb up
tc qdisc add dev va root netem delay 50ms
ip -n ${P}b link set lo up
ip netns exec ${P}b tc qdisc add dev vb root netem delay 30ms
ping -c 3 10.9.0.2 | grep -c 'time=8[0-9]'
tc -s qdisc show dev va
tc qdisc change dev va root netem loss 100%
ping -c 4 -W 1 10.9.0.2 | grep 'packets transmitted'
tc -s qdisc show dev va
tc qdisc replace dev va root netem duplicate 100%
ping -c 2 10.9.0.2 | grep 'packets transmitted'
tc -s qdisc show dev va
tc qdisc del dev va root
tc -s qdisc show dev va
