package emu

import (
	"net/netip"
	"strings"
	"testing"
)

func TestLinkInfos(t *testing.T) {
	w := New(Options{})
	defer w.Close()
	ns1, err := w.AddNamespace("ns1")
	if err != nil {
		t.Fatal(err)
	}
	h := w.Host()
	if _, err := h.AddBridge("br0"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := h.AddVeth("v1", "v1-br", nil); err != nil {
		t.Fatal(err)
	}
	if err := h.MoveLink("v1", ns1); err != nil {
		t.Fatal(err)
	}
	if err := h.SetMaster("v1-br", "br0"); err != nil {
		t.Fatal(err)
	}
	if err := ns1.AddAddr("v1", netip.MustParsePrefix("10.0.0.1/24")); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range []*Namespace{h, ns1} {
		for _, li := range n.LinkInfos() {
			s := n.Name() + "/" + li.Name + " " + li.Kind.String() + " master=" + li.Master
			if li.Peer != nil {
				s += " peer=" + li.Peer.Name() + "/" + li.PeerName
			}
			for _, a := range li.Addrs {
				s += " " + a.String()
			}
			got = append(got, s)
		}
	}
	want := []string{
		"host/lo loopback master= 127.0.0.1/8",
		"host/br0 bridge master=",
		"host/v1-br veth master=br0 peer=ns1/v1",
		"ns1/lo loopback master= 127.0.0.1/8",
		"ns1/v1 veth master= peer=host/v1-br 10.0.0.1/24",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("LinkInfos:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
