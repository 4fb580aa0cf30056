package docker

import (
	"errors"
	"net/netip"
	"reflect"
	"slices"
	"strings"
	"testing"

	engine "github.com/nsemu/nsemu/emu/docker"
	"github.com/nsemu/nsemu/emu/shell"
)

// checkErr compares a parser's error with the CLI's status and message.
func checkErr(t *testing.T, call string, err error, status int, msg string) {
	t.Helper()
	var e *shell.ExitError
	if !errors.As(err, &e) || e.Status != status || e.Msg != msg {
		t.Fatalf("%s: error %#v, want status %d %q", call, err, status, msg)
	}
}

// runCases are docker run's parser table, and FuzzParseRun's seeds.
var runCases = []struct {
	name   string
	args   string
	want   runRequest
	status int
	err    string
}{
	{name: "image only", args: "nginx", want: runRequest{opts: engine.RunOptions{Image: "nginx", Cmd: []string{}}}},
	{name: "the seed's run", args: "-d --name web -p 8080:80 --network app --ip 10.5.0.7 -e A=1 -h h1 nginx",
		want: runRequest{detach: true, opts: engine.RunOptions{Image: "nginx", Cmd: []string{}, Name: "web", Network: "app",
			IP: netip.MustParseAddr("10.5.0.7"), Env: []string{"A=1"}, Hostname: "h1",
			Ports: []engine.PortBinding{{HostPort: 8080, ContainerPort: 80, Proto: "tcp"}}}}},
	{name: "a command", args: "--rm -it busybox sh -c exit", want: runRequest{opts: engine.RunOptions{
		Image: "busybox", Cmd: []string{"sh", "-c", "exit"}, AutoRemove: true, Interactive: true, TTY: true}}},
	{name: "--net wins over --network", args: "--network a --net b busybox",
		want: runRequest{opts: engine.RunOptions{Image: "busybox", Cmd: []string{}, Network: "b"}}},
	{name: "-P publishes nginx's port", args: "-P nginx:1.27", want: runRequest{opts: engine.RunOptions{
		Image: "nginx:1.27", Cmd: []string{}, Ports: []engine.PortBinding{{ContainerPort: 80, Proto: "tcp"}}}}},
	{name: "-P on busybox", args: "-P busybox", want: runRequest{opts: engine.RunOptions{Image: "busybox", Cmd: []string{}}}},
	{name: "host mode discards ports", args: "--network host -p 80:80 nginx", want: runRequest{
		opts:    engine.RunOptions{Image: "nginx", Cmd: []string{}, Network: "host"},
		warning: "WARNING: Published ports are discarded when using host network mode"}},
	{name: "accepted and ignored", args: "--privileged --cap-add NET_ADMIN -v /x:/y --restart always busybox",
		want: runRequest{opts: engine.RunOptions{Image: "busybox", Cmd: []string{}}}},
	{name: "no image", args: "-d", status: 125, err: "\"docker run\" requires at least 1 argument.\nSee 'docker run --help'.\n\nUsage:  docker run [OPTIONS] IMAGE [COMMAND] [ARG...]\n\nCreate and run a new container from an image"},
	{name: "unknown flag", args: "--bogus nginx", status: 125, err: "unknown flag: --bogus\nSee 'docker run --help'."},
	{name: "bad ip", args: "--ip 10.0.0.300 nginx", status: 125, err: "docker: invalid argument \"10.0.0.300\" for \"--ip\" flag: invalid string being converted to IP address: 10.0.0.300.\nSee 'docker run --help'."},
	{name: "ipv6", args: "--ip ::1 nginx", status: 125, err: "docker: invalid argument \"::1\" for \"--ip\" flag: invalid string being converted to IP address: ::1.\nSee 'docker run --help'."},
	{name: "bad port", args: "-p abc nginx", status: 125, err: "docker: invalid containerPort: abc.\nSee 'docker run --help'."},
}

func TestParseRun(t *testing.T) {
	for _, c := range runCases {
		t.Run(c.name, func(t *testing.T) {
			call := "parseRun(" + c.args + ")"
			got, err := parseRun("run", strings.Fields(c.args))
			if c.err != "" {
				checkErr(t, call, err, c.status, c.err)
				return
			}
			if err != nil {
				t.Fatalf("%s: %v", call, err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("%s:\n got %+v\nwant %+v", call, got, c.want)
			}
		})
	}
}

func TestParsePs(t *testing.T) {
	got, err := parsePs("ps", strings.Fields("-aq --no-trunc -n 2 --filter name=web --filter status=exited --format {{.ID}}"))
	want := psRequest{all: true, quiet: true, noTrunc: true, last: 2, format: "{{.ID}}",
		filters: []psFilter{{"name", "web"}, {"status", "exited"}}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("parsePs: %+v, %v; want %+v", got, err, want)
	}
	if got, _ := parsePs("ps", nil); got.format != psFormat || got.last != -1 || got.all {
		t.Errorf("parsePs(): %+v", got)
	}
	if got, _ := parsePs("ps", []string{"--filter", "exited=0"}); !got.all {
		t.Errorf("a status filter lists stopped containers too: %+v", got)
	}
	_, err = parsePs("ps", []string{"--filter", "name"})
	checkErr(t, "parsePs(--filter name)", err, 1, "bad format of filter (expected name=value)")
	_, err = parsePs("ps", []string{"--filter", "label=x"})
	checkErr(t, "parsePs(--filter label=x)", err, 1, "Error response from daemon: invalid filter 'label'")
	_, err = parsePs("ps", []string{"web"})
	checkErr(t, "parsePs(web)", err, 1, "\"docker ps\" accepts no arguments.\nSee 'docker ps --help'.\n\nUsage:  docker ps [OPTIONS]\n\nList containers")
}

func TestParseExec(t *testing.T) {
	got, err := parseExec("exec", strings.Fields("-it -e A=1 web /bin/sh -c true"))
	want := execRequest{container: "web", given: "/bin/sh", cmd: []string{"sh", "-c", "true"}, interactive: true, tty: true, env: []string{"A=1"}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("parseExec: %+v, %v; want %+v", got, err, want)
	}
	_, err = parseExec("exec", []string{"web"})
	checkErr(t, "parseExec(web)", err, 1, "\"docker exec\" requires at least 2 arguments.\nSee 'docker exec --help'.\n\nUsage:  docker exec [OPTIONS] CONTAINER COMMAND [ARG...]\n\nExecute a command in a running container")
}

func TestParseLogsPortConnect(t *testing.T) {
	if got, err := parseLogs("logs", strings.Fields("web -f --tail 3")); err != nil || got != (logsRequest{container: "web", follow: true, tail: 3}) {
		t.Errorf("parseLogs: %+v, %v", got, err)
	}
	if got, _ := parseLogs("logs", strings.Fields("--tail all web")); got.tail != -1 {
		t.Errorf("parseLogs(--tail all): %+v", got)
	}
	if got, err := parsePort("port", strings.Fields("web 80")); err != nil || got != (portRequest{container: "web", private: "80", want: "80/tcp"}) {
		t.Errorf("parsePort: %+v, %v", got, err)
	}
	if got, err := parseConnect("network connect", strings.Fields("--ip 10.9.0.5 extra web")); err != nil ||
		got != (connectRequest{network: "extra", container: "web", ip: netip.MustParseAddr("10.9.0.5")}) {
		t.Errorf("parseConnect: %+v, %v", got, err)
	}
	_, err := parseConnect("network connect", strings.Fields("--ip x extra web"))
	checkErr(t, "parseConnect(--ip x)", err, 125, "invalid argument \"x\" for \"--ip\" flag: invalid string being converted to IP address: x\nSee 'docker network connect --help'.")
	_, err = parseNetworkCreate("network create", strings.Fields("--subnet 10.0.0.0/24 --subnet 10.1.0.0/24 n"))
	checkErr(t, "parseNetworkCreate(two subnets)", err, 1, "Error response from daemon: nsemu emulates one subnet per network")
}

// FuzzParseRun: docker run's parser never panics; what it refuses exits
// 125, as docker run's usage errors do; what it accepts runs an image
// named on the line.
func FuzzParseRun(f *testing.F) {
	for _, c := range runCases {
		f.Add(strings.Join(strings.Fields(c.args), "\x00"))
	}
	f.Fuzz(func(t *testing.T, line string) {
		args := strings.Split(line, "\x00")
		r, err := parseRun("run", args)
		if err != nil {
			var e *shell.ExitError
			if !errors.As(err, &e) || e.Status != 125 {
				t.Fatalf("parseRun(%q): error %#v, want exit status 125", args, err)
			}
			return
		}
		if !slices.Contains(args, r.opts.Image) {
			t.Fatalf("parseRun(%q): image %q is not on the line", args, r.opts.Image)
		}
	})
}
