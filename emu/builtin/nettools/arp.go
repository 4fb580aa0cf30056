package nettools

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"

	"gvisor.dev/gvisor/pkg/tcpip"

	"github.com/nsemu/nsemu/emu/shell"
	"github.com/nsemu/nsemu/emu/vfs"
	"github.com/nsemu/nsemu/stack"
)

// arp: show the neighbour table, or add (-s) or delete (-d) an entry.

const arpUsage = `Usage:
  arp [-vn]  [<HW>] [-i <if>] [-a] [<hostname>]             <-Display ARP cache
  arp [-v]          [-i <if>] -d  <host> [pub]               <-Delete ARP entry
  arp [-vnD] [<HW>] [-i <if>] -f  [<filename>]            <-Add entry from file
  arp [-v]   [<HW>] [-i <if>] -s  <host> <hwaddr> [temp]            <-Add entry
  arp [-v]   [<HW>] [-i <if>] -Ds <host> <if> [netmask <nm>] pub          <-''-

        -a                       display (all) hosts in alternative (BSD) style
        -e                       display (all) hosts in default (Linux) style
        -s, --set                set a new ARP entry
        -d, --delete             delete a specified entry
        -v, --verbose            be verbose
        -n, --numeric            don't resolve names
        -i, --device             specify network interface (e.g. eth0)
        -D, --use-device         read <hwaddr> from given device
        -A, -p, --protocol       specify protocol family
        -f, --file               read new entries from file or from /etc/ethers

  <HW>=Use '-H <hw>' to specify hardware address type. Default: ether
`

// arpReq is a parsed arp command line.
type arpReq struct {
	help bool
	// set (-s) adds addr at mac; else del (-d) deletes addr; else the
	// table is shown, only addr's row when host is given.
	set, del bool
	bsd      bool // -a: BSD style
	verbose  bool
	dev      string // -i: only this device's entries
	host     string // the host as typed
	addr     netip.Addr
	mac      net.HardwareAddr
}

// arpOption is one of arp's options: its letter, its long name, whether
// it takes a value (the rest of the cluster or the next word), and what it
// does to the request.
type arpOption struct {
	letter byte
	long   string
	value  bool
	apply  func(r *arpReq, v string) error
}

func arpFlag(f func(r *arpReq)) func(*arpReq, string) error {
	return func(r *arpReq, _ string) error { f(r); return nil }
}

// arpHWType checks -H ether and -A inet: the only kinds there are.
func arpHWType(_ *arpReq, v string) error {
	if v != "ether" && v != "inet" {
		return shell.Failf(3, "arp: %s: unknown hardware type.", v)
	}
	return nil
}

func arpNotEmulated(letter byte) func(*arpReq, string) error {
	return func(*arpReq, string) error { return shell.Failf(3, "arp: -%c is not emulated by nsemu", letter) }
}

var arpOptions = []arpOption{
	{'a', "--all", false, arpFlag(func(r *arpReq) { r.bsd = true })},
	{'e', "", false, arpFlag(func(r *arpReq) { r.bsd = false })},
	{'n', "--numeric", false, arpFlag(func(*arpReq) {})},
	{'v', "--verbose", false, arpFlag(func(r *arpReq) { r.verbose = true })},
	{'s', "--set", false, arpFlag(func(r *arpReq) { r.set = true })},
	{'d', "--delete", false, arpFlag(func(r *arpReq) { r.del = true })},
	{'H', "", true, arpHWType},
	{'A', "", true, arpHWType},
	{'p', "", true, arpHWType},
	{'t', "", true, arpHWType},
	{'i', "--device", true, func(r *arpReq, v string) error { r.dev = v; return nil }},
	{'h', "--help", false, arpFlag(func(r *arpReq) { r.help = true })},
	{'D', "", false, arpNotEmulated('D')},
	{'f', "", false, arpNotEmulated('f')},
}

// parseArp parses arp's arguments (without the command name).
func parseArp(args []string) (arpReq, error) {
	var r arpReq
	var rest []string
	for i := 0; i < len(args) && !r.help; i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") || len(a) < 2 {
			rest = append(rest, a)
			continue
		}
		if err := r.parseCluster(args, &i); err != nil {
			return arpReq{}, err
		}
	}
	switch {
	case r.help:
		return r, nil
	case r.set:
		return r, r.parseSet(rest)
	case r.del:
		return r, r.parseDel(rest)
	}
	return r, r.parseShow(rest)
}

// parseCluster applies args[*i]: a long option or a cluster of letters.
// An option that takes a value may take the next word, advancing *i.
func (r *arpReq) parseCluster(args []string, i *int) error {
	letters, err := arpLetters(args[*i])
	if err != nil {
		return err
	}
	for j := 0; j < len(letters) && !r.help; j++ {
		o, ok := arpOptionFor(letters[j])
		if !ok {
			return shell.Failf(3, "arp: invalid option -- '%c'\n%s", letters[j], arpUsage)
		}
		v := ""
		if o.value {
			v, j = letters[j+1:], len(letters)
		}
		if o.value && v == "" {
			if *i+1 >= len(args) {
				return shell.Failf(3, "arp: option requires an argument -- '%c'\n%s", o.letter, arpUsage)
			}
			*i++
			v = args[*i]
		}
		if err := o.apply(r, v); err != nil {
			return err
		}
	}
	return nil
}

// arpLetters is the cluster of letters an option stands for: a long
// option is its one letter.
func arpLetters(a string) (string, error) {
	if !strings.HasPrefix(a, "--") {
		return a[1:], nil
	}
	for _, o := range arpOptions {
		if o.long == a {
			return string(o.letter), nil
		}
	}
	return "", shell.Failf(3, "arp: unrecognized option '%s'\n%s", a, arpUsage)
}

func arpOptionFor(letter byte) (arpOption, bool) {
	for _, o := range arpOptions {
		if o.letter == letter {
			return o, true
		}
	}
	return arpOption{}, false
}

// parseSet parses arp -s's HOST MAC [temp].
func (r *arpReq) parseSet(rest []string) error {
	if err := r.parseDel(rest); err != nil {
		return err
	}
	if len(rest) < 2 {
		return shell.Failf(255, "arp: need hardware address")
	}
	mac, err := net.ParseMAC(rest[1])
	if err != nil || len(mac) != 6 {
		return shell.Failf(255, "arp: invalid hardware address")
	}
	r.mac = mac
	for _, w := range rest[2:] {
		switch w {
		case "temp":
			// Entries nsemu adds are permanent; temp is accepted as that.
		case "pub", "netmask":
			return shell.Failf(255, "arp: proxy ARP (pub) is not emulated by nsemu")
		default:
			return shell.Failf(255, "arp: unknown flag %s", w)
		}
	}
	return nil
}

// parseDel parses arp -d's HOST.
func (r *arpReq) parseDel(rest []string) error {
	if len(rest) == 0 {
		return shell.Failf(255, "arp: need host name")
	}
	return r.parseHost(rest[0])
}

// parseShow parses arp's [HOST].
func (r *arpReq) parseShow(rest []string) error {
	if len(rest) == 0 || rest[0] == "" {
		return nil
	}
	return r.parseHost(rest[0])
}

func (r *arpReq) parseHost(host string) error {
	a, err := parseHost(host)
	if err != nil {
		return shell.Failf(255, "%v", err)
	}
	r.host, r.addr = host, a
	return nil
}

// runArp is the arp command.
func runArp(c *shell.Cmd) int {
	r, err := parseArp(c.Args[1:])
	switch {
	case err != nil:
		return c.Exit(err)
	case r.help:
		c.Printf("%s", arpUsage)
		return 0
	case r.set:
		return c.Exit(arpAdd(c.NS.Stack(), r))
	case r.del:
		return c.Exit(arpDelete(c.NS.Stack(), r))
	}
	c.Printf("%s", arpTable(vfs.ARPEntries(c.NS), r))
	return 0
}

// arpAdd adds a permanent entry, on the device the route to it leaves by
// unless -i names one.
func arpAdd(st *stack.Stack, r arpReq) error {
	dev := r.dev
	if dev == "" {
		rt, err := st.RouteGet(r.addr)
		if err != nil {
			return shell.Failf(255, "SIOCSARP: Network is unreachable")
		}
		dev = rt.Dev
	}
	if err := st.AddNeighbor(dev, r.addr, tcpip.LinkAddress(r.mac)); err != nil {
		if errors.Is(err, stack.ErrNoSuchDevice) {
			return shell.Failf(255, "SIOCSARP: No such device")
		}
		return shell.Failf(255, "SIOCSARP: %v", err)
	}
	return nil
}

// arpDelete deletes the first entry for the address (on -i's device).
func arpDelete(st *stack.Stack, r arpReq) error {
	for _, n := range st.Neighbors() {
		if n.Addr == r.addr && (r.dev == "" || n.Dev == r.dev) {
			if err := st.DelNeighbor(n.Dev, r.addr); err != nil {
				return shell.Failf(255, "SIOCDARP(dontpub): %v", err)
			}
			return nil
		}
	}
	return shell.Failf(255, "No ARP entry for %s", r.host)
}

// arpTable prints the entries r selects, as arp does.
func arpTable(entries []vfs.ARPEntry, r arpReq) string {
	var b strings.Builder
	shown := 0
	for _, e := range entries {
		if (r.dev != "" && e.Dev != r.dev) || (r.addr.IsValid() && e.Addr != r.addr) {
			continue
		}
		switch {
		case r.bsd:
			b.WriteString(arpLineBSD(e))
		case shown == 0:
			b.WriteString("Address                  HWtype  HWaddress           Flags Mask            Iface\n")
			fallthrough
		default:
			b.WriteString(arpLine(e))
		}
		shown++
	}
	if r.verbose {
		fmt.Fprintf(&b, "Entries: %d\tSkipped: %d\tFound: %d\n", len(entries), len(entries)-shown, shown)
	}
	switch {
	case shown > 0:
	case r.host != "" && !r.bsd:
		fmt.Fprintf(&b, "%s (%s) -- no entry\n", r.host, r.addr)
	case r.host != "" || r.dev != "":
		fmt.Fprintf(&b, "arp: in %d entries no match found.\n", len(entries))
	}
	return b.String()
}

// arpLineBSD is arp -a's line: "? (ADDR) at MAC [ether] on DEV".
func arpLineBSD(e vfs.ARPEntry) string {
	var b strings.Builder
	fmt.Fprintf(&b, "? (%s) at ", e.Addr)
	if e.Flags&0x2 == 0 {
		b.WriteString("<incomplete> ")
	} else {
		fmt.Fprintf(&b, "%s [ether] ", vfs.MACString(e.MAC))
	}
	if e.Flags&0x4 != 0 {
		b.WriteString("PERM ")
	}
	fmt.Fprintf(&b, "on %s\n", e.Dev)
	return b.String()
}

// arpLine is a row of arp's default (Linux style) table; flags C for a
// complete entry, M for a permanent one.
func arpLine(e vfs.ARPEntry) string {
	flags, hwtype, hw := "", "", "(incomplete)"
	if e.Flags&0x2 != 0 {
		flags, hwtype, hw = "C", "ether", vfs.MACString(e.MAC)
	}
	if e.Flags&0x4 != 0 {
		flags += "M"
	}
	return fmt.Sprintf("%-23.23s  %-8.8s%-20.20s%-6.6s%-15.15s %s\n", e.Addr.String(), hwtype, hw, flags, "", e.Dev)
}
