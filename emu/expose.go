package emu

import (
	"fmt"
	"net/netip"
)

// Exposure is a port of an emulated namespace that is to be offered on the
// real machine too: a port Docker publishes (`docker run -p`), or one given
// to `nsemu run --publish`. The world only carries the request from the
// package that publishes (emu/docker) to the one that reaches the real
// machine (emu/uplink), so that neither imports the other.
type Exposure struct {
	// Proto is "tcp" or "udp".
	Proto string
	// Listen is where the namespace serves the port: a connection that
	// reaches the real port is relayed to it, from inside the namespace.
	// An unspecified address means 127.0.0.1.
	Listen netip.AddrPort
	// Real is the real address to listen on; invalid means the default
	// (127.0.0.1). The unspecified address 0.0.0.0 means every address.
	Real netip.Addr
	// Port is the real port; 0 means Listen's.
	Port uint16
	// Owner says who asked, for messages ("docker run -p 8080:80 (web)").
	Owner string
}

func (x Exposure) String() string {
	return fmt.Sprintf("%s/%s", x.Listen, x.Proto)
}

// Exposer offers emulated ports on the real machine.
type Exposer interface {
	// Expose starts offering x's port of ns on the real machine. It must
	// not block for long and must not call back into the caller (Docker's
	// engine calls it holding its lock). stop ends the offer, closing its
	// connections, and may be called more than once.
	Expose(ns *Namespace, x Exposure) (stop func(), err error)
}

type exposerBox struct{ x Exposer }

// SetExposer installs x as the world's exposer (nil removes it). The
// returned function puts back the one there was.
func (w *World) SetExposer(x Exposer) (restore func()) {
	var box *exposerBox
	if x != nil {
		box = &exposerBox{x}
	}
	old := w.exposer.Swap(box)
	return func() { w.exposer.CompareAndSwap(box, old) }
}

// Expose offers a port of ns on the real machine through the world's
// exposer; with none (no uplink) it does nothing and stop is a no-op.
func (w *World) Expose(ns *Namespace, x Exposure) (stop func(), err error) {
	box := w.exposer.Load()
	if box == nil {
		return func() {}, nil
	}
	return box.x.Expose(ns, x)
}
