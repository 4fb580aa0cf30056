package stack

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"runtime"
	"sync"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/checksum"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/transport/icmp"
	"gvisor.dev/gvisor/pkg/waiter"
)

// ErrTimeout is returned when no reply came within the probe's timeout.
var ErrTimeout = errors.New("no reply")

// PingOptions configure a Pinger, as ping's flags do.
type PingOptions struct {
	// ID is the ICMP identifier; a random one when 0.
	ID uint16
	// Size is the number of data bytes (ping -s); 56 when 0.
	Size int
	// TTL of the probes (ping -t); 64 when 0.
	TTL uint8
	// Timeout is how long Ping waits for its reply (ping -W); 1 s when 0.
	Timeout time.Duration
	// Dev binds the probes to a device (ping -I).
	Dev string
	// DontFragment sets DF (ping -M do).
	DontFragment bool
	// Awake, when set, counts the pinger's program as running for the
	// warp (emu.World.Awake) from NewPinger, and from the moment an
	// answer, a failed neighbour or Recv's timeout wakes it, until it
	// blocks in Recv again or closes the Pinger (wakeHold). The clock must
	// not jump between an echo reply's delivery and the program reading
	// it, nor while it prepares its next probe.
	Awake func() (release func())
}

// PingReply is what came back for one probe.
type PingReply struct {
	// From is the address that answered.
	From netip.Addr
	// Seq is the probe's sequence number.
	Seq uint16
	// TTL of the reply's IP header.
	TTL uint8
	// Bytes is the ICMP length of the reply (ping's "64 bytes from").
	Bytes int
	// RTT measured on the emulator clock.
	RTT time.Duration
	// Error is set when an ICMP error answered instead of an echo reply, in
	// ping's words ("Destination Host Unreachable", "Time to live exceeded").
	Error string
	// Dup marks a second echo reply to the same probe (a duplicating
	// link, netem duplicate): ping prints "(DUP!)" and counts it apart.
	Dup bool
}

// Pinger sends ICMP echo requests from a namespace and matches the replies.
type Pinger struct {
	st   *Stack
	dst  netip.Addr
	opts PingOptions
	ep   tcpip.Endpoint
	wq   waiter.Queue
	src  netip.Addr

	mu     sync.Mutex
	closed bool
	// sentAt holds when each probe left, for RTTs; answered the probes an
	// echo reply answered already (a second one is a duplicate).
	sentAt   map[uint16]tcpip.MonotonicTime
	answered map[uint16]bool
	// large sends probes that need fragments (see writeLarge).
	large tcpip.Endpoint
	// fail reports probes lost to a failed ARP resolution (pingfail.go).
	fail pingFailures
	// running counts the program as running (PingOptions.Awake).
	running wakeHold
}

// NewPinger opens an ICMP socket to dst. It fails with ErrNetworkUnreachable
// when no route matches, as ping's connect does.
func (st *Stack) NewPinger(dst netip.Addr, opts PingOptions) (*Pinger, error) {
	if !dst.Is4() {
		return nil, fmt.Errorf("ping: %s: only IPv4 is emulated", dst)
	}
	if opts.Size == 0 {
		opts.Size = 56
	}
	if opts.Size < 0 || opts.Size > 65507 {
		return nil, fmt.Errorf("ping: invalid argument: '%d': out of range: 0 <= value <= 65507", opts.Size)
	}
	if opts.Timeout == 0 {
		opts.Timeout = time.Second
	}
	if opts.ID == 0 {
		opts.ID = uint16(st.s.InsecureRNG().Uint32())
	}
	r, err := st.RouteGet(dst)
	if err != nil {
		return nil, err
	}
	if opts.Dev != "" {
		if _, ok := st.LookupNIC(opts.Dev); !ok {
			return nil, fmt.Errorf("ping: SO_BINDTODEVICE %s: No such device", opts.Dev)
		}
	}
	st.emitRoute(dst, describeRoute(r), "")
	p := &Pinger{st: st, dst: dst, opts: opts, src: r.Src}
	ep, terr := st.s.NewRawEndpoint(icmp.ProtocolNumber4, ipv4.ProtocolNumber, &p.wq, true)
	if terr != nil {
		return nil, fmt.Errorf("ping: socket: %s", terr)
	}
	p.ep = ep
	p.running.start(opts.Awake)
	p.watchLinks()
	if opts.TTL != 0 {
		_ = ep.SetSockOptInt(tcpip.IPv4TTLOption, int(opts.TTL))
	}
	if opts.DontFragment {
		_ = ep.SetSockOptInt(tcpip.MTUDiscoverOption, int(tcpip.PMTUDiscoveryDo))
	} else {
		_ = ep.SetSockOptInt(tcpip.MTUDiscoverOption, int(tcpip.PMTUDiscoveryDont))
	}
	if opts.Dev != "" {
		n, _ := st.LookupNIC(opts.Dev)
		_ = ep.SocketOptions().SetBindToDevice(int32(n.ID))
	}
	// The probes leave from the address the route picks, as Linux's do
	// (a prefsrc on another device, lo's say, which gVisor would not pick
	// by itself).
	if r.Src.IsValid() && !r.Src.IsLoopback() {
		_ = ep.Bind(tcpip.FullAddress{Addr: tcpAddr(r.Src)})
	}
	return p, nil
}

func describeRoute(r Route) string {
	if r.Gateway.IsValid() {
		if r.IsDefault() {
			return fmt.Sprintf("default via %s dev %s", r.Gateway, r.Dev)
		}
		return fmt.Sprintf("%s via %s dev %s", r.Dst, r.Gateway, r.Dev)
	}
	return fmt.Sprintf("%s dev %s (connected)", r.Dst, r.Dev)
}

// Source returns the source address the probes use.
func (p *Pinger) Source() netip.Addr { return p.src }

// Close closes the socket.
func (p *Pinger) Close() {
	p.fail.close() // before mu: see linkWatch's lock order
	p.running.close()
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.closed {
		p.closed = true
		p.ep.Close()
		if p.large != nil {
			p.large.Close()
		}
	}
}

// Ping sends echo request seq and waits for its reply, an ICMP error about
// it, the timeout (ErrTimeout) or ctx. Time is the emulator clock's.
func (p *Pinger) Ping(ctx context.Context, seq uint16) (PingReply, error) {
	if err := p.Send(seq); err != nil {
		return PingReply{}, err
	}
	for {
		r, err := p.Recv(ctx, p.opts.Timeout)
		if err != nil || (r.Seq == seq && !r.Dup) || (r.Error != "" && r.Seq == 0) {
			if r.Seq == 0 {
				r.Seq = seq
			}
			return r, err
		}
	}
}

// Send sends echo request seq without waiting.
func (p *Pinger) Send(seq uint16) error {
	clock := p.st.clock
	msg := make([]byte, header.ICMPv4MinimumSize+p.opts.Size)
	icmpHdr := header.ICMPv4(msg)
	icmpHdr.SetType(header.ICMPv4Echo)
	icmpHdr.SetIdent(p.opts.ID)
	icmpHdr.SetSequence(seq)
	data := msg[header.ICMPv4MinimumSize:]
	if len(data) >= 8 {
		binary.BigEndian.PutUint64(data, uint64(clock.Now().UnixNano()))
		for i := 8; i < len(data); i++ {
			data[i] = byte(i)
		}
	}
	icmpHdr.SetChecksum(0)
	icmpHdr.SetChecksum(^checksum.Checksum(msg, 0))
	p.mu.Lock()
	if p.sentAt == nil {
		p.sentAt, p.answered = map[uint16]tcpip.MonotonicTime{}, map[uint16]bool{}
	}
	p.sentAt[seq] = clock.NowMonotonic()
	delete(p.answered, seq)
	p.mu.Unlock()

	var r bytes.Reader
	r.Reset(msg)
	to := tcpip.WriteOptions{To: &tcpip.FullAddress{Addr: tcpAddr(p.dst)}}
	_, err := p.ep.Write(&r, to)
	if _, tooLong := err.(*tcpip.ErrMessageTooLong); tooLong && !p.opts.DontFragment {
		err = p.writeLarge(msg, to)
	}
	if err != nil {
		switch err.(type) {
		case *tcpip.ErrHostUnreachable, *tcpip.ErrNetworkUnreachable:
			return ErrNetworkUnreachable
		case *tcpip.ErrMessageTooLong:
			return &LocalError{MTU: p.mtu()}
		}
		return fmt.Errorf("ping: sendmsg: %s", err)
	}
	p.noteQueued(seq)
	return nil
}

// LocalError is a probe the namespace refused to send: larger than the
// route's MTU with DF set (iputils reads it from the socket's error queue,
// counts it as an error and goes on).
type LocalError struct{ MTU uint32 }

func (e *LocalError) Error() string {
	return fmt.Sprintf("ping: local error: message too long, mtu=%d", e.MTU)
}

// Recv waits up to timeout (on the emulator clock) for the next answer to
// any probe sent: an echo reply or an ICMP error quoting a probe. Replies
// that come late, after later probes were sent, are returned too, as ping
// counts them.
func (p *Pinger) Recv(ctx context.Context, timeout time.Duration) (PingReply, error) {
	var rep PingReply
	var perr error
	spinUntil := time.Now().Add(recvSpin)
	look := func() bool {
		for {
			r, ok, err := p.poll()
			if err != nil || ok {
				rep, perr = r, err
				return true
			}
			if !time.Now().Before(spinUntil) {
				return false
			}
			// Yield rather than park: the goroutines carrying the
			// probe and its answer (a bridge's, a veth's) run on this
			// thread meanwhile, and the answer is read without a
			// wake-up.
			runtime.Gosched()
		}
	}
	ok, err := heldWait(ctx, p.st.clock, &p.running, timeout, look, &p.wq, &p.fail.wq)
	switch {
	case err != nil:
		return PingReply{}, err
	case !ok:
		return PingReply{}, ErrTimeout
	case perr != nil:
		return PingReply{}, perr
	}
	return rep, nil
}

// recvSpin is how long Recv polls, yielding, before it parks: a round
// trip inside the emulator takes tens of microseconds, and parking costs
// two thread wake-ups of about as much.
const recvSpin = 50 * time.Microsecond

// poll takes the next answer waiting, if any: ok false with no error when
// there is none yet.
func (p *Pinger) poll() (PingReply, bool, error) {
	for {
		if rep, ok := p.takeFailed(); ok {
			return rep, true, nil
		}
		var buf bytes.Buffer
		_, err := p.ep.Read(&buf, tcpip.ReadOptions{})
		if err == nil {
			if rep, ok := p.accept(buf.Bytes()); ok {
				return rep, true, nil
			}
			continue
		}
		if _, wb := err.(*tcpip.ErrWouldBlock); wb {
			return PingReply{}, false, nil
		}
		switch err.(type) {
		case *tcpip.ErrHostUnreachable:
			return PingReply{From: p.src, Error: "Destination Host Unreachable"}, true, nil
		}
		return PingReply{}, false, fmt.Errorf("ping: recvmsg: %s", err)
	}
}

// accept reads a packet as an answer to one of p's probes.
func (p *Pinger) accept(b []byte) (PingReply, bool) {
	rep, ok := p.match(b)
	if !ok {
		return rep, false
	}
	p.mu.Lock()
	sent, known := p.sentAt[rep.Seq]
	if known && rep.Error == "" {
		rep.Dup = p.answered[rep.Seq]
		p.answered[rep.Seq] = true
	}
	p.mu.Unlock()
	if !known {
		return rep, false // an answer to no probe of ours
	}
	rep.RTT = p.st.clock.NowMonotonic().Sub(sent)
	return rep, true
}

// writeLarge sends a probe larger than the route's MTU through an ICMP
// datagram endpoint bound to the probe's ID: gVisor's raw endpoints refuse
// to fragment (Linux's do), its ICMP endpoints let IP fragment. Replies are
// still read from the raw endpoint.
func (p *Pinger) writeLarge(msg []byte, to tcpip.WriteOptions) tcpip.Error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return &tcpip.ErrClosedForSend{}
	}
	if p.large == nil {
		var wq waiter.Queue
		ep, err := p.st.s.NewEndpoint(icmp.ProtocolNumber4, ipv4.ProtocolNumber, &wq)
		if err != nil {
			return err
		}
		if err := ep.Bind(tcpip.FullAddress{Port: p.opts.ID}); err != nil {
			ep.Close()
			return err
		}
		if p.opts.TTL != 0 {
			_ = ep.SetSockOptInt(tcpip.IPv4TTLOption, int(p.opts.TTL))
		}
		_ = ep.SetSockOptInt(tcpip.MTUDiscoverOption, int(tcpip.PMTUDiscoveryDont))
		_ = ep.SocketOptions().SetBindToDevice(p.ep.SocketOptions().GetBindToDevice())
		p.large = ep
	}
	var r bytes.Reader
	r.Reset(msg)
	_, err := p.large.Write(&r, to)
	return err
}

func (p *Pinger) mtu() uint32 {
	r, err := p.st.RouteGet(p.dst)
	if err != nil {
		return 0
	}
	n, ok := p.st.LookupNIC(r.Dev)
	if !ok {
		return 0
	}
	return n.Link.MTU()
}

// match parses an IPv4 packet read from the raw socket and reports whether
// it answers probe seq.
func (p *Pinger) match(pkt []byte) (PingReply, bool) {
	ip := header.IPv4(pkt)
	if len(pkt) < header.IPv4MinimumSize || !ip.IsValid(len(pkt)) {
		return PingReply{}, false
	}
	body := pkt[ip.HeaderLength():ip.TotalLength()]
	if len(body) < header.ICMPv4MinimumSize {
		return PingReply{}, false
	}
	ic := header.ICMPv4(body)
	from := netAddr(ip.SourceAddress())
	switch ic.Type() {
	case header.ICMPv4EchoReply:
		seq := ic.Sequence()
		if ic.Ident() != p.opts.ID {
			return PingReply{}, false
		}
		return PingReply{From: from, Seq: seq, TTL: ip.TTL(), Bytes: len(body)}, true
	case header.ICMPv4DstUnreachable, header.ICMPv4TimeExceeded:
		// The error quotes our probe: IP header + 8 bytes of ICMP.
		inner := body[header.ICMPv4MinimumSize:]
		iip := header.IPv4(inner)
		if len(inner) < header.IPv4MinimumSize || len(inner) < int(iip.HeaderLength())+8 {
			return PingReply{}, false
		}
		q := header.ICMPv4(inner[iip.HeaderLength():])
		seq := q.Sequence()
		if q.Type() != header.ICMPv4Echo || q.Ident() != p.opts.ID {
			return PingReply{}, false
		}
		return PingReply{From: from, Seq: seq, TTL: ip.TTL(), Bytes: len(body), Error: icmpErrorText(ic)}, true
	}
	return PingReply{}, false
}

func icmpErrorText(ic header.ICMPv4) string {
	if ic.Type() == header.ICMPv4TimeExceeded {
		return "Time to live exceeded"
	}
	switch ic.Code() {
	case header.ICMPv4NetUnreachable:
		return "Destination Net Unreachable"
	case header.ICMPv4HostUnreachable:
		return "Destination Host Unreachable"
	case header.ICMPv4ProtoUnreachable:
		return "Destination Protocol Unreachable"
	case header.ICMPv4PortUnreachable:
		return "Destination Port Unreachable"
	case header.ICMPv4FragmentationNeeded:
		return fmt.Sprintf("Frag needed and DF set (mtu = %d)", ic.MTU())
	case header.ICMPv4NetProhibited, header.ICMPv4HostProhibited, header.ICMPv4AdminProhibited:
		return "Packet filtered"
	}
	return fmt.Sprintf("Dest Unreachable, Bad Code: %d", ic.Code())
}

// Ping is a one-probe convenience: it sends one echo request to dst and
// waits up to timeout.
func (st *Stack) Ping(ctx context.Context, dst netip.Addr, timeout time.Duration) (PingReply, error) {
	p, err := st.NewPinger(dst, PingOptions{Timeout: timeout})
	if err != nil {
		return PingReply{}, err
	}
	defer p.Close()
	return p.Ping(ctx, 1)
}
