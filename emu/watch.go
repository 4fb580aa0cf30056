package emu

// Change notification, for `ip monitor`: a watcher of a namespace is told
// after each change to its devices, addresses, routes or rules (neighbour
// changes are on the world's trace bus). A watcher compares what it sees
// with what it saw: the calls carry no detail, and a change may be told
// more than once.

// watcher is one Watch registration.
type watcher struct{ f func() }

// Watch calls f after every change to the namespace's devices, addresses,
// routes or policy rules, on the goroutine that made the change, with no
// lock of the world held: f may read the namespace, but must not change
// it, and must not block for long. It returns the function that ends the
// calls.
func (n *Namespace) Watch(f func()) (stop func()) {
	w := &watcher{f: f}
	n.mu.Lock()
	n.watchers = append(n.watchers, w)
	n.mu.Unlock()
	return func() {
		n.mu.Lock()
		defer n.mu.Unlock()
		for i, x := range n.watchers {
			if x == w {
				n.watchers = append(n.watchers[:i:i], n.watchers[i+1:]...)
				return
			}
		}
	}
}

// op marks a change the namespace makes through several calls to its
// stack: the stack's change calls wait for its end, so that watchers see
// the device and its routes together. The function it returns ends the
// change and tells the watchers; no lock may be held then.
func (n *Namespace) op() (end func()) {
	n.ops.Add(1)
	return func() {
		n.ops.Add(-1)
		n.changed()
	}
}

// stackChanged is the stack's change call: told now, or at the end of
// the namespace's change in progress.
func (n *Namespace) stackChanged() {
	if n.ops.Load() == 0 {
		n.changed()
	}
}

// changed tells the watchers. No lock may be held.
func (n *Namespace) changed() {
	n.mu.Lock()
	ws := n.watchers
	n.mu.Unlock()
	for _, w := range ws {
		w.f()
	}
}
