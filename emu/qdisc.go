package emu

import (
	"errors"
	"fmt"

	"github.com/nsemu/nsemu/vethsim"
	"github.com/nsemu/nsemu/vethsim/qdisc"
)

// The kernel's half of `tc qdisc` (net/sched/sch_api.c): which root qdisc
// a device has, how add, change, replace and delete graft, change or
// remove it, and the handles it picks. The disciplines themselves run in
// vethsim/qdisc, on the device's veth end (a bridge's own interface is one
// too). Only root qdiscs exist: a device has at most one.

// QdiscOp is what tc asks of the kernel.
type QdiscOp int

// The operations: add creates (and refuses to touch an existing qdisc),
// change changes, replace creates or changes, delete removes.
const (
	QdiscAdd QdiscOp = iota + 1
	QdiscChange
	QdiscReplace
	QdiscDelete
)

// QdiscRequest is one `tc qdisc add|change|replace|del` as the kernel gets
// it.
type QdiscRequest struct {
	Op QdiscOp
	// Root is set by `root`; without it the request names a qdisc by its
	// Handle alone.
	Root bool
	// Handle is the qdisc's handle, its major number shifted left by 16
	// ("1:" is 0x10000); 0 when not given.
	Handle uint32
	// Kind is the qdisc's kind ("netem", "tbf"); "" when not given.
	Kind string
	// Netem and TBF are the options of those kinds; nil when not given.
	Netem *qdisc.NetemParams
	TBF   *qdisc.TBFParams
}

// QdiscInfo is a device's root qdisc as `tc qdisc show` reports it.
type QdiscInfo struct {
	// Kind is "noop" (a device never up: tc lists nothing), "noqueue"
	// (the default of a device that has been up), "fq_codel" (an Ethernet
	// device's default), "netem" or "tbf".
	Kind string
	// Handle is 0 for the default qdiscs.
	Handle uint32
	// Netem and TBF are the options as the kernel dumps them.
	Netem *qdisc.NetemParams
	TBF   *qdisc.TBFParams
	Stats qdisc.Stats
}

// rootQdisc is a qdisc tc attached to a device.
type rootQdisc struct {
	handle uint32
	q      *qdisc.Qdisc
}

// kernelError is a refusal with the kernel's extended ack message, as tc
// prints it.
func kernelError(msg string) error { return errors.New("Error: " + msg + ".") }

// ErrQdiscKind is the kernel's answer to a kind it does not know.
var ErrQdiscKind = kernelError("Specified qdisc kind is unknown")

// Qdisc returns the device's root qdisc.
func (d *Device) Qdisc() QdiscInfo {
	r := d.qd.Load()
	switch {
	case r == nil && !d.activated.Load():
		return QdiscInfo{Kind: "noop"}
	case r == nil && d.Kind == KindEther:
		// A physical NIC's default (systemd's default_qdisc), not a
		// veth's; what it sent is what the device sent.
		c := d.end.Counters()
		return QdiscInfo{Kind: "fq_codel", Stats: qdisc.Stats{Bytes: c.TxBytes, Packets: c.TxPackets}}
	case r == nil:
		return QdiscInfo{Kind: "noqueue"}
	}
	info := QdiscInfo{Kind: r.q.Kind(), Handle: r.handle, Stats: r.q.Stats()}
	if p, ok := r.q.Netem(); ok {
		info.Netem = &p
	}
	if p, ok := r.q.TBF(); ok {
		info.TBF = &p
	}
	return info
}

// ModifyQdisc applies a tc qdisc request to a device, as the kernel's
// tc_modify_qdisc and tc_get_qdisc do, in their words. A refused request
// changes nothing.
func (n *Namespace) ModifyQdisc(dev string, r QdiscRequest) error {
	n.w.topo.Lock()
	defer n.w.topo.Unlock()
	d, err := n.Link(dev)
	if err != nil {
		return err
	}
	if r.Op == QdiscDelete {
		return n.deleteQdiscLocked(d, r)
	}
	create, err := planQdisc(d.qd.Load(), r)
	if err != nil {
		return err
	}
	if create {
		return n.createQdiscLocked(d, r)
	}
	if err := checkLoopback(d, r); err != nil {
		return err
	}
	return changeQdisc(d.qd.Load(), r)
}

// planQdisc is __tc_modify_qdisc's decision, for a device whose root is
// cur (nil: the default): create (and graft) a new qdisc, or change cur.
func planQdisc(cur *rootQdisc, r QdiscRequest) (create bool, err error) {
	excl := r.Op == QdiscAdd
	if !r.Root {
		// A qdisc named by its handle alone: it must exist.
		if r.Handle == 0 {
			return false, kernelError("Handle cannot be zero")
		}
		if cur == nil || cur.handle != r.Handle {
			return false, kernelError("Specified qdisc not found")
		}
	} else if cur == nil || r.Handle == 0 || cur.handle != r.Handle {
		switch {
		case r.Handle != 0 && cur != nil && r.Op != QdiscReplace:
			return false, kernelError("NLM_F_REPLACE needed to override")
		case r.Handle != 0 || cur == nil:
			return true, canCreate(r)
		case r.Kind != "" && r.Kind != cur.q.Kind():
			// Another kind at the root: graft a new one (for change too,
			// as Linux does).
			return true, nil
		}
	}
	if excl {
		return false, kernelError("Exclusivity flag on, cannot modify")
	}
	if r.Kind != "" && r.Kind != cur.q.Kind() {
		return false, kernelError("Invalid qdisc name: must match existing qdisc")
	}
	return false, nil
}

// checkLoopback refuses netem's corruption on lo: gVisor's loopback
// leaves checksums to the receiver, which trusts them, so a corrupted
// packet would reach the application (Linux's lo checks, and drops it).
func checkLoopback(d *Device, r QdiscRequest) error {
	if d.Kind == KindLoopback && r.Netem != nil && r.Netem.Corrupt != nil && r.Netem.Corrupt.Probability != 0 {
		return fmt.Errorf("nsemu: tc netem corrupt on %q: not emulated", d.name)
	}
	return nil
}

// canCreate refuses a creation that change alone asked for.
func canCreate(r QdiscRequest) error {
	if r.Op == QdiscChange {
		return kernelError("Qdisc not found. To create specify NLM_F_CREATE flag")
	}
	return nil
}

// changeQdisc is qdisc_change: new options for the qdisc in place.
func changeQdisc(cur *rootQdisc, r QdiscRequest) error {
	var err error
	switch {
	case r.Netem != nil:
		err = cur.q.ChangeNetem(*r.Netem)
	case r.TBF != nil:
		err = cur.q.ChangeTBF(*r.TBF)
	}
	if errors.Is(err, qdisc.ErrInvalid) {
		return ErrInvalid
	}
	return err
}

// createQdiscLocked is qdisc_create and qdisc_graft at the root. The
// World's topo lock must be held.
func (n *Namespace) createQdiscLocked(d *Device, r QdiscRequest) error {
	link := d.egress()
	if err := checkLoopback(d, r); err != nil {
		return err
	}
	if r.Kind != "netem" && r.Kind != "tbf" {
		return ErrQdiscKind
	}
	// The handle is taken before the qdisc's init, which may still refuse.
	handle := r.Handle
	if handle == 0 {
		handle = n.w.allocQdiscHandle(d)
	}
	var q *qdisc.Qdisc
	var err error
	switch {
	case r.Netem != nil:
		q, err = qdisc.NewNetem(link, n.w.clock, n.w.NewRand(), *r.Netem)
	case r.TBF != nil:
		q, err = qdisc.NewTBF(link, n.w.clock, *r.TBF)
	default:
		// Their init needs options.
		return ErrInvalid
	}
	if errors.Is(err, qdisc.ErrInvalid) {
		return ErrInvalid
	}
	if err != nil {
		return err
	}
	old := d.qd.Swap(&rootQdisc{handle: handle, q: q})
	link.SetQdisc(q)
	if old != nil {
		old.q.Close()
	}
	return nil
}

// deleteQdiscLocked is tc_get_qdisc for RTM_DELQDISC: the root goes and the
// default comes back (noqueue if the device is up).
func (n *Namespace) deleteQdiscLocked(d *Device, r QdiscRequest) error {
	cur := d.qd.Load()
	switch {
	case !r.Root && (cur == nil || r.Handle == 0 || cur.handle != r.Handle):
		return kernelError("Failed to find qdisc with specified handle")
	case r.Root && cur != nil && r.Handle != 0 && cur.handle != r.Handle:
		return kernelError("Invalid handle")
	case cur != nil && r.Kind != "" && r.Kind != cur.q.Kind():
		return kernelError("Invalid qdisc name: must match existing qdisc")
	case !r.Root:
		return kernelError("Classid cannot be zero")
	case cur == nil:
		return kernelError("Cannot delete qdisc with handle of zero")
	}
	d.dropQdisc()
	d.activated.Store(d.up)
	return nil
}

// dropQdisc detaches and closes d's qdisc, releasing what it holds. It
// runs under the World's topo lock.
func (d *Device) dropQdisc() {
	old := d.qd.Swap(nil)
	if old == nil {
		return
	}
	d.egress().SetQdisc(nil)
	old.q.Close()
}

// resetQdisc drops the frames d's qdisc holds, as Linux does when a device
// goes down or loses its carrier.
func (d *Device) resetQdisc() {
	if d == nil {
		return
	}
	if r := d.qd.Load(); r != nil {
		r.q.Reset()
	}
}

// egress is where the device's qdisc runs: the veth's own end, a
// bridge's own interface, lo's wrapper of gVisor's loopback.
func (d *Device) egress() egress {
	switch d.Kind {
	case KindVeth, KindEther, KindVxlan:
		return d.end
	case KindBridge:
		return d.br.Self()
	}
	return d.ns.lo
}

// egress is a transmit path that holds a qdisc.
type egress interface {
	qdisc.Link
	SetQdisc(q vethsim.Qdisc) vethsim.Qdisc
}

// allocQdiscHandle is qdisc_alloc_handle: the next free handle from
// 8001: on, world-wide, as the kernel's counter is machine-wide.
func (w *World) allocQdiscHandle(d *Device) uint32 {
	w.mu.Lock()
	defer w.mu.Unlock()
	for {
		w.autohandle += 0x10000
		if w.autohandle == 0xffff0000 {
			w.autohandle = 0x80000000
		}
		if cur := d.qd.Load(); cur == nil || cur.handle != w.autohandle {
			return w.autohandle
		}
	}
}
