package docker

import "github.com/nsemu/nsemu/emu"

// ImageOf returns the image of the container whose network namespace ns
// is (the first created, when containers share one with --network
// container:X); false for a namespace no container owns (the host, a
// named namespace, a --network host container's).
func ImageOf(ns *emu.Namespace) (string, bool) {
	enginesMu.Lock()
	all := make([]*Engine, 0, len(engines))
	for _, e := range engines {
		all = append(all, e)
	}
	enginesMu.Unlock() // mu is ordered above enginesMu: taken after
	for _, e := range all {
		if img, ok := e.imageOf(ns); ok {
			return img, true
		}
	}
	return "", false
}

func (e *Engine) imageOf(ns *emu.Namespace) (string, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if ns == e.ns {
		return "", false
	}
	for _, c := range e.containers {
		if c.ns == ns {
			return c.Image, true
		}
	}
	return "", false
}

// Busybox reports whether the programs of ns are busybox's: it is a
// busybox or alpine container's namespace. An nginx or debian image keeps
// iputils and GNU tools.
func Busybox(ns *emu.Namespace) bool {
	img, ok := ImageOf(ns)
	if !ok {
		return false
	}
	switch ImageBase(img) {
	case "busybox", "alpine":
		return true
	}
	return false
}
