# Loading, listing and removing known modules.
lsmod
modprobe br_netfilter
lsmod
sysctl net.bridge.bridge-nf-call-iptables
modprobe -r bridge
modprobe -a overlay 8021q
lsmod
modprobe -r br_netfilter
lsmod
sysctl net.bridge.bridge-nf-call-iptables
modprobe -r sch_netem
modprobe -n sch_netem
lsmod | grep -c netem
modprobe br_netfilter nf_conntrack_helper=1
modprobe -v veth
modprobe -c
