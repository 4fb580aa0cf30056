package vfs

import (
	"slices"
	"strings"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/docker"
)

const machineHosts = "127.0.0.1\tlocalhost\n127.0.1.1\t" + docker.HostHostname + "\n\n" +
	"# The following lines are desirable for IPv6 capable hosts\n::1     ip6-localhost ip6-loopback\nfe00::0 ip6-localnet\nff00::0 ip6-mcastprefix\nff02::1 ip6-allnodes\nff02::2 ip6-allrouters\n"

// etcFiles serves /etc/hosts, /etc/resolv.conf and /etc/hostname.
func etcFiles(ns *emu.Namespace, p string) (*File, bool, bool) {
	switch p {
	case "/etc/hosts", "/etc/resolv.conf", "/etc/hostname":
	default:
		return nil, false, false
	}
	f, inContainer := docker.Files(ns)
	var s string
	switch {
	case p == "/etc/hosts" && inContainer:
		s = f.Hosts
	case p == "/etc/hosts":
		s = machineHosts
	case p == "/etc/hostname" && inContainer:
		s = f.Hostname
	case p == "/etc/hostname":
		s = docker.HostHostname + "\n"
	case inContainer:
		s = f.ResolvConf
	default:
		return machineResolvConf(ns.World()), false, true
	}
	return Static(s), false, true
}

// machineResolvConf is the machine's /etc/resolv.conf, writable (root's
// `echo nameserver 192.0.2.1 > /etc/resolv.conf`). A new world has none
// (the emulated machine has no name server) until an uplink or a script
// writes it.
func machineResolvConf(w *emu.World) *File {
	return &File{
		Read: func() ([]byte, error) {
			s, ok := w.ResolvConf()
			if !ok {
				return nil, ErrNoEnt
			}
			return []byte(s), nil
		},
		Write: func(b []byte) error {
			w.SetResolvConf(string(b))
			return nil
		},
	}
}

// Hostname is the host name processes in ns see.
func Hostname(ns *emu.Namespace) string {
	if h, ok := docker.Hostname(ns); ok {
		return h
	}
	return docker.HostHostname
}

// netnsFiles serves /run/netns (and /var/run/netns): one entry per named
// namespace, as `ip netns add` creates them.
func netnsFiles(ns *emu.Namespace, p string) (*File, bool, bool) {
	dir := "/run/netns"
	if strings.HasPrefix(p, "/var/run/netns") {
		dir = "/var/run/netns"
	}
	if p != dir && !strings.HasPrefix(p, dir+"/") {
		return nil, false, false
	}
	names := func() []string {
		var out []string
		for _, n := range ns.World().Namespaces() {
			out = append(out, n.Name())
		}
		return out
	}
	if p == dir {
		return &File{Names: names}, true, true
	}
	if slices.Contains(names(), p[len(dir)+1:]) {
		return Static(""), false, true
	}
	return nil, false, true
}

// devFiles serves /dev/null.
func devFiles(_ *emu.Namespace, p string) (*File, bool, bool) {
	switch p {
	case "/dev":
		return Dir("null"), true, true
	case "/dev/null":
		return &File{Read: func() ([]byte, error) { return nil, nil }, Write: func([]byte) error { return nil }}, false, true
	}
	if strings.HasPrefix(p, "/dev/") {
		return nil, false, true
	}
	return nil, false, false
}
