package vxlan

import (
	"errors"
	"net"
	"net/netip"
	"slices"
	"sync"
	"time"
)

// DefaultAgeing is how long a learned entry lives without traffic (the
// kernel's "ageing 300").
const DefaultAgeing = 300 * time.Second

// Remote is one destination of an FDB entry: a VTEP's address, and the
// port and VNI to use there (0: the device's).
type Remote struct {
	IP   netip.Addr
	Port uint16
	VNI  uint32
	// Via is the lower device's name for the entry (the group's "via
	// lo"), or "".
	Via string
}

// Entry is an FDB entry as `bridge fdb show` lists it: one line per
// remote.
type Entry struct {
	MAC     net.HardwareAddr
	Remotes []Remote
	// Static entries were added by a command (or are the device's
	// default remote); the others were learned and age.
	Static bool
	// State is a static entry's state as `bridge fdb` shows it:
	// "permanent" or "static"; "" for a learned one.
	State string
	// Used is when a learned entry last saw its MAC as a source.
	Used time.Time
}

// Errors of FDB changes, in the kernel's errno words.
var (
	ErrExists   = errors.New("File exists")
	ErrNotFound = errors.New("No such file or directory")
)

// FDB is a VXLAN device's forwarding database: inner destination MAC →
// remote VTEPs. The all-zeros MAC's remotes get what no entry names
// (broadcast, multicast, unknown unicast), each a copy. mu guards it; it
// is taken on the sender goroutine, in the socket's delivery (learning)
// and by commands, never while calling out.
type FDB struct {
	mu      sync.Mutex
	entries []*Entry // newest first, as kernel 6.18 lists them
	ageing  time.Duration
	now     func() time.Time
}

func newFDB(ageing time.Duration, now func() time.Time) *FDB {
	if ageing == 0 {
		ageing = DefaultAgeing
	}
	return &FDB{ageing: ageing, now: now}
}

var zeroMAC = net.HardwareAddr{0, 0, 0, 0, 0, 0}

// multiRemote reports whether an entry for mac may have several remotes
// (`bridge fdb append`): the all-zeros and multicast MACs.
func multiRemote(mac net.HardwareAddr) bool { return mac[0]&1 != 0 || slices.Equal(mac, zeroMAC) }

// findLocked returns mac's entry and its index, or nil. f.mu must be held.
func (f *FDB) findLocked(mac net.HardwareAddr) (*Entry, int) {
	for i, e := range f.entries {
		if slices.Equal(e.MAC, mac) {
			return e, i
		}
	}
	return nil, -1
}

// Op is an FDB change's kind.
type Op int

// FDB changes, as `bridge fdb add|append|replace` ask for them.
const (
	OpAdd Op = iota
	OpAppend
	OpReplace
)

// Update adds, appends or replaces a static entry. Add fails on an
// existing entry; append adds a remote to an all-zeros or multicast
// entry (and is ignored for others, as Linux ignores it); replace sets
// the entry's only remote.
func (f *FDB) Update(op Op, mac net.HardwareAddr, r Remote) error {
	return f.UpdateState(op, mac, r, "permanent")
}

// UpdateState is Update with the entry's state ("permanent" or
// "static").
func (f *FDB) UpdateState(op Op, mac net.HardwareAddr, r Remote, state string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	e, _ := f.findLocked(mac)
	if e == nil {
		f.entries = slices.Insert(f.entries, 0, &Entry{MAC: slices.Clone(mac), Remotes: []Remote{r}, Static: true, State: state})
		return nil
	}
	switch op {
	case OpAdd:
		return ErrExists
	case OpAppend:
		if multiRemote(mac) && !slices.Contains(e.Remotes, r) {
			e.Remotes = append(e.Remotes, r)
		}
	case OpReplace:
		e.Remotes = []Remote{r}
	}
	e.Static, e.State = true, state
	return nil
}

// Delete removes mac's entry, or only its remote r when r is not nil (a
// remote the entry does not have is no error, as in Linux).
func (f *FDB) Delete(mac net.HardwareAddr, r *Remote) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	e, i := f.findLocked(mac)
	if e == nil {
		return ErrNotFound
	}
	if r == nil {
		f.entries = slices.Delete(f.entries, i, i+1)
		return nil
	}
	e.Remotes = slices.DeleteFunc(e.Remotes, func(x Remote) bool { return x == *r })
	if len(e.Remotes) == 0 {
		f.entries = slices.Delete(f.entries, i, i+1)
	}
	return nil
}

// Lookup returns the remotes a frame for dst goes to: dst's entry, else
// the all-zeros entry's; nil when neither exists (the frame is dropped).
// The slice is a copy.
func (f *FDB) Lookup(dst net.HardwareAddr) []Remote {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.expireLocked()
	if e, _ := f.findLocked(dst); e != nil {
		return slices.Clone(e.Remotes)
	}
	if e, _ := f.findLocked(zeroMAC); e != nil {
		return slices.Clone(e.Remotes)
	}
	return nil
}

// Learn records that src sits behind the VTEP ip (vxlan_snoop): a new
// learned entry, or a learned one moved; a static entry stays as it is.
func (f *FDB) Learn(src net.HardwareAddr, ip netip.Addr) {
	if src[0]&1 != 0 || slices.Equal(src, zeroMAC) {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	e, _ := f.findLocked(src)
	switch {
	case e == nil:
		f.entries = slices.Insert(f.entries, 0, &Entry{MAC: slices.Clone(src), Remotes: []Remote{{IP: ip}}, Used: f.now()})
	case !e.Static:
		e.Remotes = []Remote{{IP: ip}}
		e.Used = f.now()
	}
}

// expireLocked forgets learned entries older than the ageing time. f.mu
// must be held.
func (f *FDB) expireLocked() {
	now := f.now()
	f.entries = slices.DeleteFunc(f.entries, func(e *Entry) bool {
		return !e.Static && now.Sub(e.Used) >= f.ageing
	})
}

// Entries returns a copy of the entries, newest first.
func (f *FDB) Entries() []Entry {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.expireLocked()
	out := make([]Entry, len(f.entries))
	for i, e := range f.entries {
		out[i] = *e
		out[i].MAC, out[i].Remotes = slices.Clone(e.MAC), slices.Clone(e.Remotes)
	}
	return out
}

// Flush forgets the learned entries (the device went down).
func (f *FDB) Flush() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.entries = slices.DeleteFunc(f.entries, func(e *Entry) bool { return !e.Static })
}
