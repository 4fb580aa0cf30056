package emu

import "sync"

// HoldRealTime keeps the world's clock at wall time until the returned
// function is called: Warp no longer jumps over idle waits. A world
// connected to the real network needs it (emu/uplink holds it): while
// nothing is in flight inside the world, a real server may still be
// answering, and a jump would fire the emulated TCP retransmission and
// curl timeouts before its reply arrives. Holds nest; the returned function
// may be called more than once.
func (w *World) HoldRealTime() (release func()) {
	w.realTime.Add(1)
	var once sync.Once
	return func() { once.Do(func() { w.realTime.Add(-1) }) }
}

// RealTime reports whether a HoldRealTime hold is in force.
func (w *World) RealTime() bool { return w.realTime.Load() > 0 }
