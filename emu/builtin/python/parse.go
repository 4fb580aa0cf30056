package python

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Request is a `python3 -m http.server` command line.
type Request struct {
	// Bind is --bind's address; "" for all (0.0.0.0).
	Bind string
	// Dir is --directory; "" for the working directory.
	Dir string
	// Port is the port to listen on, 8000 by default. Python hands the
	// number to bind(2) as a 16-bit port, so 99999 is 34463.
	Port uint16
}

// usage is http.server's argparse usage line.
const usage = "usage: server.py [-h] [--cgi] [-b ADDRESS] [-d DIRECTORY] [-p VERSION] [port]"

// argError is argparse's error: the usage, then the message, status 2.
type argError struct{ msg string }

func (e *argError) Error() string { return usage + "\nserver.py: error: " + e.msg }

// errNotEmulated is the answer to any python3 command line but -m
// http.server.
var errNotEmulated = errors.New("not emulated")

// Parse reads python3's arguments (without the command name): -m
// http.server and its options. A module other than http.server, or no
// -m, is errNotEmulated; a module Python 3 does not have is a *noModule.
func Parse(args []string) (Request, error) {
	// -u (unbuffered output) changes nothing here: nsemu's output is not
	// buffered.
	for len(args) > 0 && args[0] == "-u" {
		args = args[1:]
	}
	if len(args) == 0 || args[0] != "-m" {
		return Request{}, errNotEmulated
	}
	if len(args) == 1 {
		return Request{}, errNoModuleArg
	}
	switch args[1] {
	case "http.server":
	case "SimpleHTTPServer", "BaseHTTPServer", "CGIHTTPServer":
		return Request{}, &noModule{args[1]}
	default:
		return Request{}, errNotEmulated
	}
	return parseServer(args[2:])
}

// errNoModuleArg is python3 -m without a module.
var errNoModuleArg = errors.New("Argument expected for the -m option\nusage: python3 [option] ... [-c cmd | -m mod | file | -] [arg] ...\nTry `python -h' for more information.")

// noModule is a module Python 3 does not have (Python 2's).
type noModule struct{ name string }

func (e *noModule) Error() string { return "/usr/bin/python3: No module named " + e.name }

// serverOption is one of http.server's options: its names and what its
// value sets.
type serverOption struct {
	short, long string
	dest        string
	apply       func(r *Request, v string) error
}

var serverOptions = []serverOption{
	{"-b", "--bind", "-b/--bind", func(r *Request, v string) error { r.Bind = v; return nil }},
	{"-d", "--directory", "-d/--directory", func(r *Request, v string) error { r.Dir = v; return nil }},
	{"-p", "--protocol", "-p/--protocol", func(r *Request, v string) error {
		if v != "HTTP/1.0" {
			return fmt.Errorf("nsemu: python3 -m http.server --protocol %s: not emulated", v)
		}
		return nil
	}},
}

// parseServer walks http.server's arguments as its argparse parser does.
func parseServer(args []string) (Request, error) {
	r := Request{Port: 8000}
	var operands []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--cgi" {
			return Request{}, errors.New("nsemu: python3 -m http.server --cgi: not emulated")
		}
		if a == "-h" || a == "--help" {
			return Request{}, errors.New("nsemu: python3 -m http.server --help: not emulated")
		}
		o, val, inline, ok := lookupOption(a)
		if !ok {
			if strings.HasPrefix(a, "-") && len(a) > 1 && !isNumber(a) {
				return Request{}, &argError{"unrecognized arguments: " + a}
			}
			operands = append(operands, a)
			continue
		}
		if !inline {
			if i+1 >= len(args) || (strings.HasPrefix(args[i+1], "-") && !isNumber(args[i+1])) {
				return Request{}, &argError{"argument " + o.dest + ": expected one argument"}
			}
			i++
			val = args[i]
		}
		if err := o.apply(&r, val); err != nil {
			return Request{}, err
		}
	}
	return r, setPort(&r, operands)
}

// lookupOption finds a's option: "-b X", "-bX", "--bind X", "--bind=X".
func lookupOption(a string) (o serverOption, val string, inline, ok bool) {
	for _, o := range serverOptions {
		switch {
		case a == o.short || a == o.long:
			return o, "", false, true
		case strings.HasPrefix(a, o.long+"="):
			return o, a[len(o.long)+1:], true, true
		case strings.HasPrefix(a, o.short) && len(a) > 2 && !strings.HasPrefix(a, "--"):
			return o, a[2:], true, true
		}
	}
	return serverOption{}, "", false, false
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}

// setPort reads the port operand: one at most, an int.
func setPort(r *Request, operands []string) error {
	if len(operands) == 0 {
		return nil
	}
	if len(operands) > 1 {
		return &argError{"unrecognized arguments: " + strings.Join(operands[1:], " ")}
	}
	n, err := strconv.ParseInt(strings.TrimSpace(operands[0]), 10, 64)
	if err != nil {
		return &argError{fmt.Sprintf("argument port: invalid int value: '%s'", operands[0])}
	}
	if n < 0 || n > 0xffffffff {
		return fmt.Errorf("OverflowError: bind(): port must be 0-65535.")
	}
	r.Port = uint16(n)
	return nil
}
