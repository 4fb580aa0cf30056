// Package uplink connects an emulated world to the real network: it gives
// the host's root namespace an Ethernet device eth0 whose wire leads out
// of the emulation, in one of two ways.
//
//   - TAP (--uplink tap:NAME): eth0's frames go to and come from the real
//     TAP device NAME (github.com/songgao/water). The script configures
//     eth0 like any interface; NAT is the emulated host's (Docker's
//     MASQUERADE, or the script's rules); the real kernel reaches eth0's
//     address. Frames from the device are checked (lengths, checksums)
//     before the emulation sees them; bad ones are dropped and counted.
//   - Host (--uplink host[,loopback]), rootless, as QEMU's user-mode
//     network: eth0 is 10.0.2.15/24, its gateway 10.0.2.2 an emulated
//     router that terminates every TCP and UDP flow and re-originates it
//     from ordinary sockets of the nsemu process; ping leaves through
//     unprivileged ICMP sockets; 10.0.2.3 answers DNS from the real
//     machine's resolver. 10.0.2.2 reaches the real machine's loopback
//     only with the loopback option.
//
// With either, ports the emulated host publishes (`docker run -p`, and
// Uplink.Publish for its own services) also listen on the real machine —
// on 127.0.0.1 unless an address is asked for — through the world's
// emu.Exposer hook, so that emu/docker need not know about uplinks.
//
// An uplink keeps the world's clock at wall time (emu.World.SetRealtime):
// real peers answer in real time, and a jump over an idle wait would fire
// the emulated TCP retransmissions and curl's timeouts before their
// replies arrive.
package uplink

import (
	"fmt"
	"io"
	"net"
	"net/netip"
	"sync"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/stack"
	"github.com/nsemu/nsemu/vethsim"
)

// Device is the name of the uplink's device in the host's namespace.
const Device = "eth0"

// Options tune an uplink.
type Options struct {
	// Log receives the uplink's messages for the person running nsemu
	// (ports listening on the real machine, refusals, hints), one line
	// each, "nsemu: uplink: ..."; nil discards them.
	Log io.Writer
	// Resolver answers the DNS questions the host uplink's 10.0.2.3
	// receives; nil is the real machine's (net.DefaultResolver).
	Resolver Resolver

	// Tests' hooks: a fake TAP device, and a map of the destinations the
	// gateway sees to real ones (TEST-NET addresses to loopback).
	openTAP func(name string) (io.ReadWriteCloser, bool, error)
	realDst func(netip.Addr) (netip.Addr, error)
}

// Uplink is a running uplink. Close it (or close the world) to release the
// TAP device and the real sockets.
type Uplink struct {
	w    *emu.World
	spec Spec
	log  *logger
	dev  *emu.Device
	wire *vethsim.End
	tap  *tapWire
	gw   *gateway
	prt  *ports

	wasRealtime    bool
	restoreExposer func()
	cancelHook     func()
	once           sync.Once
}

// Start gives w's host namespace its uplink. Nothing is changed when it
// fails (the TAP device is opened before eth0 is made).
func Start(w *emu.World, spec Spec, opts Options) (*Uplink, error) {
	u := &Uplink{w: w, spec: spec, log: newLogger(opts.Log)}
	var err error
	switch spec.Mode {
	case TAP:
		err = u.startTAP(opts)
	case Host:
		err = u.startHost(opts)
	default:
		err = fmt.Errorf("uplink: unknown mode %v", spec.Mode)
	}
	if err != nil {
		return nil, err
	}
	host := w.Host()
	u.prt = newPorts(host, u.log)
	u.wasRealtime = w.Realtime()
	w.SetRealtime(true)
	u.restoreExposer = w.SetExposer(u.prt)
	u.cancelHook = host.OnDestroy(u.shutdown)
	return u, nil
}

// startTAP opens the TAP device and makes eth0 its emulated side: down,
// without addresses, as a new NIC is.
func (u *Uplink) startTAP(opts Options) error {
	open := opts.openTAP
	if open == nil {
		open = openTAP
	}
	dev, created, err := open(u.spec.Device)
	if err != nil {
		return err
	}
	d, wire, err := u.w.Host().AddEther(Device, emu.EtherConfig{MAC: vethsim.RandomMAC()})
	if err != nil {
		dev.Close()
		return fmt.Errorf("%s: %w", Device, err)
	}
	u.dev, u.wire = d, wire
	if created {
		u.log.printf("created TAP device %s (it goes when nsemu ends); give the real side an address, e.g. ip addr add 192.0.2.1/24 dev %s", u.spec.Device, u.spec.Device)
	}
	u.tap = newTapWire(u.spec.Device, dev, wire, u.w.Bus(), u.w.Clock(), u.log)
	return nil
}

// startHost makes eth0 and the gateway, and configures the emulated host
// as QEMU's user-mode network does its guest: 10.0.2.15/24, default route
// via 10.0.2.2, name server 10.0.2.3, lo up.
func (u *Uplink) startHost(opts Options) error {
	r := opts.Resolver
	if r == nil {
		r = net.DefaultResolver
	}
	host := u.w.Host()
	d, wire, err := host.AddEther(Device, emu.EtherConfig{MAC: HostMAC, WireMAC: GatewayMAC, GSO: true})
	if err != nil {
		return fmt.Errorf("%s: %w", Device, err)
	}
	u.dev, u.wire = d, wire
	gw, err := newGateway(wire, u.w.Clock(), u.spec.Loopback, r, u.log)
	if err != nil {
		return err
	}
	u.gw = gw
	if opts.realDst != nil {
		gw.realDst = opts.realDst
	}
	steps := []func() error{
		func() error { return host.SetLinkUp("lo", true) },
		func() error { return host.AddAddr(Device, HostPrefix) },
		func() error { return host.SetLinkUp(Device, true) },
		func() error {
			return host.Stack().AddRoute(stack.Route{Dst: netip.MustParsePrefix("0.0.0.0/0"), Gateway: GatewayAddr, Dev: Device})
		},
	}
	for _, f := range steps {
		if err := f(); err != nil {
			gw.close()
			return fmt.Errorf("configuring %s: %w", Device, err)
		}
	}
	u.w.SetResolvConf("nameserver " + DNSAddr.String() + "\n")
	return nil
}

// Publish makes the real machine's p.Real:p.RealPort (127.0.0.1 unless
// given) reach port p.Port of the emulated host (nsemu run --publish).
func (u *Uplink) Publish(p Publish) error {
	x := emu.Exposure{Proto: p.Proto, Listen: netip.AddrPortFrom(netip.IPv4Unspecified(), p.Port),
		Real: p.Real, Port: p.RealPort, Owner: fmt.Sprintf("the emulated host's port %d (--publish %s)", p.Port, p)}
	_, err := u.w.Expose(u.w.Host(), x)
	if err != nil {
		return fmt.Errorf("--publish %s: %w", p, err)
	}
	return nil
}

// Spec returns what the uplink was started with.
func (u *Uplink) Spec() Spec { return u.spec }

// Dropped returns the frames from the TAP device dropped on arrival so
// far, by reason (none for the host uplink).
func (u *Uplink) Dropped() map[Drop]uint64 {
	if u.tap == nil {
		return map[Drop]uint64{}
	}
	return u.tap.Dropped()
}

// Close stops the uplink: the real ports close, every relayed flow ends,
// the TAP device is released (one nsemu created goes), eth0 loses its
// carrier. The world keeps running. Closing twice is not an error.
func (u *Uplink) Close() error {
	u.once.Do(func() {
		u.cancelHook()
		u.stop()
	})
	return nil
}

// shutdown is the host namespace's destroy hook: the world is closing.
func (u *Uplink) shutdown() { u.once.Do(u.stop) }

func (u *Uplink) stop() {
	u.restoreExposer()
	u.prt.close()
	if u.tap != nil {
		u.tap.close()
	}
	if u.gw != nil {
		u.gw.close()
	}
	u.w.SetRealtime(u.wasRealtime)
}
