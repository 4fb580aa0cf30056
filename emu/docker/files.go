package docker

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/nsemu/nsemu/emu"
)

// ContainerFiles are the files Docker writes for a container: what cat
// shows inside it.
type ContainerFiles struct {
	Hosts, ResolvConf, Hostname string
}

const hostsHeader = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n"

// Files returns the /etc/hosts, /etc/resolv.conf and /etc/hostname of the
// container whose namespace ns is (containers sharing it with
// --network=container: see the same); ok is false for other namespaces,
// a --network=host container's included (it sees the host's files).
func Files(ns *emu.Namespace) (ContainerFiles, bool) {
	v, ok := sandboxes.Load(ns)
	if !ok {
		return ContainerFiles{}, false
	}
	sb := v.(*sandbox)
	e := sb.e
	e.mu.Lock()
	defer e.mu.Unlock()
	c := sb.owner
	var f ContainerFiles
	f.Hostname = c.hostname + "\n"
	var b strings.Builder
	b.WriteString(hostsHeader)
	user := false
	for _, ep := range c.endpoints {
		fmt.Fprintf(&b, "%s\t%s\n", ep.IP, c.hostname)
		user = user || !ep.Net.Default
	}
	f.Hosts = b.String()
	if user {
		f.ResolvConf = "nameserver 127.0.0.11\noptions ndots:0\n"
	} else {
		f.ResolvConf = bridgeResolvConf(e.ns.World())
	}
	return f, true
}

// bridgeResolvConf is the resolv.conf of a container on the default
// bridge: Docker copies the machine's without its loopback name servers,
// which a container cannot reach; with none left (systemd-resolved's
// 127.0.0.53 alone, or no file) it falls back to Google's.
func bridgeResolvConf(w *emu.World) string {
	const fallback = "nameserver 8.8.8.8\nnameserver 8.8.4.4\n"
	host, ok := w.ResolvConf()
	if !ok {
		return fallback
	}
	var b strings.Builder
	servers := 0
	for _, line := range strings.SplitAfter(host, "\n") {
		fs := strings.Fields(line)
		if len(fs) >= 2 && fs[0] == "nameserver" {
			if a, err := netip.ParseAddr(fs[1]); err != nil || a.IsLoopback() {
				continue
			}
			servers++
		}
		b.WriteString(line)
	}
	if servers == 0 {
		return fallback
	}
	return b.String()
}

// Hostname returns the host name of the container whose namespace ns is;
// ok is false for other namespaces.
func Hostname(ns *emu.Namespace) (string, bool) {
	v, ok := sandboxes.Load(ns)
	if !ok {
		return "", false
	}
	sb := v.(*sandbox)
	sb.e.mu.Lock()
	defer sb.e.mu.Unlock()
	return sb.owner.hostname, true
}
