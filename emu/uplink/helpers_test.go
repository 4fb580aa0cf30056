package uplink

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"testing"
	"time"

	"github.com/nsemu/nsemu/emu/emutest"
)

// freePort returns a port of the real 127.0.0.1 that is free now (the
// tests publish on it).
func freePort(t testing.TB, proto string) uint16 {
	t.Helper()
	if proto == "udp" {
		c, err := net.ListenPacket("udp4", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		return uint16(c.LocalAddr().(*net.UDPAddr).Port)
	}
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return uint16(l.Addr().(*net.TCPAddr).Port)
}

// realGet fetches url with a real HTTP client of the test process.
func realGet(t *testing.T, url string) string {
	t.Helper()
	c := &http.Client{Timeout: emutest.Deadline, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := c.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: reading: %v", url, err)
	}
	return string(b)
}

// closedPort reports whether nothing listens on the real 127.0.0.1:port.
func closedPort(port uint16) bool {
	c, err := net.DialTimeout("tcp4", fmt.Sprintf("127.0.0.1:%d", port), time.Second)
	if err != nil {
		return true
	}
	c.Close()
	return false
}

func ipString(b []byte) string {
	a, _ := netip.AddrFromSlice(b)
	return a.String()
}

func itoa(n int) string { return strconv.Itoa(n) }
