package nettools

import (
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/nsemu/nsemu/emu/shell"
)

// exitErr returns err's status and message, or -1 and err's text when err
// is not an *shell.ExitError.
func exitErr(err error) (int, string) {
	var e *shell.ExitError
	if !errors.As(err, &e) {
		return -1, err.Error()
	}
	return e.Status, e.Msg
}

// fuzzArgs splits a fuzzed line into arguments at NUL bytes.
func fuzzArgs(line string) []string {
	if line == "" {
		return nil
	}
	return strings.Split(line, "\x00")
}

// checkFuzzErr fails the test unless err is nil or a command's error with
// one of statuses and a message.
func checkFuzzErr(t *testing.T, args []string, err error, statuses ...int) {
	t.Helper()
	if err == nil {
		return
	}
	st, msg := exitErr(err)
	for _, s := range statuses {
		if st == s && msg != "" {
			return
		}
	}
	t.Fatalf("%q: error status %d %q, want one of %v", args, st, msg, statuses)
}

func TestInetAton(t *testing.T) {
	for _, c := range []struct {
		in, want string
	}{{"0", "0.0.0.0"}, {"10.1", "10.0.0.1"}, {"10.1.2", "10.1.0.2"}, {"192.168.28.1", "192.168.28.1"},
		{"0x7f.1", "127.0.0.1"}, {"010.0.0.1", "8.0.0.1"}, {"300.1.1.1", ""}, {"1.2.3.4.5", ""}, {"1..2", ""},
		{"", ""}, {"-1", ""}, {"4294967295", "255.255.255.255"}, {"4294967296", ""}, {"foo", ""}} {
		a, ok := inetAton(c.in)
		got := ""
		if ok {
			got = a.String()
		}
		if got != c.want {
			t.Errorf("inetAton(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestStrtoul(t *testing.T) {
	for _, c := range []struct {
		in   string
		base int
		want uint64
		ok   bool
	}{
		{"0", 0, 0, true}, {"12", 10, 12, true}, {" \t+12", 10, 12, true}, {"-1", 10, 1<<64 - 1, true},
		{"0x1f", 0, 31, true}, {"0X1F", 0, 31, true}, {"017", 0, 15, true}, {"018", 0, 0, false},
		{"0x", 0, 0, false}, {"0xg", 0, 0, false}, {"0x1f", 10, 0, false}, {"", 10, 0, false},
		{"-", 10, 0, false}, {"12 ", 10, 0, false}, {"18446744073709551615", 10, 1<<64 - 1, true},
		{"18446744073709551616", 10, 0, false}, {"99999999999999999999", 10, 0, false},
	} {
		got, ok := strtoul(c.in, c.base)
		if got != c.want || ok != c.ok {
			t.Errorf("strtoul(%q, %d) = %d, %v; want %d, %v", c.in, c.base, got, ok, c.want, c.ok)
		}
	}
}

func TestMasks(t *testing.T) {
	for _, c := range []struct {
		mask string
		bits int
		ok   bool
	}{{"0.0.0.0", 0, true}, {"255.255.255.255", 32, true}, {"255.255.254.0", 23, true}, {"255.0.255.0", 0, false}, {"0.0.0.1", 0, false}} {
		bits, ok := maskBits(netip.MustParseAddr(c.mask))
		if bits != c.bits || ok != c.ok {
			t.Errorf("maskBits(%s) = %d, %v; want %d, %v", c.mask, bits, ok, c.bits, c.ok)
		}
		if ok && mask(bits).String() != c.mask {
			t.Errorf("mask(%d) = %s, want %s", bits, mask(bits), c.mask)
		}
	}
	if b := broadcast(netip.MustParsePrefix("10.1.2.3/16")); b.String() != "10.1.255.255" {
		t.Errorf("broadcast(10.1.2.3/16) = %s", b)
	}
	for a, want := range map[string]int{"0.0.0.0": 0, "10.0.0.1": 8, "172.16.0.1": 16, "192.168.0.1": 24, "224.0.0.1": -1} {
		if got := classfulBits(netip.MustParseAddr(a)); got != want {
			t.Errorf("classfulBits(%s) = %d, want %d", a, got, want)
		}
	}
}
