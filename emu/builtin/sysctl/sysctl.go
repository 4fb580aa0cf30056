// Package sysctl is procps' sysctl over the current namespace's kernel
// parameters (emu.Namespace.Sysctl): the arguments parse, without touching
// the world, into a request (parse.go); the runner reads or writes each
// variable (run.go) and prints it as sysctl does (print.go).
package sysctl

import "github.com/nsemu/nsemu/emu/shell"

// Builtins returns sysctl.
func Builtins() []*shell.Builtin {
	return []*shell.Builtin{{
		Group: shell.GroupPrograms,
		Name:  "sysctl",
		Usage: "sysctl [-n] [-N] [-q] [-e] [-w] KEY[=VALUE] ... | sysctl -a [-r PATTERN]",
		Help: `Reads and writes the current namespace's kernel parameters. nsemu has
net.ipv4.ip_forward (also net.ipv4.conf.{all,default}.forwarding), which turns
routing between devices on; net.ipv4.icmp_echo_ignore_all (no echo request
answered); net.ipv4.ip_local_port_range (the ports of unbound sockets);
net.ipv4.conf.{all,default,DEVICE}.{rp_filter,proxy_arp,accept_local,
route_localnet,arp_ignore,arp_announce}, which act as the kernel's ("all" with
the device's; a write to "default" reaches new devices and those never
written); and net.bridge.bridge-nf-call-iptables (1: frames a bridge switches
pass the namespace's iptables), -ip6tables and -arptables (stored only).
Values are read as the kernel reads them (0x hexadecimal, 0 octal) and
checked against each key's range. Errors exit with status 255, as
procps-ng 3.3 does.`,
		Run: run,
	}}
}

// status is sysctl's exit status on a failure (procps-ng 3.3 returns -1
// from main; 4.x returns 1).
const status = 255

// version is what --version prints.
const version = "sysctl from procps-ng 4.0.2\n"

// tryHelp ends the messages of a bad command line.
const tryHelp = "\nTry `sysctl --help' for more information."

// usage is --help's text; without any argument sysctl prints it, less the
// first empty line, on standard error.
const usage = `
Usage:
 sysctl [options] [variable[=value] ...]

Options:
  -a, --all            display all variables
  -A                   alias of -a
  -X                   alias of -a
      --deprecated     include deprecated parameters to listing
      --dry-run        Print the key and values but do not write
  -b, --binary         print value without new line
  -e, --ignore         ignore unknown variables errors
  -N, --names          print variable names without values
  -n, --values         print only values of the given variable(s)
  -p, --load[=<file>]  read values from file
  -f                   alias of -p
      --system         read values from all system directories
  -r, --pattern <expression>
                       select setting that match expression
  -q, --quiet          do not echo variable set
  -w, --write          enable writing a value to variable
  -o                   does nothing
  -x                   does nothing
  -d                   alias of -h

 -h, --help     display this help and exit
 -V, --version  output version information and exit

For more details see sysctl(8).
`
