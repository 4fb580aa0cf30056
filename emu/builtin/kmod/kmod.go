// Package kmod is modprobe and lsmod (kmod 30) over the emulated kernel's
// modules (emu/modules.go): known modules load with their dependencies,
// lsmod lists them, modprobe -r removes them.
package kmod

import "github.com/nsemu/nsemu/emu/shell"

// Builtins returns modprobe and lsmod.
func Builtins() []*shell.Builtin {
	return []*shell.Builtin{{
		Name:  "modprobe",
		Group: shell.GroupPrograms,
		Usage: "modprobe [-r] [-a] [-q] [-n] MODULE...",
		Help: `Load a kernel module and the modules it needs, as kmod's modprobe.
  modprobe br_netfilter   load it (net.bridge.bridge-nf-call-* become 1 everywhere)
  modprobe -a M1 M2       load each
  modprobe -r MODULE      remove it and the modules only it needed
  -q quiet, -n dry run. Known: bridge, br_netfilter, overlay, veth, vxlan, 8021q,
  dummy, ip_tables, iptable_nat, nf_conntrack, nf_nat, sch_netem, sch_tbf, ...`,
		Run: runModprobe,
	}, {
		Name:  "lsmod",
		Group: shell.GroupPrograms,
		Usage: "lsmod",
		Help:  "List the loaded kernel modules (those modprobe loaded), as kmod's lsmod.",
		Run:   runLsmod,
	}}
}
