package stack

import (
	"bytes"
	"context"
	"fmt"
	"net/netip"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/waiter"
)

// The UDP prober's second way to work, tracepath's: probes sent without
// waiting (Send), then a wait for whatever comes (Wait) and the errors
// read one by one (NextError), as a UDP socket with IP_RECVERR and
// IP_MTU_DISCOVER set reads its error queue. Frames are matched to the
// probes by the raw ICMP socket (udpprobe.go).

// ProbeError is one entry of the prober's error queue.
type ProbeError struct {
	// Local: the namespace refused the probe itself, larger than the path
	// MTU with DF set (EMSGSIZE, SO_EE_ORIGIN_LOCAL); no ICMP came.
	Local bool
	// From is the ICMP error's sender.
	From netip.Addr
	// Type and Code are the ICMP error's.
	Type header.ICMPv4Type
	Code header.ICMPv4Code
	// MTU is the next-hop MTU a "fragmentation needed" reports, or the
	// path MTU of a local error.
	MTU uint32
	// Port is the destination port of the probe the error quotes (0 for a
	// local error, as Linux reports it on an unconnected socket).
	Port uint16
	// TTL is the error packet's TTL on arrival (IP_RECVTTL).
	TTL uint8
}

// errQueue is the prober's queue of errors and its program's hold.
type errQueue struct {
	df      bool
	queue   []ProbeError
	running wakeHold
}

// SetDontFragment sets DF on the probes (IP_PMTUDISC_DO): a probe larger
// than the path MTU is refused locally, a router's "fragmentation needed"
// teaches the namespace the path's MTU (LearnPMTU).
func (p *UDPProber) SetDontFragment(on bool) {
	p.errq.df = on
	mode := tcpip.PMTUDiscoveryDont
	if on {
		mode = tcpip.PMTUDiscoveryDo
	}
	_ = p.udp.SetSockOptInt(tcpip.MTUDiscoverOption, int(mode))
}

// SetHold counts the prober's program as running (PingOptions.Hold's
// meaning) from now, and from each wake-up of Probe or Wait until it
// blocks again or the prober closes (heldWait).
func (p *UDPProber) SetHold(hold func() (release func())) { p.errq.running.start(hold) }

// Send sends size bytes of UDP data to port of the destination with the
// given TTL, without waiting. A probe larger than the path MTU with DF set
// is not sent: Send queues a local error and returns a *LocalError. No
// route is ErrNetworkUnreachable.
func (p *UDPProber) Send(ttl uint8, port uint16, size int) error {
	mtu, err := p.st.PathMTU(p.dst)
	if err != nil {
		return ErrNetworkUnreachable
	}
	if p.errq.df && size+header.IPv4MinimumSize+header.UDPMinimumSize > int(mtu) {
		return p.localError(mtu)
	}
	if terr := p.udp.SetSockOptInt(tcpip.IPv4TTLOption, int(ttl)); terr != nil {
		return fmt.Errorf("setsockopt IP_TTL: %s", terr)
	}
	var r bytes.Reader
	r.Reset(make([]byte, size))
	_, terr := p.udp.Write(&r, tcpip.WriteOptions{To: &tcpip.FullAddress{Addr: tcpAddr(p.dst), Port: port}})
	switch terr.(type) {
	case nil:
		return nil
	case *tcpip.ErrMessageTooLong:
		return p.localError(mtu)
	case *tcpip.ErrHostUnreachable, *tcpip.ErrNetworkUnreachable:
		return ErrNetworkUnreachable
	}
	return fmt.Errorf("sendto: %s", terr)
}

func (p *UDPProber) localError(mtu uint32) error {
	p.errq.queue = append(p.errq.queue, ProbeError{Local: true, MTU: mtu})
	return &LocalError{MTU: mtu}
}

// Wait blocks until an error is queued or data came (ReadData), or until
// deadline on the emulator clock (then it returns nil too, as select
// does). It returns ctx's error when ctx ends.
func (p *UDPProber) Wait(ctx context.Context, deadline tcpip.MonotonicTime) error {
	clock := p.st.clock
	_, err := heldWait(ctx, clock, &p.errq.running, deadline.Sub(clock.NowMonotonic()), p.ready, &p.rawWQ, &p.udpWQ)
	return err
}

// ready reports whether an error is queued or data is waiting.
func (p *UDPProber) ready() bool {
	p.drain()
	return len(p.errq.queue) > 0 || p.udp.Readiness(waiter.ReadableEvents) != 0
}

// ReadData reads a datagram that answered a probe, if one is waiting.
func (p *UDPProber) ReadData() bool {
	var buf bytes.Buffer
	_, err := p.udp.Read(&buf, tcpip.ReadOptions{})
	return err == nil
}

// NextError takes the oldest queued error, if any.
func (p *UDPProber) NextError() (ProbeError, bool) {
	p.drain()
	if len(p.errq.queue) == 0 {
		return ProbeError{}, false
	}
	e := p.errq.queue[0]
	p.errq.queue = p.errq.queue[1:]
	return e, true
}

// drain moves the ICMP errors quoting a probe from the raw socket to the
// queue; a "fragmentation needed" teaches the namespace the path's MTU.
func (p *UDPProber) drain() {
	for {
		var buf bytes.Buffer
		if _, terr := p.raw.Read(&buf, tcpip.ReadOptions{}); terr != nil {
			return
		}
		e, ok := p.parseError(buf.Bytes())
		if !ok {
			continue
		}
		if e.MTU != 0 {
			p.st.LearnPMTU(p.dst, e.MTU)
		}
		p.errq.queue = append(p.errq.queue, e)
	}
}
