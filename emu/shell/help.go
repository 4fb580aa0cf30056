package shell

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// groupOrder is the order `help` lists the groups in.
var groupOrder = []string{GroupIproute2, GroupBridge, GroupNetTools, GroupNetfilter, GroupPrograms, GroupDocker, GroupFiles, GroupNsemu, GroupInterpreter}

// WriteHelp lists the built-in commands, one line each, by group (nsemu
// help, and `help` in a script or the shell).
func WriteHelp(w io.Writer) {
	fmt.Fprintf(w, "Built-in commands (they act on the emulated network):\n")
	byGroup := map[string][]*Builtin{}
	for _, b := range Builtins() {
		if strings.HasPrefix(b.Name, "nsemu-") {
			continue
		}
		g := b.Group
		if !slices.Contains(groupOrder, g) {
			g = GroupInterpreter
		}
		byGroup[g] = append(byGroup[g], b)
	}
	for _, g := range groupOrder {
		if len(byGroup[g]) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s:\n", g)
		for _, b := range byGroup[g] {
			fmt.Fprintf(w, "  %-14s %s\n", b.Name, b.Usage)
		}
	}
	fmt.Fprintf(w, "\nThe shell's own: echo printf true false test [ read set export cd pwd exit wait trap type command ...\n")
	fmt.Fprintf(w, "Run `help COMMAND` for one command.\n")
}

// notEmulated are real Linux tools a tutorial may type that nsemu does not
// have: they say so, rather than "command not found" as if the learner's
// own system lacked them.
var notEmulated = map[string]bool{
	"iw": true, "iwconfig": true, "nft": true, "ip6tables": true, "ip6tables-save": true,
	"ebtables": true, "arptables": true, "iptables-restore": true, "firewall-cmd": true, "ufw": true,
	"systemctl": true, "service": true, "mtr": true, "dig": true, "host": true, "tshark": true,
	"wireshark": true, "socat": true, "iperf": true, "telnet": true, "ssh": true,
	"scp": true, "dhclient": true, "dnsmasq": true, "openvpn": true, "wg": true, "ipvsadm": true,
	"ovs-vsctl": true, "ovs-ofctl": true, "kubectl": true, "crictl": true, "ctr": true, "podman": true,
	"nerdctl": true, "runc": true, "unshare": true, "nsenter": true, "netplan": true, "nmcli": true,
	"ifup": true, "ifdown": true, "apt": true, "apt-get": true, "yum": true, "dnf": true, "vconfig": true,
}

// notFound is what running a name that is no built-in prints, and its
// status: 127, as a shell says.
func notFound(name string) string {
	if notEmulated[name] {
		return fmt.Sprintf("nsemu: %s: not emulated", name)
	}
	return fmt.Sprintf("nsemu: %s: command not found", name)
}

// HelpFor is the help text of one command name; ok is false, with the
// reason as text, when there is none.
func HelpFor(name string) (text string, ok bool) {
	if b, found := Lookup(name); found && !strings.HasPrefix(name, "nsemu-") {
		return fmt.Sprintf("%s\n\n%s\n", b.Usage, b.Help), true
	}
	if slices.Contains(shellBuiltins, name) {
		return fmt.Sprintf("%s: a shell builtin (as in bash)\n", name), true
	}
	if notEmulated[name] {
		return fmt.Sprintf("%s: not emulated by nsemu", name), false
	}
	return fmt.Sprintf("no help for %q: not a built-in command", name), false
}

func runHelp(c *Cmd) int {
	if len(c.Args) == 1 {
		WriteHelp(c.Stdout)
		return 0
	}
	text, ok := HelpFor(c.Args[1])
	if !ok {
		return c.Errorf("help: %s", text)
	}
	c.Printf("%s", text)
	return 0
}

// runSudo runs its command: scripts already run as root (sudo -E, -H, -n,
// -S and -u root are accepted; sudo -i and su are not emulated).
func runSudo(c *Cmd) int {
	args := c.Args[1:]
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		switch args[0] {
		case "-E", "-H", "-n", "-S", "--preserve-env", "--":
		case "-u":
			if len(args) < 2 || (args[1] != "root" && args[1] != "0") {
				return c.Fail(1, "sudo: only root exists in nsemu")
			}
			args = args[1:]
		default:
			return c.Fail(1, "sudo: %s: not emulated (nsemu runs everything as root)", args[0])
		}
		args = args[1:]
	}
	if len(args) == 0 {
		return c.Fail(1, "usage: sudo COMMAND [ARGS...]")
	}
	return c.Sh.Exec(c.Ctx, c.NS, args, c.Stdin, c.Stdout, c.Stderr)
}
