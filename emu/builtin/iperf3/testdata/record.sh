#!/bin/sh
# Records the real iperf3 3.12 (Debian 12) between two network namespaces
# this script makes (root), as the golden shapes of iperf3_test.go:
# real-NAME.cli.txt is the client's output, real-NAME.srv.txt the server's.
# Numbers differ from run to run; the test compares shapes.
set -e
ip netns add ipa; ip netns add ipb
trap 'ip netns del ipa; ip netns del ipb' EXIT
ip link add va type veth peer name vb
ip link set va netns ipa; ip link set vb netns ipb
ip -n ipa addr add 10.9.0.1/24 dev va; ip -n ipb addr add 10.9.0.2/24 dev vb
ip -n ipa link set va up; ip -n ipb link set vb up
run() {
  name=$1; shift
  ip netns exec ipb iperf3 -s -1 -p 5203 > real-$name.srv.txt 2>&1 &
  sleep 0.3
  ip netns exec ipa iperf3 -c 10.9.0.2 -p 5203 "$@" > real-$name.cli.txt 2>&1
  wait
}
run tcp -t 2
run rev -t 2 -R
run par -t 2 -P 2
run udp -t 2 -u -b 10M
run num -n 100M
run fm -t 1 -f m -l 64K
run json -t 2 -J
run udpj -t 1 -u -J
run fk -t 1 -f k -i 0.5
run rrev -t 1 -R -u -b 5M
run fg -t 1 -f g -P 3
