# tc's command-line errors, and netem's and tbf's option errors: found by
# tc itself before the kernel is asked, so recorded on any kernel.
P=
ip link add va type veth peer name vb
tc
tc help
tc foo
tc -x qdisc show
tc --stats qdisc show
tc qdisc help
tc qdisc foo
tc qdisc show bogus
tc qdisc show dev
tc qdisc show root root
tc qdisc add
tc qdisc add dev va
tc qdisc add dev va root
tc qdisc add dev va root foo bar
tc qdisc add dev va root handle 10000: netem
tc qdisc add dev va root handle x: netem
tc qdisc add dev va root root netem
tc qdisc add dev va dev vb root netem
tc qdisc add dev va parent 1:2:3 netem
tc qdisc add dev va root netem delay -5ms
tc qdisc add dev va root netem delay 5000s
tc qdisc add dev va root netem delay 10xs
tc qdisc add dev va root netem delay
tc qdisc add dev va root netem delay 10ms 5ms 200%
tc qdisc add dev va root netem loss 120%
tc qdisc add dev va root netem loss -1%
tc qdisc add dev va root netem loss abc
tc qdisc add dev va root netem loss
tc qdisc add dev va root netem loss 10% 200%
tc qdisc add dev va root netem loss 10% loss 20%
tc qdisc add dev va root netem loss state 200%
tc qdisc add dev va root netem loss gemodel 1% 200%
tc qdisc add dev va root netem duplicate 200%
tc qdisc add dev va root netem corrupt 5% 1000%
tc qdisc add dev va root netem reorder 25%
tc qdisc add dev va root netem delay 10ms reorder abc
tc qdisc add dev va root netem gap 5
tc qdisc add dev va root netem delay 10ms distribution normal
tc qdisc add dev va root netem delay 10ms 5ms distribution bogus
tc qdisc add dev va root netem rate 1xbit
tc qdisc add dev va root netem rate 1mbit x
tc qdisc add dev va root netem limit abc
tc qdisc add dev va root netem limit -1
tc qdisc add dev va root netem bogus 1
tc qdisc add dev va root netem help
tc qdisc add dev va root netem ecn
tc qdisc add dev nosuch root netem delay -5ms
tc qdisc add dev va root tbf rate 1mbit burst 10k
tc qdisc add dev va root htb # nsemu: not emulated
tc class show dev va # nsemu: not emulated
tc -V # nsemu: says it is nsemu's
