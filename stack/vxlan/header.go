// Package vxlan is the VXLAN link type of the emulated kernel (RFC 7348):
// a device whose Ethernet frames travel inside UDP datagrams of its
// namespace's stack, so the underlay is the emulated network itself (or,
// through an uplink, the real one).
//
// A Device is the hidden "wire" end of a vethsim pair: the other end is the
// namespace's vxlan device (a NIC of its stack, or a bridge port). Frames
// the device sends arrive at the wire (Receive); the Device's sender
// goroutine looks their destination up in the FDB, prepends the 8-byte
// VXLAN header and writes each copy as a UDP datagram from the namespace's
// stack, which routes it (iptables, neighbours and all). A Socket is one UDP
// port of a stack, shared by the namespace's vxlan devices on that port as
// Linux shares a vxlan_sock: gVisor hands it each datagram for the port
// inside delivery (HandlePacket), where it checks the header, finds the
// device by VNI, learns the inner source MAC and transmits the inner frame
// into the wire, which never blocks. What is not a good VXLAN frame is
// dropped and counted (Drop).
//
// The package owns the encapsulation, the FDB and the sockets' demux; the
// namespace (package emu) owns the devices' lifecycle and which sockets it
// has.
package vxlan

import "encoding/binary"

// Sizes and limits (RFC 7348; linux/if_link.h, drivers/net/vxlan).
const (
	// HeaderLen is the VXLAN header: flags, reserved, VNI, reserved.
	HeaderLen = 8
	// Overhead is what encapsulation adds to an inner frame's IP packet
	// size over IPv4: outer IPv4 (20), UDP (8), VXLAN (8) and the inner
	// Ethernet header (14). A device's default MTU is its lower device's
	// minus this.
	Overhead = 50
	// MaxVNI is the largest 24-bit VXLAN network identifier.
	MaxVNI = 1<<24 - 1
	// IANAPort is the port RFC 7348 assigns (flannel uses KernelPort).
	IANAPort = 4789
	// KernelPort is Linux's default destination port when none is given
	// (iproute2 warns about it), the one from before IANA's assignment.
	KernelPort = 8472
	// flagI is the "valid VNI" flag, the only one VXLAN defines.
	flagI = 0x08
	// ethHeaderLen is the inner frame's shortest possible length.
	ethHeaderLen = 14
)

// Drop is why a datagram or frame was not carried.
type Drop int

// Reasons for drops, in the order Linux's vxlan_rcv checks them.
const (
	DropNone Drop = iota
	// DropShort: the UDP payload is shorter than a VXLAN header.
	DropShort
	// DropNoVNIFlag: the I flag is clear.
	DropNoVNIFlag
	// DropReserved: a reserved bit is set (Linux treats the frame as
	// malformed rather than ignoring the bits).
	DropReserved
	// DropUnknownVNI: no device of the socket has the VNI.
	DropUnknownVNI
	// DropInnerShort: the inner frame is shorter than an Ethernet header.
	DropInnerShort
	// DropOwnMAC: the inner frame comes from the device's own MAC (a
	// loop).
	DropOwnMAC
	// DropChecksum: the UDP checksum is wrong.
	DropChecksum
	// DropDown: the device is down.
	DropDown
	numDrops
)

var dropNames = [...]string{"", "shorter than a VXLAN header", "VNI flag clear", "reserved bits set",
	"unknown VNI", "inner frame too short", "inner source is the device's own MAC", "bad UDP checksum", "device down"}

func (d Drop) String() string { return dropNames[d] }

// PutHeader writes a VXLAN header for vni into b[:HeaderLen].
func PutHeader(b []byte, vni uint32) {
	binary.BigEndian.PutUint32(b[0:4], flagI<<24)
	binary.BigEndian.PutUint32(b[4:8], vni<<8)
}

// Parse checks a VXLAN datagram's payload as Linux's vxlan_rcv does and
// returns its VNI and inner frame (a subslice of b). It does not know the
// VNIs in use: the caller drops DropUnknownVNI.
func Parse(b []byte) (vni uint32, inner []byte, d Drop) {
	if len(b) < HeaderLen {
		return 0, nil, DropShort
	}
	flags := binary.BigEndian.Uint32(b[0:4])
	word := binary.BigEndian.Uint32(b[4:8])
	if flags&(flagI<<24) == 0 {
		return 0, nil, DropNoVNIFlag
	}
	if flags != flagI<<24 || word&0xff != 0 {
		return 0, nil, DropReserved
	}
	inner = b[HeaderLen:]
	if len(inner) < ethHeaderLen {
		return word >> 8, nil, DropInnerShort
	}
	return word >> 8, inner, DropNone
}
