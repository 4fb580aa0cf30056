package emu

import (
	"fmt"
	"sort"
)

// Hidden namespaces are network namespaces that `ip netns` does not see:
// a Docker container's, which Docker keeps under /var/run/docker/netns
// rather than /run/netns. They are not found by World.Namespace nor listed
// by World.Namespaces; their owner holds the *Namespace and deletes it with
// DelHiddenNamespace. They have a name for events, prompts and errors,
// which need not be unique. World.Close destroys the ones still there.
//
// A namespace may also carry destroy hooks (OnDestroy): functions run once
// when it is deleted or the world closes, before its devices go. Docker's
// engine uses one to stop its containers with the namespace it runs in.

// NewHiddenNamespace creates a namespace that `ip netns list` does not
// show, with only a loopback device, down. name is what events and prompts
// call it.
func (w *World) NewHiddenNamespace(name string) (*Namespace, error) {
	w.mu.Lock()
	closed := w.closed
	w.mu.Unlock()
	if closed {
		return nil, fmt.Errorf("emu: the world is closed")
	}
	n, err := w.newNamespace(name, false)
	if err != nil {
		return nil, err
	}
	n.hidden = true
	w.mu.Lock()
	closed = w.closed
	if !closed {
		w.hidden[n] = struct{}{}
	}
	w.mu.Unlock()
	if closed {
		// Closed while n was made: Close did not see it.
		n.destroy()
		return nil, fmt.Errorf("emu: the world is closed")
	}
	return n, nil
}

// DelHiddenNamespace deletes a hidden namespace: its destroy hooks run,
// its veth pairs and bridges are deleted, its stack closes. Deleting one
// twice is not an error.
func (w *World) DelHiddenNamespace(n *Namespace) error {
	if !n.hidden {
		return fmt.Errorf("emu: namespace %q is not a hidden namespace", n.name)
	}
	w.mu.Lock()
	_, live := w.hidden[n]
	delete(w.hidden, n)
	w.mu.Unlock()
	if live {
		n.destroy()
	}
	return nil
}

// Hidden reports whether n was made by NewHiddenNamespace.
func (n *Namespace) Hidden() bool { return n.hidden }

// hiddenNamespaces lists the hidden namespaces still there.
func (w *World) hiddenNamespaces() []*Namespace {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]*Namespace, 0, len(w.hidden))
	for n := range w.hidden {
		out = append(out, n)
	}
	return out
}

// AllNamespaces returns every namespace of the world — the host's, the
// named ones and the hidden ones — oldest first.
func (w *World) AllNamespaces() []*Namespace {
	w.mu.Lock()
	out := []*Namespace{w.host}
	for _, n := range w.ns {
		out = append(out, n)
	}
	for n := range w.hidden {
		out = append(out, n)
	}
	w.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].created < out[j].created })
	return out
}

// destroyHook is a function OnDestroy registered; its identity is its
// pointer.
type destroyHook struct{ f func() }

// OnDestroy registers f to run once when n is deleted (ip netns del,
// DelHiddenNamespace) or the world closes, before n's devices are
// deleted. f runs with no lock of the world held: it may use n and the
// rest of the world. The returned function unregisters f.
func (n *Namespace) OnDestroy(f func()) (cancel func()) {
	h := &destroyHook{f: f}
	n.mu.Lock()
	n.hooks = append(n.hooks, h)
	n.mu.Unlock()
	return func() {
		n.mu.Lock()
		defer n.mu.Unlock()
		for i, x := range n.hooks {
			if x == h {
				n.hooks = append(n.hooks[:i:i], n.hooks[i+1:]...)
				break
			}
		}
	}
}

// runDestroyHooks runs (once) the hooks registered on n, newest first.
func (n *Namespace) runDestroyHooks() {
	n.mu.Lock()
	hs := n.hooks
	n.hooks = nil
	n.mu.Unlock()
	for i := len(hs) - 1; i >= 0; i-- {
		hs[i].f()
	}
}

// Peer returns the other end of a veth pair, wherever it is (a hidden
// namespace included), or nil for other devices.
func (d *Device) Peer() *Device {
	return d.peer
}
