package shell

import (
	"fmt"
	"io"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nsemu/nsemu/emu/libc"
)

func init() {
	Register(&Builtin{
		Name:  "nc",
		Usage: "nc [-l] [-u] [-z] [-v] [-w SEC] [-p PORT] [HOST] PORT",
		Help: `TCP/UDP connections from the current namespace, like OpenBSD netcat.
  nc HOST PORT          connect, send standard input, print what comes back
  nc -l [-p] PORT       listen, accept one connection, print what arrives
  nc -z [-v] HOST PORT  only check whether the port is open
  -u UDP, -w SEC idle timeout (wall-clock), -v report the connection.`,
		Run: runNc,
	})
}

type ncFlags struct {
	listen, udp, zero, verbose bool
	wait                       time.Duration
	port                       string
	args                       []string
}

func parseNc(args []string) (ncFlags, error) {
	var f ncFlags
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") || a == "-" {
			f.args = append(f.args, a)
			continue
		}
		for j := 1; j < len(a); j++ {
			switch a[j] {
			case 'l':
				f.listen = true
			case 'u':
				f.udp = true
			case 'z':
				f.zero = true
			case 'v':
				f.verbose = true
			case 'n', 'N', 'q':
				// -n numeric only (always), -N shutdown on EOF (always).
			case 'w', 'p':
				val := a[j+1:]
				if val == "" {
					i++
					if i >= len(args) {
						return f, fmt.Errorf("nc: option requires an argument -- '%c'", a[j])
					}
					val = args[i]
				}
				if a[j] == 'w' {
					d, err := ParseSeconds(val)
					if err != nil {
						return f, fmt.Errorf("nc: timeout invalid: %s", val)
					}
					f.wait = d
				} else {
					f.port = val
				}
				j = len(a)
			default:
				return f, fmt.Errorf("nc: invalid option -- '%c'", a[j])
			}
		}
	}
	return f, nil
}

func ncPort(s string) (uint16, error) {
	p, err := strconv.Atoi(s)
	if err != nil || p < 1 || p > 65535 {
		return 0, fmt.Errorf("nc: port number invalid: %s", s)
	}
	return uint16(p), nil
}

func runNc(c *Cmd) int {
	f, err := parseNc(c.Args[1:])
	if err != nil {
		return c.Errorf("%v", err)
	}
	if f.listen {
		return ncListen(c, f)
	}
	if len(f.args) != 2 {
		return c.Errorf("usage: nc [-luzv] [-w timeout] [-p port] [destination] [port]")
	}
	dst, err := libc.LookupHost(c.Ctx, c.NS, f.args[0])
	if err != nil {
		return c.Errorf("nc: getaddrinfo for host \"%s\" port %s: %v", f.args[0], f.args[1], err)
	}
	port, err := ncPort(f.args[1])
	if err != nil {
		return c.Errorf("%v", err)
	}
	ap := netip.AddrPortFrom(dst, port)
	proto := "tcp"
	var conn net.Conn
	if f.udp {
		proto = "udp"
		conn, err = c.NS.DialUDP(ap)
	} else {
		conn, err = c.NS.DialTCP(c.Ctx, ap)
	}
	if err != nil {
		return c.Errorf("nc: connect to %s port %d (%s) failed: %s", dst, port, proto, libc.ConnError(err))
	}
	defer conn.Close()
	if f.verbose || f.zero {
		if f.verbose {
			fmt.Fprintf(c.Stderr, "Connection to %s %d port [%s/*] succeeded!\n", dst, port, proto)
		}
		if f.zero {
			return 0
		}
	}
	return ncCopy(c, conn, f)
}

func ncListen(c *Cmd, f ncFlags) int {
	portStr := f.port
	if portStr == "" && len(f.args) > 0 {
		portStr = f.args[len(f.args)-1]
	}
	if portStr == "" {
		return c.Errorf("nc: missing port number")
	}
	port, err := ncPort(portStr)
	if err != nil {
		return c.Errorf("%v", err)
	}
	ap := netip.AddrPortFrom(netip.IPv4Unspecified(), port)
	if f.udp {
		pc, err := c.NS.ListenUDP(ap)
		if err != nil {
			return c.Errorf("nc: Address already in use")
		}
		defer pc.Close()
		buf := make([]byte, 65536)
		for {
			if f.wait > 0 {
				_ = pc.SetReadDeadline(time.Now().Add(f.wait))
			}
			done := make(chan struct{})
			go func() {
				select {
				case <-c.Ctx.Done():
					pc.Close()
				case <-done:
				}
			}()
			n, _, err := pc.ReadFrom(buf)
			close(done)
			if err != nil {
				return 0
			}
			c.Stdout.Write(buf[:n])
		}
	}
	l, err := c.NS.ListenTCP(ap)
	if err != nil {
		return c.Errorf("nc: Address already in use")
	}
	defer l.Close()
	go func() {
		<-c.Ctx.Done()
		l.Close()
	}()
	conn, err := l.Accept()
	if err != nil {
		return 1
	}
	defer conn.Close()
	if f.verbose {
		fmt.Fprintf(c.Stderr, "Connection received on %s\n", conn.RemoteAddr())
	}
	return ncCopy(c, conn, f)
}

// ncCopy copies standard input to conn and conn to standard output until
// the peer closes (or -w idles out).
func ncCopy(c *Cmd, conn net.Conn, f ncFlags) int {
	var wg sync.WaitGroup
	wg.Add(1)
	sent := make(chan struct{})
	go func() {
		defer wg.Done()
		defer close(sent)
		if c.Stdin != nil {
			io.Copy(conn, c.Stdin)
		}
		if cw, ok := conn.(interface{ CloseWrite() error }); ok {
			cw.CloseWrite()
		} else if f.udp {
			return
		}
	}()
	stop := make(chan struct{})
	go func() {
		select {
		case <-c.Ctx.Done():
			conn.Close()
		case <-stop:
		}
	}()
	buf := make([]byte, 32<<10)
	for {
		if f.wait > 0 || f.udp {
			wait := f.wait
			if wait == 0 {
				wait = 2 * time.Second
			}
			_ = conn.SetReadDeadline(time.Now().Add(wait))
		}
		n, err := conn.Read(buf)
		if n > 0 {
			c.Stdout.Write(buf[:n])
		}
		if err != nil {
			break
		}
	}
	// The peer finished sending; ours may still be on its way (echo hi |
	// nc ...): let it go out before closing, as nc does, for a while.
	select {
	case <-sent:
	case <-c.Ctx.Done():
	case <-time.After(2 * time.Second):
	}
	close(stop)
	conn.Close()
	wg.Wait()
	return 0
}
