package stack

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"testing"
)

// sockLine describes a socket for the tests: proto, state, the side that
// is not ephemeral, and its owner.
func sockLine(s Socket) string {
	side := "local " + s.Local.String()
	if s.Local.Port() >= 32768 {
		side = "remote " + s.Remote.String()
	}
	owner := "-"
	if s.Owner != nil {
		owner = fmt.Sprintf("%s/%d/%d", s.Owner.Name, s.Owner.PID, s.Owner.FD)
	}
	return fmt.Sprintf("%s %d %s q=%d/%d %s", s.Proto, s.State, side, s.RecvQ, s.SendQ, owner)
}

func sockLines(st *Stack) []string {
	var out []string
	for _, s := range st.Sockets() {
		out = append(out, sockLine(s))
	}
	slices.Sort(out)
	return out
}

// TestSocketsOwners: a listener's program owns what it accepts, on the
// lowest descriptors after the listener's that its open connections do
// not hold; a closed connection has no owner; UDP sockets are UNCONN or,
// connected, ESTAB.
func TestSocketsOwners(t *testing.T) {
	l := newLab(t)
	st := l.stack("a")
	if err := st.SetUp("lo", true); err != nil {
		t.Fatalf("SetUp(lo): %v", err)
	}
	ln, err := st.ListenTCP(netip.MustParseAddrPort("0.0.0.0:8000"), OwnedBy(Owner{"srv", 10, 3}), Backlog(5))
	if err != nil {
		t.Fatalf("ListenTCP: %v", err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn)
	go func() {
		defer close(accepted)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted <- c
		}
	}()
	dst := netip.MustParseAddrPort("127.0.0.1:8000")
	dial := func(pid int) (net.Conn, net.Conn) {
		t.Helper()
		c, err := st.DialTCP(context.Background(), dst, OwnedBy(Owner{"cli", pid, 3}))
		if err != nil {
			t.Fatalf("DialTCP(%v): %v", dst, err)
		}
		return c, <-accepted
	}
	c1, s1 := dial(20)
	c2, s2 := dial(21)
	defer c1.Close()
	defer c2.Close()
	defer s2.Close()
	want := []string{
		"tcp 1 local 127.0.0.1:8000 q=0/0 srv/10/4",
		"tcp 1 local 127.0.0.1:8000 q=0/0 srv/10/5",
		"tcp 1 remote 127.0.0.1:8000 q=0/0 cli/20/3",
		"tcp 1 remote 127.0.0.1:8000 q=0/0 cli/21/3",
		"tcp 10 local 0.0.0.0:8000 q=0/5 srv/10/3",
	}
	if got := sockLines(st); !slices.Equal(got, want) {
		t.Errorf("Sockets():\n got %q\nwant %q", got, want)
	}
	s1.Close()
	c3, s3 := dial(22)
	defer c3.Close()
	defer s3.Close()
	var s3fd int
	for _, s := range st.Sockets() {
		if s.Local.Port() == 8000 && s.Remote == s3.RemoteAddr().(*net.TCPAddr).AddrPort() && s.Owner != nil {
			s3fd = s.Owner.FD
		}
		if s.Local.Port() == 8000 && s.Remote == s1.RemoteAddr().(*net.TCPAddr).AddrPort() && s.Owner != nil {
			t.Errorf("the closed connection %v still has an owner: %+v", s.Remote, *s.Owner)
		}
	}
	if s3fd != 4 {
		t.Errorf("a connection accepted after fd 4 was closed got fd %d, want 4", s3fd)
	}

	u, err := st.ListenUDP(netip.MustParseAddrPort("0.0.0.0:5353"), OwnedBy(Owner{"udp", 30, 3}))
	if err != nil {
		t.Fatalf("ListenUDP: %v", err)
	}
	defer u.Close()
	uc, err := st.DialUDP(netip.MustParseAddrPort("127.0.0.1:5353"), OwnedBy(Owner{"udpc", 31, 3}))
	if err != nil {
		t.Fatalf("DialUDP: %v", err)
	}
	defer uc.Close()
	var udp []string
	for _, l := range sockLines(st) {
		if l[:3] == "udp" {
			udp = append(udp, l)
		}
	}
	if want := []string{"udp 1 remote 127.0.0.1:5353 q=0/0 udpc/31/3", "udp 7 local 0.0.0.0:5353 q=0/0 udp/30/3"}; !slices.Equal(udp, want) {
		t.Errorf("UDP sockets:\n got %q\nwant %q", udp, want)
	}
}
