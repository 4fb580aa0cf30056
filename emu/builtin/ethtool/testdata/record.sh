#!/bin/sh
# Records the real ethtool 6.1 (Debian 12, on this machine's Linux 6.18)
# in a namespace this script makes (root): real-show.txt is each query on
# a veth, a bridge and lo; real-errors.txt the changes and bad input. The
# golden files of ethtool_test.go follow these formats; nsemu lists the
# features it does not have as "off [fixed]", and only the veth counters it
# keeps.
set -e
ip netns add ipa; ip netns add ipb
trap 'ip netns del ipa; ip netns del ipb' EXIT
ip link add va type veth peer name vb
ip link set va netns ipa; ip link set vb netns ipb
ip -n ipa link set va up; ip -n ipb link set vb up; ip -n ipa link set lo up
ip -n ipa link add br0 type bridge
for c in "-i va" "-k va" "-S va" "va" "-i br0" "-k br0" "-S br0" "br0" "-i lo" "-k lo" "-S lo" "lo"; do
  echo "=== ethtool $c"; ip netns exec ipa ethtool $c; echo "[rc=$?]"
done > real-show.txt 2>&1
for c in "-K va tso off" "-k va" "-K va tso on" "-K va gso off" "-K va tx off" "-K va tx on" "-K va rx off" \
  "-K va rx on" "-K va gro on" "-K va gro off" "-K va lro on" "-K va loopback on" "-K va tso" "-K va tso maybe" \
  "-K va bogus on" "-K nosuch tso off" "-k nosuch" "-i nosuch" "-S nosuch" "nosuch" "" "-x va" "-K" "-k" "-K va" \
  "-k va extra" "-K va tso off gso off" "-K va tso off tso on"; do
  echo "=== ethtool $c"; ip netns exec ipa ethtool $c; echo "[rc=$?]"
done > real-errors.txt 2>&1
