package emu

// The machine's /etc/resolv.conf: the host's root namespace and the named
// namespaces read it (`ip netns exec` shows the host's file unless
// /etc/netns/NAME/resolv.conf exists, which nsemu does not emulate); a
// container reads the one Docker wrote for it. A new world has none: the
// emulated machine has no name server until an uplink (or a script) gives
// it one.

// ResolvConf returns the machine's /etc/resolv.conf, and whether there is
// one.
func (w *World) ResolvConf() (string, bool) {
	p := w.resolvConf.Load()
	if p == nil {
		return "", false
	}
	return *p, true
}

// SetResolvConf writes the machine's /etc/resolv.conf.
func (w *World) SetResolvConf(s string) { w.resolvConf.Store(&s) }
