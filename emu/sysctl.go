package emu

import (
	"errors"
	"fmt"
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

// sysctlDefaults are the keys a namespace has, with their initial values.
// net.ipv4.ip_forward and its conf.{all,default}.forwarding aliases live in
// the stack (Stack.Forwarding); the bridge keys are stored here.
// bridge-nf-call-iptables=1 sends bridged frames through iptables (see
// brnf.go); the arptables and ip6tables ones are stored only.
var sysctlDefaults = map[string]string{
	"net.ipv4.ip_forward":                 "",
	"net.ipv4.conf.all.forwarding":        "",
	"net.ipv4.conf.default.forwarding":    "",
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

// SysctlKeys lists the sysctl keys every namespace has, sorted (as
// `sysctl -a` lists them).
func SysctlKeys() []string {
	keys := make([]string, 0, len(sysctlDefaults))
	for k := range sysctlDefaults {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Sysctl reads a key (dotted, as `sysctl` names it). It returns
// ErrNoSysctl for a key nsemu does not have.
func (n *Namespace) Sysctl(key string) (string, error) {
	def, ok := sysctlDefaults[key]
	if !ok {
		return "", ErrNoSysctl
	}
	if isForwardingKey(key) {
		if n.st.Forwarding() {
			return "1", nil
		}
		return "0", nil
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if v, ok := n.sysctls[key]; ok {
		return v, nil
	}
	return def, nil
}

// SetSysctl writes a key. Values are integers, as for the kernel's
// proc_dointvec (surrounding white space is allowed); the keys nsemu has are
// booleans, so any non-zero value is stored as 1. It returns ErrNoSysctl or
// ErrSysctlValue, and then changes nothing.
func (n *Namespace) SetSysctl(key, value string) error {
	if _, ok := sysctlDefaults[key]; !ok {
		return ErrNoSysctl
	}
	v, err := strconv.ParseInt(strings.TrimSpace(value), 10, 32)
	if err != nil {
		return ErrSysctlValue
	}
	on := v != 0
	if isForwardingKey(key) {
		if err := n.st.SetForwarding(on); err != nil {
			return fmt.Errorf("setting %s: %w", key, err)
		}
		return nil
	}
	stored := "0"
	if on {
		stored = "1"
	}
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
	return nil
}
