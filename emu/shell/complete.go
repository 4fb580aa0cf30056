package shell

import (
	"slices"
	"sort"
	"strings"

	"github.com/nsemu/nsemu/emu"
)

// Completer completes the shell's lines for readline, by context: command
// names first; after `ip netns exec` or `-n`, namespaces, then a new
// command in that namespace; after `dev`, devices; after `master`,
// bridges; after `netns` in `ip link set`, namespaces; elsewhere the
// tool's keywords.
type Completer struct {
	Sh *Shell
}

var subcommands = map[string][]string{
	"ip":       {"netns", "link", "addr", "address", "route", "neigh", "rule", "-o", "-s", "-br", "-4", "-n", "-d", "-j"},
	"bridge":   {"link", "fdb"},
	"brctl":    {"show", "showmacs", "addbr", "delbr", "addif", "delif"},
	"iptables": {"-t", "-A", "-I", "-D", "-F", "-L", "-S", "-P", "-N", "-X", "-n", "-v", "nat", "filter", "MASQUERADE", "ACCEPT", "DROP"},
	"sysctl":   {"-w", "-a", "net.ipv4.ip_forward"},
	"ss":       {"-tulpn", "-tlnp", "-tan", "-s", "-o", "-e", "state", "established", "listening", "dport", "sport", "dst", "src"},
	"docker":   {"run", "exec", "ps", "logs", "stop", "start", "restart", "kill", "rm", "inspect", "port", "network", "-d", "-it", "--rm", "--name", "--network", "-p", "nginx", "httpd", "busybox", "create", "connect", "disconnect", "ls"},
}

var keywords = map[string][]string{
	"netns": {"add", "del", "list", "exec"},
	"link":  {"add", "set", "del", "show", "type", "veth", "bridge", "peer", "name", "up", "down", "master", "nomaster", "netns", "address", "mtu", "dev"},
	"addr":  {"add", "del", "flush", "show", "dev"},
	"route": {"add", "del", "show", "get", "default", "via", "dev"},
	"neigh": {"show", "add", "del", "flush", "dev"},
	"fdb":   {"show", "br", "dev"},
}

// Do implements readline.AutoCompleter.
func (c *Completer) Do(line []rune, pos int) ([][]rune, int) {
	text := string(line[:pos])
	words := strings.Fields(text)
	partial := ""
	if len(words) > 0 && !strings.HasSuffix(text, " ") {
		partial = words[len(words)-1]
		words = words[:len(words)-1]
	}
	cands := c.candidates(c.Sh.ns(), words)
	sort.Strings(cands)
	var out [][]rune
	seen := map[string]bool{}
	for _, cnd := range cands {
		if strings.HasPrefix(cnd, partial) && !seen[cnd] {
			seen[cnd] = true
			out = append(out, []rune(cnd[len(partial):]+" "))
		}
	}
	return out, len([]rune(partial))
}

// candidates are the words that may come after words, run in ns.
func (c *Completer) candidates(ns *emu.Namespace, words []string) []string {
	if len(words) == 0 {
		return commandNames()
	}
	// `ip netns exec NS CMD...` and `sudo CMD...` start a new command.
	if n, rest, ok := c.execPrefix(words); ok {
		return c.candidates(n, rest)
	}
	last := words[len(words)-1]
	switch {
	case last == "exec" && len(words) >= 2 && words[len(words)-2] == "netns",
		last == "-n" && words[0] == "ip",
		last == "netns" && slices.Contains(words, "set"),
		slices.Contains(words, "netns") && (last == "del" || last == "delete"):
		return c.namespaces()
	case last == "dev" || last == "addif" || last == "delif" || (last == "set" && slices.Contains(words, "link")):
		return deviceNames(ns, false)
	case last == "master" || last == "showmacs" || last == "br":
		return deviceNames(ns, true)
	}
	cands := append([]string(nil), subcommands[words[0]]...)
	for _, w := range words {
		cands = append(cands, keywords[w]...)
	}
	return cands
}

// execPrefix finds a command that runs another: `ip netns exec NS` (in NS)
// or `sudo`.
func (c *Completer) execPrefix(words []string) (*emu.Namespace, []string, bool) {
	if len(words) >= 4 && words[0] == "ip" && words[1] == "netns" && words[2] == "exec" {
		if n, err := c.Sh.W.Namespace(words[3]); err == nil {
			return n, words[4:], true
		}
	}
	if words[0] == "sudo" {
		return c.Sh.ns(), words[1:], true
	}
	return nil, nil, false
}

func (c *Completer) namespaces() []string {
	var out []string
	for _, n := range c.Sh.W.Namespaces() {
		out = append(out, n.Name())
	}
	return out
}

func commandNames() []string {
	var out []string
	for _, b := range Builtins() {
		if !strings.HasPrefix(b.Name, "nsemu-") {
			out = append(out, b.Name)
		}
	}
	return append(out, "help", "exit", "echo")
}

func deviceNames(ns *emu.Namespace, bridges bool) []string {
	var out []string
	for _, d := range ns.Links() {
		if !bridges || d.Kind == emu.KindBridge {
			out = append(out, d.Name())
		}
	}
	return out
}
