package shell_test

import (
	"bytes"
	"context"
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/shell"
	"github.com/nsemu/nsemu/stack"
)

// ntScriptResult is what a script printed and how it ended.
type ntScriptResult struct {
	out, err string
	status   int
}

// ntRunScript runs a script through RunScript in namespace ns of w. err is
// the whole standard error, the failing command's last line included.
func ntRunScript(t *testing.T, w *emu.World, ns *emu.Namespace, src string) ntScriptResult {
	t.Helper()
	var out, errb bytes.Buffer
	sh := shell.New(w, nil, &out, &errb)
	sh.NS = ns
	err := sh.RunScript(context.Background(), "t.sh", strings.NewReader(src), nil)
	r := ntScriptResult{out: out.String(), err: errb.String()}
	var se *shell.ScriptError
	switch {
	case errors.As(err, &se):
		r.status = se.Status
		r.err += se.Msg + "\n"
	case err != nil:
		t.Fatal(err)
	}
	return r
}

// ntSeedWorld builds seed 002 with the Go API: ns1 (192.168.28.1) on the
// host's vbridge (192.168.28.5), default route through it; the host's ens33
// (192.168.17.10, default via 192.168.17.2) goes to "upstream", which also
// owns 203.0.113.8.
func ntSeedWorld(t *testing.T) (w *emu.World, ns1, up *emu.Namespace) {
	t.Helper()
	w = emu.New(emu.Options{})
	must := func(err error) {
		t.Helper()
		if err != nil {
			w.Close()
			t.Fatal(err)
		}
	}
	host := w.Host()
	ns1, err := w.AddNamespace("ns1")
	must(err)
	_, err = host.AddBridge("vbridge")
	must(err)
	must(host.SetLinkUp("vbridge", true))
	_, _, err = host.AddVeth("veth-1", "veth-1-br", nil)
	must(err)
	must(host.MoveLink("veth-1", ns1))
	must(host.SetMaster("veth-1-br", "vbridge"))
	must(ns1.AddAddr("veth-1", netip.MustParsePrefix("192.168.28.1/24")))
	must(ns1.SetLinkUp("veth-1", true))
	must(host.SetLinkUp("veth-1-br", true))
	must(host.AddAddr("vbridge", netip.MustParsePrefix("192.168.28.5/24")))
	must(ns1.Stack().AddRoute(stack.Route{Dst: netip.MustParsePrefix("0.0.0.0/0"), Gateway: netip.MustParseAddr("192.168.28.5")}))
	up, err = w.AddNamespace("upstream")
	must(err)
	_, _, err = host.AddVeth("ens33", "eth0", up)
	must(err)
	must(host.AddAddr("ens33", netip.MustParsePrefix("192.168.17.10/24")))
	must(host.SetLinkUp("ens33", true))
	must(host.Stack().AddRoute(stack.Route{Dst: netip.MustParsePrefix("0.0.0.0/0"), Gateway: netip.MustParseAddr("192.168.17.2"), Metric: 100}))
	must(up.AddAddr("eth0", netip.MustParsePrefix("192.168.17.2/24")))
	must(up.AddAddr("eth0", netip.MustParsePrefix("203.0.113.8/24")))
	must(up.SetLinkUp("eth0", true))
	must(up.SetLinkUp("lo", true))
	return w, ns1, up
}
