package ping_test

import (
	"testing"

	"github.com/nsemu/nsemu/emu/builtin/builtintest"
)

// TestPersonality: in busybox and alpine containers ping is busybox's; in
// an nginx container and on the host it is iputils'.
func TestPersonality(t *testing.T) {
	const setup = `docker network create net1
docker run -d --name c1 --network net1 busybox sleep 1000
docker run -d --name c2 --network net1 alpine sleep 1000
docker run -d --name n1 --network net1 nginx
`
	builtintest.RunCases(t, []builtintest.Case{
		{Name: "busybox", Setup: setup, Cmd: "docker exec c1 ping -c 1 c2",
			OutRe: `^PING c2 \(172\.18\.0\.3\): 56 data bytes\n64 bytes from 172\.18\.0\.3: seq=0 ttl=64 time=\d+\.\d{3} ms\n\n--- c2 ping statistics ---\n1 packets transmitted, 1 packets received, 0% packet loss\n`},
		{Name: "alpine bad address", Setup: setup, Cmd: "docker exec c2 ping -c 1 c3", Err: "ping: bad address 'c3'", Status: 1},
		{Name: "nginx keeps iputils", Setup: setup, Cmd: "docker exec n1 ping -c 1 c1",
			OutRe: `^PING c1 \(172\.18\.0\.2\) 56\(84\) bytes of data\.\n64 bytes from 172\.18\.0\.2: icmp_seq=1 `},
		{Name: "host keeps iputils", Cmd: "ping -c 1 127.0.0.1", OutRe: `icmp_seq=1 .*\n\n--- 127\.0\.0\.1 ping statistics ---\n1 packets transmitted, 1 received,`},
		{Name: "busybox other applet", Cmd: "busybox wget x", Err: "nsemu: busybox wget x: not emulated (only busybox ping and nslookup are)", Status: 1},
	})
}
