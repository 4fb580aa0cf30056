package iperf3

import (
	"fmt"
	"strings"
	"time"

	"github.com/nsemu/nsemu/emu/builtin/internal/getopt"
)

// Defaults and limits, iperf3 3.12's.
const (
	DefaultPort     = 5201
	defaultTCPLen   = 128 << 10
	defaultUDPRate  = 1 << 20
	maxBlockSize    = 1 << 20
	minUDPBlock     = 16
	maxUDPBlock     = 65535 - 8 - 20
	maxStreams      = 128
	maxTime         = 86400
	defaultDuration = 10
)

// Request is an iperf3 command line.
type Request struct {
	Server  bool
	OneOff  bool // -1
	Daemon  bool // -D
	Host    string
	Port    int
	Bind    string // -B
	UDP     bool
	Reverse bool
	// Duration is -t in seconds (10 by default; 0 when -n ends the test,
	// or when -t 0 asks for no end, as iperf3 runs then).
	Duration int
	Bytes    uint64 // -n
	Parallel int    // -P
	// Len is -l; 0 for UDP means "from the MSS", as iperf3 picks it.
	Len int
	// Rate is -b in bits per second; 1 Mbit/s (2^20) for UDP by default,
	// 0 (unlimited) for TCP.
	Rate     uint64
	Format   byte // -f: 'a' adaptive bits unless given
	JSON     bool
	Interval time.Duration // -i; 0 for no interval reports
	Help     bool
	Version  bool
}

// cmdline is a Request while its arguments are walked.
type cmdline struct {
	Request
	client, server, duration, rate bool
	blksize                        uint64
	operands                       []string
}

// paramError is iperf3's "parameter error": the message, a blank line and
// the long usage, status 1.
type paramError struct{ msg string }

func (e *paramError) Error() string { return "iperf3: parameter error - " + e.msg }

// notEmulated is a real iperf3 option nsemu does not have.
type notEmulated struct{ opt string }

func (e *notEmulated) Error() string { return fmt.Sprintf("nsemu: iperf3 %s: not emulated", e.opt) }

func set(f func(c *cmdline, v string) error, client, server bool) func(*cmdline, string) error {
	return func(c *cmdline, v string) error {
		c.client = c.client || client
		c.server = c.server || server
		return f(c, v)
	}
}

func flagOf(f func(c *cmdline) *bool, client, server bool) func(*cmdline, string) error {
	return set(func(c *cmdline, _ string) error { *f(c) = true; return nil }, client, server)
}

// options is iperf3's option table (the ones nsemu has).
var options = []getopt.Option[cmdline]{
	{Letter: 's', Apply: func(c *cmdline, _ string) error {
		if c.Host != "" {
			return &paramError{"cannot be both server and client"}
		}
		c.Server = true
		return nil
	}},
	{Letter: 'c', Arg: true, Apply: func(c *cmdline, v string) error {
		if c.Server {
			return &paramError{"cannot be both server and client"}
		}
		c.Host = v
		return nil
	}},
	{Letter: '1', Apply: flagOf(func(c *cmdline) *bool { return &c.OneOff }, false, true)},
	{Letter: 'D', Apply: flagOf(func(c *cmdline) *bool { return &c.Daemon }, false, true)},
	{Letter: 'p', Arg: true, Apply: func(c *cmdline, v string) error {
		p := atoi(v)
		if p < 1 || p > 65535 {
			return &paramError{"port number must be between 1 and 65535 inclusive"}
		}
		c.Port = p
		return nil
	}},
	{Letter: 'B', Arg: true, Apply: func(c *cmdline, v string) error { c.Bind = v; return nil }},
	{Letter: 'f', Arg: true, Apply: func(c *cmdline, v string) error {
		if v == "" || !strings.ContainsRune("kKmMgGtT", rune(v[0])) {
			return &paramError{"bad format specifier (valid formats are in the set [kmgtKMGT])"}
		}
		c.Format = v[0]
		return nil
	}},
	{Letter: 'i', Arg: true, Apply: func(c *cmdline, v string) error {
		s := atofC(v)
		if s != 0 && (s < 0.1 || s > 60) {
			return &paramError{"invalid report interval (min = 0.1, max = 60 seconds)"}
		}
		c.Interval = time.Duration(s * float64(time.Second))
		return nil
	}},
	{Letter: 'J', Apply: flagOf(func(c *cmdline) *bool { return &c.JSON }, false, false)},
	{Letter: 'u', Apply: flagOf(func(c *cmdline) *bool { return &c.UDP }, true, false)},
	{Letter: 'R', Apply: flagOf(func(c *cmdline) *bool { return &c.Reverse }, true, false)},
	{Letter: 't', Arg: true, Apply: set(func(c *cmdline, v string) error {
		c.Duration, c.duration = atoi(v), true
		if c.Duration > maxTime {
			return &paramError{fmt.Sprintf("test duration too long (maximum = %d seconds)", maxTime)}
		}
		return nil
	}, true, false)},
	{Letter: 'n', Arg: true, Apply: set(func(c *cmdline, v string) error {
		c.Bytes = uint64(max(atof(v, 1024), 0))
		return nil
	}, true, false)},
	{Letter: 'l', Arg: true, Apply: set(func(c *cmdline, v string) error {
		c.blksize = uint64(max(atof(v, 1024), 0))
		return nil
	}, true, false)},
	{Letter: 'P', Arg: true, Apply: set(func(c *cmdline, v string) error {
		c.Parallel = atoi(v)
		if c.Parallel > maxStreams {
			return &paramError{fmt.Sprintf("number of parallel streams too large (maximum = %d)", maxStreams)}
		}
		return nil
	}, true, false)},
	{Letter: 'b', Arg: true, Apply: set(func(c *cmdline, v string) error {
		if i := strings.IndexByte(v, '/'); i >= 0 {
			return &notEmulated{"-b RATE/BURST"}
		}
		c.Rate, c.rate = uint64(max(atof(v, 1000), 0)), true
		return nil
	}, true, false)},
	{Letter: 'h', Apply: flagOf(func(c *cmdline) *bool { return &c.Help }, false, false)},
	{Letter: 'v', Apply: flagOf(func(c *cmdline) *bool { return &c.Version }, false, false)},
}

// realOnly are iperf3 3.12's letters nsemu does not emulate.
const realOnly = "IFAVdkwCMN46SLZOTX"

// longNames maps the long options nsemu has to their letters.
var longNames = map[string]byte{
	"server": 's', "client": 'c', "one-off": '1', "daemon": 'D', "port": 'p', "bind": 'B',
	"format": 'f', "interval": 'i', "json": 'J', "udp": 'u', "reverse": 'R', "time": 't',
	"bytes": 'n', "length": 'l', "parallel": 'P', "bitrate": 'b', "bandwidth": 'b',
	"help": 'h', "version": 'v',
}

// realLong are iperf3 3.12's long options nsemu does not emulate.
var realLong = strings.Fields(`pidfile file affinity bind-dev verbose logfile forceflush timestamps
rcv-timeout snd-timeout debug server-bitrate-limit idle-timeout rsa-private-key-path
authorized-users-path time-skew-threshold sctp xbind nstreams connect-timeout pacing-timer
fq-rate blockcount cport bidir window congestion set-mss no-delay version4 version6 tos dscp
flowlabel zerocopy omit title extra-data get-server-output udp-counters-64bit
repeating-payload dont-fragment username rsa-public-key-path`)

var parser = getopt.Parser[cmdline]{
	Prog:    "iperf3",
	Options: append(options, notEmulatedLetters()...),
	Operand: func(c *cmdline, a string) error { c.operands = append(c.operands, a); return nil },
}

func notEmulatedLetters() []getopt.Option[cmdline] {
	var out []getopt.Option[cmdline]
	for _, l := range []byte(realOnly) {
		out = append(out, getopt.Option[cmdline]{Letter: l, Apply: func(*cmdline, string) error {
			return &notEmulated{"-" + string(l)}
		}})
	}
	return out
}

// expandLong turns --name[=value] into the letter form the table takes.
func expandLong(args []string) ([]string, error) {
	var out []string
	for i, a := range args {
		if a == "--" {
			return append(out, args[i:]...), nil
		}
		if !strings.HasPrefix(a, "--") {
			out = append(out, a)
			continue
		}
		name, val, hasVal := strings.Cut(a[2:], "=")
		l, ok := longNames[name]
		switch {
		case ok:
			out = append(out, "-"+string(l))
			if hasVal {
				out = append(out, val)
			}
		case containsName(realLong, name):
			return nil, &notEmulated{"--" + name}
		default:
			return nil, fmt.Errorf("iperf3: unrecognized option '%s'", a)
		}
	}
	return out, nil
}

func containsName(names []string, n string) bool {
	for _, x := range names {
		if x == n {
			return true
		}
	}
	return false
}

// Parse turns iperf3's arguments (without the command name) into a
// Request, checking them as iperf3 3.12 does, in its order.
func Parse(args []string) (Request, error) {
	c := cmdline{Request: Request{Port: DefaultPort, Parallel: 1, Duration: defaultDuration, Format: 'a', Interval: time.Second}}
	args, err := expandLong(args)
	if err != nil {
		return c.Request, err
	}
	if err := parser.Parse(&c, args); err != nil {
		return c.Request, err
	}
	if c.Help || c.Version {
		return c.Request, nil
	}
	return c.finish()
}

// finish applies iperf3's checks after the options (iperf_parse_arguments'
// tail).
func (c *cmdline) finish() (Request, error) {
	r := c.Request
	switch {
	case r.Host != "" && c.server:
		return r, &paramError{"some option you are trying to set is server only"}
	case r.Server && c.client:
		return r, &paramError{"some option you are trying to set is client only"}
	}
	if c.blksize == 0 && !r.UDP {
		c.blksize = defaultTCPLen
	}
	if c.blksize > maxBlockSize {
		return r, &paramError{fmt.Sprintf("block size too large (maximum = %d bytes)", maxBlockSize)}
	}
	if r.UDP && c.blksize > 0 && (c.blksize < minUDPBlock || c.blksize > maxUDPBlock) {
		return r, &paramError{fmt.Sprintf("block size invalid (minimum = %d bytes, maximum = %d bytes)", minUDPBlock, maxUDPBlock)}
	}
	r.Len = int(c.blksize)
	if !c.rate {
		r.Rate = 0
		if r.UDP {
			r.Rate = defaultUDPRate
		}
	}
	if r.Bytes != 0 && !c.duration {
		r.Duration = 0
	}
	if c.duration && r.Bytes != 0 {
		return r, &paramError{"only one test end condition (-t, -n, -k) may be specified"}
	}
	if r.Host == "" && !r.Server {
		return r, &paramError{"must either be a client (-c) or server (-s)"}
	}
	if r.Parallel < 1 {
		r.Parallel = 1
	}
	if r.Duration < 0 {
		r.Duration = 0
	}
	return r, nil
}
