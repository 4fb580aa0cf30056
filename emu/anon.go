package emu

import (
	"fmt"
	"sort"
	"sync"
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

// anonState is the world's record of hidden namespaces and destroy hooks.
type anonState struct {
	mu      sync.Mutex
	hidden  map[*Namespace]bool
	hooks   map[*Namespace][]*destroyHook
	hookSeq int
}

type destroyHook struct {
	id int
	f  func()
}

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
	w.anon.mu.Lock()
	if w.anon.hidden == nil {
		w.anon.hidden = map[*Namespace]bool{}
	}
	w.anon.hidden[n] = true
	w.anon.mu.Unlock()
	return n, nil
}

// DelHiddenNamespace deletes a hidden namespace: its destroy hooks run,
// its veth pairs and bridges are deleted, its stack closes. Deleting one
// twice is not an error.
func (w *World) DelHiddenNamespace(n *Namespace) error {
	w.anon.mu.Lock()
	ok := w.anon.hidden[n]
	delete(w.anon.hidden, n)
	w.anon.mu.Unlock()
	if !ok {
		if n.hidden {
			return nil // deleted already
		}
		return fmt.Errorf("emu: namespace %q is not a hidden namespace", n.name)
	}
	n.destroy()
	return nil
}

// Hidden reports whether n was made by NewHiddenNamespace.
func (n *Namespace) Hidden() bool { return n.hidden }

// hiddenNamespaces lists the hidden namespaces still there.
func (w *World) hiddenNamespaces() []*Namespace {
	w.anon.mu.Lock()
	defer w.anon.mu.Unlock()
	out := make([]*Namespace, 0, len(w.anon.hidden))
	for n := range w.anon.hidden {
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
	w.mu.Unlock()
	out = append(out, w.hiddenNamespaces()...)
	sort.Slice(out, func(i, j int) bool { return out[i].created < out[j].created })
	return out
}

// OnDestroy registers f to run once when n is deleted (ip netns del,
// DelHiddenNamespace) or the world closes, before n's devices are
// deleted. f may use n and the rest of the world. The returned function
// unregisters f.
func (n *Namespace) OnDestroy(f func()) (cancel func()) {
	a := &n.w.anon
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.hooks == nil {
		a.hooks = map[*Namespace][]*destroyHook{}
	}
	a.hookSeq++
	h := &destroyHook{id: a.hookSeq, f: f}
	a.hooks[n] = append(a.hooks[n], h)
	return func() {
		a.mu.Lock()
		defer a.mu.Unlock()
		hs := a.hooks[n]
		for i, x := range hs {
			if x == h {
				a.hooks[n] = append(hs[:i:i], hs[i+1:]...)
				break
			}
		}
		if len(a.hooks[n]) == 0 {
			delete(a.hooks, n)
		}
	}
}

// runDestroyHooks runs (once) the hooks registered on n, newest first.
func (n *Namespace) runDestroyHooks() {
	a := &n.w.anon
	a.mu.Lock()
	hs := a.hooks[n]
	delete(a.hooks, n)
	a.mu.Unlock()
	for i := len(hs) - 1; i >= 0; i-- {
		hs[i].f()
	}
}

// Peer returns the other end of a veth pair, wherever it is (a hidden
// namespace included), or nil for other devices.
func (d *Device) Peer() *Device {
	if d.end == nil {
		return nil
	}
	return d.ns.w.deviceOf(d.end.Peer())
}
