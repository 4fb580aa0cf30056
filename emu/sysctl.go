package emu

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Sysctl errors.
var (
	// ErrNoSysctl is returned for a key nsemu does not have.
	ErrNoSysctl = errors.New("No such file or directory")
	// ErrSysctlValue is returned for a value the kernel would refuse.
	ErrSysctlValue = errors.New("Invalid argument")
)

// sysctlDefaults are the namespace-wide keys, with their initial values.
// net.ipv4.ip_forward and its conf.{all,default}.forwarding aliases live in
// the stack (Stack.Forwarding), as do icmp_echo_ignore_all and
// ip_local_port_range; the bridge keys are stored here.
// bridge-nf-call-iptables=1 sends bridged frames through iptables (see
// brnf.go); the arptables and ip6tables ones are stored only. The
// per-device keys, net.ipv4.conf.DIR.KEY, are conf.go's.
var sysctlDefaults = map[string]string{
	"net.ipv4.ip_forward":                 "",
	"net.ipv4.conf.all.forwarding":        "",
	"net.ipv4.conf.default.forwarding":    "",
	"net.ipv4.icmp_echo_ignore_all":       "",
	"net.ipv4.ip_local_port_range":        "",
	"net.bridge.bridge-nf-call-arptables": "0",
	"net.bridge.bridge-nf-call-ip6tables": "0",
	"net.bridge.bridge-nf-call-iptables":  "0",
}

func isForwardingKey(key string) bool {
	switch key {
	case "net.ipv4.ip_forward", "net.ipv4.conf.all.forwarding", "net.ipv4.conf.default.forwarding":
		return true
	}
	return false
}

// SysctlKeys lists the sysctl keys the namespace has, sorted (as `sysctl
// -a` lists them): the namespace-wide ones and net.ipv4.conf's for all,
// default and each device.
func (n *Namespace) SysctlKeys() []string {
	keys := make([]string, 0, len(sysctlDefaults)+len(confKeys)*4)
	for k := range sysctlDefaults {
		keys = append(keys, k)
	}
	for _, dir := range n.confDirs() {
		for _, k := range confKeys {
			keys = append(keys, "net.ipv4.conf."+dir+"."+k.name)
		}
	}
	sort.Strings(keys)
	return keys
}

// confKeyOf splits net.ipv4.conf.DIR.KEY into its directory and key; ok
// is false for another key or an unknown KEY.
func confKeyOf(key string) (dir string, k int, ok bool) {
	rest, found := strings.CutPrefix(key, "net.ipv4.conf.")
	if !found {
		return "", 0, false
	}
	i := strings.LastIndexByte(rest, '.')
	if i <= 0 {
		return "", 0, false
	}
	k, ok = findConfKey(rest[i+1:])
	return rest[:i], k, ok
}

// Sysctl reads a key (dotted, as `sysctl` names it). It returns
// ErrNoSysctl for a key nsemu does not have.
func (n *Namespace) Sysctl(key string) (string, error) {
	if dir, k, ok := confKeyOf(key); ok {
		v, ok := n.confValue(dir, k)
		if !ok {
			return "", ErrNoSysctl
		}
		return strconv.Itoa(int(v)), nil
	}
	def, ok := sysctlDefaults[key]
	if !ok {
		return "", ErrNoSysctl
	}
	switch {
	case isForwardingKey(key):
		return boolValue(n.st.Forwarding()), nil
	case key == "net.ipv4.icmp_echo_ignore_all":
		return boolValue(n.st.ICMPEchoIgnoreAll()), nil
	case key == "net.ipv4.ip_local_port_range":
		first, last := n.st.LocalPortRange()
		return fmt.Sprintf("%d\t%d", first, last), nil
	}
	if strings.HasPrefix(key, "net.bridge.") && n.w.ModuleLoaded("br_netfilter") {
		def = "1" // br_netfilter's default, in every namespace
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if v, ok := n.sysctls[key]; ok {
		return v, nil
	}
	return def, nil
}

func boolValue(on bool) string {
	if on {
		return "1"
	}
	return "0"
}

// SetSysctl writes a key, as a write(2) to its /proc/sys file: value holds
// integers, which the kernel's proc_dointvec reads (a leading 0x or 0
// changes the base, surrounding white space is allowed, values past those
// the key takes are ignored). It returns ErrNoSysctl or ErrSysctlValue,
// and then changes nothing.
func (n *Namespace) SetSysctl(key, value string) error {
	if dir, k, ok := confKeyOf(key); ok {
		v, err := parseKernelInts(value, 1, math.MinInt32, math.MaxInt32)
		if err != nil {
			return err
		}
		return n.setConfValue(dir, k, int32(v[0]))
	}
	if _, ok := sysctlDefaults[key]; !ok {
		return ErrNoSysctl
	}
	switch {
	case key == "net.ipv4.icmp_echo_ignore_all":
		v, err := parseKernelInts(value, 1, 0, 1)
		if err != nil {
			return err
		}
		n.st.SetICMPEchoIgnoreAll(v[0] == 1)
		return nil
	case key == "net.ipv4.ip_local_port_range":
		return n.setPortRange(value)
	}
	v, err := parseKernelInts(value, 1, math.MinInt32, math.MaxInt32)
	if err != nil {
		return err
	}
	on := v[0] != 0
	if isForwardingKey(key) {
		if err := n.st.SetForwarding(on); err != nil {
			return fmt.Errorf("setting %s: %w", key, err)
		}
		return nil
	}
	n.setStored(key, boolValue(on))
	return nil
}

// unprivilegedPortStart is net.ipv4.ip_unprivileged_port_start, which the
// first port of ip_local_port_range may not be below.
const unprivilegedPortStart = 1024

// setPortRange writes ip_local_port_range: two ports, the first at most
// the second and not below the unprivileged ports; one value changes the
// first port only.
func (n *Namespace) setPortRange(value string) error {
	v, err := parseKernelInts(value, 2, 1, 65535)
	if err != nil {
		return err
	}
	first, last := n.st.LocalPortRange()
	r := []int64{int64(first), int64(last)}
	copy(r, v)
	if r[1] < r[0] || r[0] < unprivilegedPortStart {
		return ErrSysctlValue
	}
	if err := n.st.SetLocalPortRange(uint16(r[0]), uint16(r[1])); err != nil {
		return ErrSysctlValue
	}
	return nil
}

// setStored writes a key nsemu keeps here (the bridge keys).
func (n *Namespace) setStored(key, stored string) {
	if key == brNetfilterKey {
		// Under topo, as AddBridgeWithMAC reads the key and adds the
		// bridge: a bridge being added sees the new value or is synced
		// here, and two writers' syncs do not cross.
		n.w.topo.Lock()
		defer n.w.topo.Unlock()
	}
	n.mu.Lock()
	if n.sysctls == nil {
		n.sysctls = map[string]string{}
	}
	n.sysctls[key] = stored
	n.mu.Unlock()
	if key == brNetfilterKey {
		n.syncBridgeNetfilterLocked()
	}
}

// parseKernelInts reads up to max integers from a write to a /proc/sys
// file, as the kernel's proc_dointvec_minmax does: white space around and
// between them, each in C's notation (a leading 0x is hexadecimal, a
// leading 0 octal, a leading - negative) and within [lo, hi]; what follows
// the values the key takes is ignored. Nothing, or anything else where a
// value should be, is ErrSysctlValue.
func parseKernelInts(s string, max int, lo, hi int64) ([]int64, error) {
	var out []int64
	rest := s
	for len(out) < max {
		rest = strings.TrimLeft(rest, " \t\n")
		if rest == "" {
			break
		}
		end := strings.IndexAny(rest, " \t\n")
		if end < 0 {
			end = len(rest)
		}
		v, err := parseCInt(rest[:end])
		if err != nil || v < lo || v > hi {
			return nil, ErrSysctlValue
		}
		out = append(out, v)
		rest = rest[end:]
	}
	if len(out) == 0 {
		return nil, ErrSysctlValue
	}
	return out, nil
}

// parseCInt reads one integer as the kernel's proc_get_long does (base
// from its prefix, as strtoul's base 0; an optional leading -).
func parseCInt(s string) (int64, error) {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	base := 10
	switch {
	case strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X"):
		base, s = 16, s[2:]
	case len(s) > 1 && s[0] == '0':
		base = 8
	}
	if s == "" || s[0] == '+' || s[0] == '-' {
		return 0, ErrSysctlValue
	}
	u, err := strconv.ParseUint(s, base, 63)
	if err != nil {
		return 0, ErrSysctlValue
	}
	if neg {
		return -int64(u), nil
	}
	return int64(u), nil
}
