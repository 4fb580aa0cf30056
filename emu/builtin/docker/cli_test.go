package docker_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/builtin/builtintest"
	"github.com/nsemu/nsemu/emu/shell"
)

// dockerStep is one command line of a docker CLI test: its exit status and
// what its standard output and error must contain (a regexp when re).
type dockerStep struct {
	line   string
	status int
	out    string
	err    string
	re     bool
	exact  bool // out is the whole standard output
	noOut  string
}

// runDockerSteps runs the steps in one world, in order; each line's
// standard output and error are checked.
func runDockerSteps(t *testing.T, steps []dockerStep) {
	t.Helper()
	w := builtintest.World(t)
	var out, errb bytes.Buffer
	sh := shell.New(w, nil, &out, &errb)
	for _, s := range steps {
		out.Reset()
		errb.Reset()
		st := sh.RunLine(context.Background(), s.line)
		o, e := out.String(), errb.String()
		fail := func(what string) {
			t.Errorf("%s: %s\n--- stdout:\n%s--- stderr:\n%s", s.line, what, o, e)
		}
		if st != s.status {
			fail("exit status " + strconv.Itoa(st) + ", want " + strconv.Itoa(s.status))
		}
		check := func(name, got, want string) {
			if want == "" {
				return
			}
			if s.re {
				if !regexp.MustCompile(want).MatchString(got) {
					fail(name + " does not match " + want)
				}
				return
			}
			if s.exact && name == "stdout" {
				if got != want {
					fail("stdout is not exactly " + want)
				}
				return
			}
			if !strings.Contains(got, want) {
				fail(name + " lacks " + want)
			}
		}
		check("stdout", o, s.out)
		check("stderr", e, s.err)
		if s.noOut != "" && strings.Contains(o, s.noOut) {
			fail("stdout has " + s.noOut)
		}
	}
}

// TestDockerCLIErrors: bad input gets the docker CLI's words and exit
// statuses, and leaves nothing half-made.
func TestDockerCLIErrors(t *testing.T) {
	runDockerSteps(t, []dockerStep{
		{line: "docker exec nosuch ls", status: 1, err: "Error response from daemon: No such container: nosuch\n"},
		{line: "docker logs nosuch", status: 1, err: "Error response from daemon: No such container: nosuch\n"},
		{line: "docker stop nosuch", status: 1, err: "Error response from daemon: No such container: nosuch\n"},
		{line: "docker run -d --name web nginx", status: 0, out: `^[0-9a-f]{64}\n$`, re: true},
		{line: "docker run -d --name web nginx", status: 125,
			err: `^docker: Error response from daemon: Conflict\. The container name "/web" is already in use by container "[0-9a-f]{64}"\. You have to remove \(or rename\) that container to be able to reuse that name\.\nSee 'docker run --help'\.\n$`, re: true},
		{line: "docker run -d --network nosuch busybox", status: 125, err: "docker: Error response from daemon: network nosuch not found.\nSee 'docker run --help'.\n"},
		{line: "docker run -d -p abc nginx", status: 125, err: "docker: invalid containerPort: abc.\nSee 'docker run --help'.\n"},
		{line: "docker run -d -p 99999:80 nginx", status: 125, err: "docker: invalid hostPort: 99999.\nSee 'docker run --help'.\n"},
		{line: "docker run -d --bogus nginx", status: 125, err: "unknown flag: --bogus\nSee 'docker run --help'.\n"},
		{line: "docker run", status: 125, err: "\"docker run\" requires at least 1 argument."},
		{line: "docker exec web", status: 1, err: "\"docker exec\" requires at least 2 arguments."},
		{line: "docker exec web nosuchcmd", status: 126, err: `OCI runtime exec failed: exec failed: unable to start container process: exec: "nosuchcmd": executable file not found in $PATH: unknown`},
		{line: "docker rm web", status: 1, err: "Error response from daemon: You cannot remove a running container "},
		{line: "docker bogus", status: 1, err: "docker: 'bogus' is not a docker command."},
		// No docker CLI inside a container (no docker-in-docker engine).
		{line: "docker exec web docker ps", status: 127, err: "docker: command not found"},
		{line: "docker exec web ip -o link show docker0", status: 1},
		// A refused network leaves no bridge.
		{line: "docker network create --subnet 172.17.5.0/24 clash", status: 1, err: "Error response from daemon: Pool overlaps with other one on this address space\n"},
		{line: "docker network create --gateway 10.1.0.1 nogw", status: 1, err: "Error response from daemon: every ip-range or gateway must have a corresponding subnet\n"},
		{line: "docker network ls --format '{{.Name}}'", status: 0, out: "bridge\nhost\nnone\n", exact: true},
		{line: "ip -o link | grep -c br-", status: 1, out: "0\n"},
		{line: "docker network create mynet", status: 0, out: `^[0-9a-f]{64}\n$`, re: true},
		{line: "docker network create mynet", status: 1, err: "Error response from daemon: network with name mynet already exists\n"},
		{line: "docker network rm bridge", status: 1, err: "Error response from daemon: bridge is a pre-defined network and cannot be removed\n"},
		{line: "docker network rm nosuch", status: 1, err: "Error response from daemon: network nosuch not found\n"},
		{line: "docker run -d --ip 172.17.0.9 busybox", status: 125, err: "docker: Error response from daemon: user specified IP address is supported on user defined networks only.\n"},
		// container: mode on a stopped container: created, nothing else.
		{line: "docker stop web", status: 0, out: "web\n", exact: true},
		{line: "docker run -d --name late --network container:web busybox", status: 125, err: "docker: Error response from daemon: cannot join network of a non running container: web.\nSee 'docker run --help'.\n"},
		{line: "docker ps -a --filter name=late --format '{{.Names}} {{.Status}}'", status: 0, out: "late Created\n", exact: true},
		{line: "docker run -d --network container:nosuch busybox", status: 125, err: "docker: Error response from daemon: No such container: nosuch.\n"},
		{line: "docker exec web ls", status: 1, err: `^Error response from daemon: Container [0-9a-f]{64} is not running\n$`, re: true},
		// A port taken: the second container is left created, its network
		// undone, its rules never made.
		{line: "docker run -d --name p1 -p 8080:80 nginx", status: 0},
		{line: "docker run -d --name p2 -p 8080:80 nginx", status: 125, err: `docker: Error response from daemon: driver failed programming external connectivity on endpoint p2 \([0-9a-f]{64}\): Bind for 0\.0\.0\.0:8080 failed: port is already allocated\.`, re: true},
		{line: "brctl show docker0 | grep -c veth", status: 0, out: "1\n"},
		{line: "iptables -t nat -S DOCKER | grep -c DNAT", status: 0, out: "1\n"},
		{line: "docker rm -f p1 p2 late", status: 0, out: "p1\np2\nlate\n", exact: true},
		{line: "iptables -t nat -S DOCKER | grep -c DNAT", status: 1, out: "0\n"},
		// Nothing of Docker in ip netns.
		{line: "ip netns list", status: 0, out: "", exact: true},
	})
}

func TestDockerCLIOutputs(t *testing.T) {
	// The emulator's clock runs on (and jumps while a command waits): a
	// second may pass between two commands.
	const dur = `(Less than a second|1 second|\d+ seconds) *`
	const ago = dur + ` ago *`
	runDockerSteps(t, []dockerStep{
		{line: "docker run -d --name=nginx-1 nginx", status: 0},
		{line: "docker run -d --name nginx-2 -p 8080:80 nginx", status: 0},
		{line: "docker run -d --name b busybox", status: 0},
		{line: "docker ps", status: 0, re: true,
			out: `^CONTAINER ID   IMAGE     COMMAND                  CREATED +STATUS +PORTS                  NAMES\n` +
				`[0-9a-f]{12}   busybox   "sh"                     ` + ago + `   Up ` + dur + ` +b\n` +
				`[0-9a-f]{12}   nginx     "/docker-entrypoint\.…"   ` + ago + `   Up ` + dur + `   0\.0\.0\.0:8080->80/tcp   nginx-2\n` +
				`[0-9a-f]{12}   nginx     "/docker-entrypoint\.…"   ` + ago + `   Up ` + dur + `   80/tcp                 nginx-1\n$`},
		{line: "docker ps -q | wc -l", status: 0, out: "3\n"},
		{line: "docker ps -q --filter name=nginx-1", status: 0, out: `^[0-9a-f]{12}\n$`, re: true},
		{line: "docker ps --filter network=bridge --format '{{.Names}}' | sort | tr '\\n' ' '", status: 0, out: "b nginx-1 nginx-2 ", exact: true},
		{line: "docker ps --format 'table {{.Names}}\\t{{.Networks}}' --filter name=nginx-2", status: 0, out: "NAMES     NETWORKS\nnginx-2   bridge\n", exact: true},
		{line: "docker inspect -f '{{.NetworkSettings.IPAddress}} {{.NetworkSettings.MacAddress}} {{.NetworkSettings.Gateway}}' nginx-1", status: 0, out: "172.17.0.2 02:42:ac:11:00:02 172.17.0.1\n", exact: true},
		{line: "docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' nginx-2", status: 0, out: "172.17.0.3\n", exact: true},
		{line: "docker inspect -f '{{.Name}} {{.State.Running}} {{len .Id}} {{json .HostConfig.PortBindings}}' nginx-2", status: 0, out: `/nginx-2 true 64 {"80/tcp":[{"HostIp":"","HostPort":"8080"}]}` + "\n", exact: true},
		{line: "docker inspect -f '{{.NetworkSettings.SandboxKey}}' b", status: 0, out: `^/var/run/docker/netns/[0-9a-f]{12}\n$`, re: true},
		{line: "docker inspect nosuch", status: 1, out: "[]\n", err: "Error: No such object: nosuch\n"},
		{line: "docker port nginx-2", status: 0, out: "80/tcp -> 0.0.0.0:8080\n", exact: true},
		{line: "docker logs nginx-1 2>/dev/null | tail -n 1", status: 0, out: "/docker-entrypoint.sh: Configuration complete; ready for start up\n", exact: true},
		{line: "docker exec b wget -qO- 172.17.0.2 >/dev/null", status: 0},
		{line: "docker logs nginx-1 2>/dev/null | tail -n 1", status: 0, out: `^172\.17\.0\.4 - - \[[^]]+\] "GET / HTTP/1\.1" 200 615 "-" "Wget" "-"\n$`, re: true},
		{line: "docker exec nginx-1 hostname", status: 0, out: `^[0-9a-f]{12}\n$`, re: true},
		{line: "docker exec nginx-1 cat /etc/hosts | tail -n 1", status: 0, out: `^172\.17\.0\.2\t[0-9a-f]{12}\n$`, re: true},
		{line: "docker exec nginx-1 cat /etc/resolv.conf", status: 0, out: "nameserver 8.8.8.8\nnameserver 8.8.4.4\n", exact: true},
		{line: "docker exec nginx-1 hostname -i", status: 0, out: "172.17.0.2\n", exact: true},
		{line: "hostname", status: 0, out: "nsemu\n", exact: true},
		{line: "docker run -d --name named --hostname web1 busybox", status: 0},
		{line: "docker exec named hostname", status: 0, out: "web1\n", exact: true},
		{line: "docker network ls", status: 0, re: true,
			out: `^NETWORK ID     NAME      DRIVER    SCOPE\n[0-9a-f]{12}   bridge    bridge    local\n[0-9a-f]{12}   host      host      local\n[0-9a-f]{12}   none      null      local\n$`},
		{line: "docker stop b", status: 0, out: "b\n", exact: true},
		{line: "docker ps -a --filter name=b --format '{{.Status}}'", status: 0, out: `^Exited \(137\) ` + dur + ` ago\n$`, re: true},
		{line: "docker start b && docker exec b hostname", status: 0},
		{line: "docker restart nginx-1", status: 0, out: "nginx-1\n", exact: true},
		{line: "docker inspect -f '{{.State.Status}}' nginx-1", status: 0, out: "running\n", exact: true},
		{line: "docker run --rm busybox echo hello", status: 0, out: "hello\n", exact: true},
		{line: "docker run --rm busybox sh -c 'exit 3'", status: 3},
		{line: "docker run busybox nosuchcmd", status: 127, err: `exec: "nosuchcmd": executable file not found in $PATH`},
		{line: "docker run -i --rm busybox sh <<'EOF'\nhostname -I\nip -o link | wc -l\nEOF", status: 0, out: "172.17.0.6 \n2\n", exact: true},
		{line: "docker exec -i named sh <<'EOF'\nhostname\nEOF", status: 0, out: "web1\n", exact: true},
		{line: "docker pull nginx", status: 0, out: "Status: Image is up to date for nginx:latest\n"},
		{line: "docker run --rm -e GREETING=hi --hostname h1 busybox sh -c 'echo $GREETING from $HOSTNAME'", status: 0, out: "hi from h1\n", exact: true},
		{line: "id=$(docker ps -q --filter name=nginx-1); [ \"$(docker ps -q --filter id=${id%????})\" = \"$id\" ]", status: 0},
		{line: "docker exec $(docker ps -q --filter name=named | cut -c1-4) hostname", status: 0, out: "web1\n", exact: true},
		{line: "docker network create --subnet 10.9.0.0/24 extra >/dev/null && docker network connect --ip 10.9.0.5 extra named", status: 0},
		{line: "docker exec named ip -o -4 addr show eth1", status: 0, out: "inet 10.9.0.5/24"},
		{line: "docker network connect extra named", status: 1, err: "Error response from daemon: endpoint with name named already exists in network extra\n"},
		{line: "docker network disconnect extra named && docker exec named ip link show eth1", status: 1, err: "Device \"eth1\" does not exist."},
		{line: "docker network disconnect extra named", status: 1, err: "is not connected to network extra\n"},
		{line: "docker network rm extra", status: 0, out: "extra\n", exact: true},
	})
}

// TestDockerInspectJSON: docker inspect prints Docker's structure, with the
// per-network entries.
func TestDockerInspectJSON(t *testing.T) {
	w := builtintest.World(t)
	var out bytes.Buffer
	sh := shell.New(w, nil, &out, &out)
	if st := sh.RunLine(context.Background(), "docker network create --subnet 10.5.0.0/24 app && docker run -d --name web --network app --ip 10.5.0.7 nginx >/dev/null"); st != 0 {
		t.Fatalf("setup: %s", out.String())
	}
	out.Reset()
	if st := sh.RunLine(context.Background(), "docker inspect web"); st != 0 {
		t.Fatalf("inspect: %s", out.String())
	}
	if !strings.HasPrefix(out.String(), "[\n    {\n        \"Id\": \"") {
		t.Fatalf("not Docker's layout:\n%s", out.String())
	}
	var v []struct {
		ID              string `json:"Id"`
		Name            string
		State           struct{ Pid int }
		NetworkSettings struct {
			IPAddress  string
			SandboxKey string
			Networks   map[string]struct {
				IPAddress, MacAddress, Gateway, NetworkID string
				IPPrefixLen                               int
			}
		}
	}
	if err := json.Unmarshal(out.Bytes(), &v); err != nil || len(v) != 1 {
		t.Fatalf("%v\n%s", err, out.String())
	}
	c := v[0]
	n, ok := c.NetworkSettings.Networks["app"]
	if c.Name != "/web" || c.State.Pid == 0 || c.NetworkSettings.IPAddress != "" || !ok ||
		n.IPAddress != "10.5.0.7" || n.MacAddress != "02:42:0a:05:00:07" || n.Gateway != "10.5.0.1" || n.IPPrefixLen != 24 || len(n.NetworkID) != 64 ||
		!strings.HasPrefix(c.NetworkSettings.SandboxKey, "/var/run/docker/netns/") {
		t.Fatalf("inspect: %+v", c)
	}
}

// TestNamesInContainers: on a user-defined network, ping, curl and nc
// resolve container names through the embedded DNS server (127.0.0.11);
// on the default bridge they do not.
func TestNamesInContainers(t *testing.T) {
	runDockerSteps(t, []dockerStep{
		{line: "docker network create app >/dev/null", status: 0},
		{line: "docker run -d --name web --network app nginx >/dev/null", status: 0},
		{line: "docker run -d --name cli --network app busybox >/dev/null", status: 0},
		{line: "docker exec cli cat /etc/resolv.conf", status: 0, out: "nameserver 127.0.0.11\noptions ndots:0\n", exact: true},
		{line: "docker exec cli ping -c 1 web", status: 0, out: "PING web (172.18.0.2): 56 data bytes\n64 bytes from 172.18.0.2: seq=0"},
		{line: "docker exec cli curl -s web.app | grep -c 'Welcome to nginx!'", status: 0, out: "2\n", exact: true},
		{line: "docker exec cli nc -z web 80", status: 0},
		{line: "docker exec cli ping -c 1 nosuch", status: 1, err: "ping: bad address 'nosuch'\n"},
		{line: "docker exec cli curl -s nosuch", status: 6},
		{line: "docker exec cli curl nosuch", status: 6, err: "curl: (6) Could not resolve host: nosuch\n"},
		{line: "docker exec cli wget -qO- nosuch", status: 1, err: "wget: bad address 'nosuch'\n"},
		{line: "docker run -d --name lone busybox >/dev/null", status: 0},
		{line: "docker exec lone ping -c 1 web", status: 1, err: "ping: bad address 'web'\n"},
		{line: "ping -c 1 web", status: 2, err: "ping: web: Name or service not known\n"},
		{line: "ping -c 1 localhost", status: 0},
		{line: "cat /etc/hosts | head -n 2", status: 0, out: "127.0.0.1\tlocalhost\n127.0.1.1\tnsemu\n", exact: true},
		{line: "cat /etc/resolv.conf", status: 1, err: "cat: /etc/resolv.conf: No such file or directory\n"},
	})
}

// TestCurl: curl's output and error codes against the emulated servers.
func TestCurl(t *testing.T) {
	runDockerSteps(t, []dockerStep{
		{line: "docker run -d --name web nginx >/dev/null", status: 0},
		{line: "docker run -d --name h httpd >/dev/null", status: 0},
		{line: "curl -s 172.17.0.3", status: 0, out: "<html><body><h1>It works!</h1></body></html>\n", exact: true},
		{line: "curl -sI http://172.17.0.2/", status: 0, re: true,
			out: "^HTTP/1\\.1 200 OK\r\n(.+\r\n)*Content-Length: 615\r\n(.+\r\n)*Server: nginx/1\\.27\\.3\r\n(.+\r\n)*\r\n$"},
		{line: "curl -s -o /dev/null -w '%{http_code} %{size_download} %{remote_ip}\\n' 172.17.0.2/nope", status: 0, out: "404 153 172.17.0.2\n", exact: true},
		{line: "curl -sf 172.17.0.2/nope", status: 22},
		{line: "curl -f 172.17.0.2/nope", status: 22, err: "curl: (22) The requested URL returned error: 404\n"},
		{line: "curl -v 172.17.0.2 >/dev/null", status: 0, err: "*   Trying 172.17.0.2:80...\n* Connected to 172.17.0.2 (172.17.0.2) port 80 (#0)\n> GET / HTTP/1.1\n> Host: 172.17.0.2\n> User-Agent: curl/7.88.1\n> Accept: */*\n"},
		{line: "curl 172.17.0.2:81", status: 7, re: true, err: "^curl: \\(7\\) Failed to connect to 172\\.17\\.0\\.2 port 81 after \\d+ ms: Couldn't connect to server\n$"},
		{line: "curl -s 10.99.0.1", status: 7},
		{line: "curl -s https://172.17.0.2/", status: 1},
		{line: "curl", status: 2, err: "curl: no URL specified!"},
		{line: "wget -O- 172.17.0.2 2>/dev/null | grep -c nginx", status: 0, out: "6\n"},
		{line: "wget 172.17.0.2", status: 0, err: "saving to 'index.html'"},
		{line: "wget -q 172.17.0.3/nope", status: 1, err: "wget: server returned error: HTTP/1.1 404 Not Found\n"},
		{line: "docker logs web 2>&1 | grep -c 'open() \"/usr/share/nginx/html/nope\" failed'", status: 0, out: "3\n"},
	})
}

// TestDockerInteractive: in nsemu shell, `docker exec -it C sh` (and
// bash, /bin/bash) opens a sub-shell in the container's namespace, and
// `docker run -it IMAGE` makes that sub-shell the container's main
// process: the container exits with it.
func TestDockerInteractive(t *testing.T) {
	w := builtintest.World(t)
	var out bytes.Buffer
	sh := shell.New(w, nil, &out, &out)
	var opened []*emu.Namespace
	sh.Interactive = func(c *shell.Cmd) int {
		opened = append(opened, c.NS)
		h := &shell.Shell{W: w, Stdout: c.Stdout, Stderr: c.Stderr, NS: c.NS}
		return h.RunLine(c.Ctx, "hostname; exit 4")
	}
	ctx := context.Background()
	if st := sh.RunLine(ctx, "docker run -d --name b --hostname box busybox >/dev/null"); st != 0 {
		t.Fatal(out.String())
	}
	for _, cmd := range []string{"sh", "bash", "/bin/bash"} {
		out.Reset()
		if st := sh.RunLine(ctx, "docker exec -it b "+cmd); st != 4 || out.String() != "box\n" {
			t.Fatalf("docker exec -it b %s: status %d, %q", cmd, st, out.String())
		}
	}
	for _, ns := range opened {
		if ns == w.Host() || !ns.Hidden() {
			t.Fatal("the sub-shell did not run in the container's namespace")
		}
	}
	out.Reset()
	if st := sh.RunLine(ctx, "docker run -it --name it --hostname itbox busybox"); st != 4 || out.String() != "itbox\n" {
		t.Fatalf("docker run -it: status %d, %q", st, out.String())
	}
	out.Reset()
	sh.RunLine(ctx, "docker ps -a --filter name=it --format '{{.Status}}'")
	if !strings.HasPrefix(out.String(), "Exited (4)") {
		t.Fatalf("after the sub-shell exits: %q", out.String())
	}
}

// TestReadmeDockerExample runs the README's Docker example as a script.
func TestReadmeDockerExample(t *testing.T) {
	src, err := os.ReadFile("../../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, sec, ok := strings.Cut(string(src), "\n## Docker\n")
	if !ok {
		t.Fatal("the README has no Docker section")
	}
	_, block, ok := strings.Cut(sec, "```sh\n")
	block, _, ok2 := strings.Cut(block, "```")
	if !ok || !ok2 {
		t.Fatal("the Docker section has no sh example")
	}
	out, errOut, err := builtintest.Script(t, block)
	if err != nil {
		t.Fatalf("%v\n%s%s", err, out, errOut)
	}
	for _, want := range []string{"<title>Welcome to nginx!</title>", "eth0@if", "-j DNAT --to-destination 172.17.0.3:80", "Welcome to nginx!"} {
		if !strings.Contains(out, want) {
			t.Errorf("the example's output lacks %q:\n%s", want, out)
		}
	}
}

// TestDockerExecDetached: docker exec -d leaves its command running in the
// container after docker exec returns.
func TestDockerExecDetached(t *testing.T) {
	runDockerSteps(t, []dockerStep{
		{line: "docker run -d --name b busybox >/dev/null", status: 0},
		{line: "docker exec -d b nc -l -p 9000", status: 0, exact: true},
		// nc -l takes one connection: the first that succeeds is the check.
		{line: "up=no; for i in 1 2 3 4 5 6 7 8 9 10; do if nc -z -w 1 172.17.0.2 9000; then up=yes; break; fi; sleep 0.1; done; [ $up = yes ]", status: 0},
	})
}

// TestResolvConf: the machine has no /etc/resolv.conf until one is
// written (an uplink writes one); named namespaces read the machine's; a
// container on the default bridge gets a copy without the loopback name
// servers, or Google's when none is left.
func TestResolvConf(t *testing.T) {
	w := builtintest.World(t)
	r := builtintest.Run(t, w, nil, "cat /etc/resolv.conf\n")
	if r.Status == 0 {
		t.Fatalf("a new machine has a resolv.conf:\n%s", r.Out)
	}
	out := builtintest.MustRun(t, w, nil, `printf 'nameserver 127.0.0.53\nnameserver 192.0.2.53\nsearch example\n' > /etc/resolv.conf
ip netns add ns1
ip netns exec ns1 cat /etc/resolv.conf
docker run --rm busybox cat /etc/resolv.conf
echo nameserver 127.0.0.53 > /etc/resolv.conf
docker run --rm busybox cat /etc/resolv.conf
`)
	want := "nameserver 127.0.0.53\nnameserver 192.0.2.53\nsearch example\n" +
		"nameserver 192.0.2.53\nsearch example\n" +
		"nameserver 8.8.8.8\nnameserver 8.8.4.4\n"
	if out != want {
		t.Errorf("output:\n%s\nwant:\n%s", out, want)
	}
}
