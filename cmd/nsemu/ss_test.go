package main

import (
	"strings"
	"testing"
)

// TestCLISS runs a script through `nsemu run` that starts listeners in a
// namespace and in containers, and checks that ss -tlnp shows each with
// its program: a background job's pid (as jobs -l prints it), the
// container's main process (as docker inspect shows it), docker-proxy on
// the host.
func TestCLISS(t *testing.T) {
	script := writeScript(t, `ip netns add web
ip netns exec web ip link set lo up
ip netns exec web python3 -m http.server 8000 >/dev/null 2>&1 &
ip netns exec web nc -l -p 9000 >/dev/null &
until [ "$(ip netns exec web ss -Htln | wc -l)" = 2 ]; do sleep 0.1; done
jobs -l
ip netns exec web ss -tlnp
ip netns exec web ss -Htln sport = :9000
! ip netns exec web ss -tn dport = :nosuchport
docker run -d --name site -p 8080:80 nginx >/dev/null
docker inspect -f 'nginx pid {{.State.Pid}}' site
docker exec site ss -tlnp
ss -tlnp
ss -6
`)
	code, out, errs := nsemu(t, "", "run", script)
	if code != 1 {
		t.Fatalf("exit %d, want 1 (ss -6 is not emulated)\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	if want := "demo.sh:14: ss -6: nsemu: ss -6 (IPv6): not emulated"; !strings.Contains(errs, want) {
		t.Errorf("stderr %q does not name ss -6 as not emulated (%q)", errs, want)
	}
	for _, want := range []string{
		"State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess",
		`LISTEN 0      5            0.0.0.0:8000      0.0.0.0:*    users:(("python3",pid=4001,fd=3))`,
		`LISTEN 0      1            0.0.0.0:9000      0.0.0.0:*    users:(("nc",pid=4002,fd=3))     `,
		"LISTEN 0      1      0.0.0.0:9000 0.0.0.0:*\n",
		`LISTEN 0      511          0.0.0.0:80        0.0.0.0:*    users:(("nginx",pid=`,
		`LISTEN 0      4096         0.0.0.0:8080      0.0.0.0:*    users:(("docker-proxy",pid=801,fd=4))`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output does not contain %q:\n%s", want, out)
		}
	}
	// The jobs' pids are the ones ss names.
	for _, want := range []string{"4001 Running", "4002 Running"} {
		if !strings.Contains(out, want) {
			t.Errorf("jobs -l does not show %q:\n%s", want, out)
		}
	}
	// nginx's pid is the container's, as docker inspect shows it.
	i := strings.Index(out, "nginx pid ")
	if i < 0 {
		t.Fatalf("no nginx pid in:\n%s", out)
	}
	pid := strings.Fields(out[i+len("nginx pid "):])[0]
	if !strings.Contains(out, `users:(("nginx",pid=`+pid+",fd=6))") {
		t.Errorf("ss does not name nginx with the container's pid %s:\n%s", pid, out)
	}
	if !strings.Contains(errs, `Error: "nosuchport" does not look like a port.`) {
		t.Errorf("stderr %q lacks ss's words for a bad port", errs)
	}
}
