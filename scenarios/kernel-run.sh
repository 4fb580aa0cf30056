#!/bin/sh
# Runs a scenario script on the real kernel, as root, inside a private
# network and mount namespace (nothing of the machine's own network is
# touched): the kernel's figure beside nsemu's for scenarios/bench-*.sh,
# from the same machine and the same run.
#
#   sudo scenarios/kernel-run.sh scenarios/bench-ping.sh
#   sudo scenarios/kernel-run.sh scenarios/bench-iperf3.sh 5 mtu
#
# It needs what the script uses (iproute2, iputils ping, iperf3, ethtool).
set -e
if [ "$#" -lt 1 ]; then
  echo "usage: $0 SCRIPT [ARG...]" >&2
  exit 2
fi
exec unshare --net --mount --propagation private bash -c '
  set -e
  mkdir -p /run/netns
  mount -t tmpfs nsemu-kernel-run /run/netns
  mount --make-private /run/netns
  set +e
  script=$1
  shift
  . "$script"
' kernel-run "$@"
