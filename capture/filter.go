package capture

import (
	"fmt"
	"net"
	"strconv"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
)

// Filter is a compiled tcpdump filter expression. The zero value (and a nil
// Filter) matches every frame.
type Filter struct {
	root node
	src  string
}

// String returns the expression the filter was compiled from.
func (f *Filter) String() string {
	if f == nil {
		return ""
	}
	return f.src
}

// Match reports whether an Ethernet frame matches.
func (f *Filter) Match(frame []byte) bool {
	if f == nil || f.root == nil {
		return true
	}
	return f.root.match(decode(frame))
}

type decoded struct {
	eth  *layers.Ethernet
	arp  *layers.ARP
	ip   *layers.IPv4
	tcp  *layers.TCP
	udp  *layers.UDP
	icmp *layers.ICMPv4
}

func decode(frame []byte) *decoded {
	p := gopacket.NewPacket(frame, layers.LayerTypeEthernet, gopacket.DecodeOptions{Lazy: true, NoCopy: true})
	d := &decoded{}
	d.eth, _ = p.Layer(layers.LayerTypeEthernet).(*layers.Ethernet)
	d.arp, _ = p.Layer(layers.LayerTypeARP).(*layers.ARP)
	d.ip, _ = p.Layer(layers.LayerTypeIPv4).(*layers.IPv4)
	d.tcp, _ = p.Layer(layers.LayerTypeTCP).(*layers.TCP)
	d.udp, _ = p.Layer(layers.LayerTypeUDP).(*layers.UDP)
	d.icmp, _ = p.Layer(layers.LayerTypeICMPv4).(*layers.ICMPv4)
	return d
}

type node interface{ match(*decoded) bool }

type andNode struct{ a, b node }
type orNode struct{ a, b node }
type notNode struct{ a node }
type protoNode string
type hostNode struct {
	dir  string // "", "src", "dst"
	addr net.IP
}
type etherHostNode struct {
	dir string
	mac net.HardwareAddr
}
type portNode struct {
	dir   string
	proto string // "", "tcp", "udp"
	port  uint16
}

func (n andNode) match(d *decoded) bool { return n.a.match(d) && n.b.match(d) }
func (n orNode) match(d *decoded) bool  { return n.a.match(d) || n.b.match(d) }
func (n notNode) match(d *decoded) bool { return !n.a.match(d) }

func (n protoNode) match(d *decoded) bool {
	switch n {
	case "arp":
		return d.arp != nil
	case "ip":
		return d.ip != nil
	case "icmp":
		return d.icmp != nil
	case "tcp":
		return d.tcp != nil
	case "udp":
		return d.udp != nil
	}
	return false
}

func (n hostNode) match(d *decoded) bool {
	var src, dst net.IP
	switch {
	case d.ip != nil:
		src, dst = d.ip.SrcIP, d.ip.DstIP
	case d.arp != nil:
		src, dst = net.IP(d.arp.SourceProtAddress), net.IP(d.arp.DstProtAddress)
	default:
		return false
	}
	switch n.dir {
	case "src":
		return src.Equal(n.addr)
	case "dst":
		return dst.Equal(n.addr)
	}
	return src.Equal(n.addr) || dst.Equal(n.addr)
}

func (n etherHostNode) match(d *decoded) bool {
	if d.eth == nil {
		return false
	}
	s, t := d.eth.SrcMAC.String() == n.mac.String(), d.eth.DstMAC.String() == n.mac.String()
	switch n.dir {
	case "src":
		return s
	case "dst":
		return t
	}
	return s || t
}

func (n portNode) match(d *decoded) bool {
	var sp, dp uint16
	switch {
	case d.tcp != nil && n.proto != "udp":
		sp, dp = uint16(d.tcp.SrcPort), uint16(d.tcp.DstPort)
	case d.udp != nil && n.proto != "tcp":
		sp, dp = uint16(d.udp.SrcPort), uint16(d.udp.DstPort)
	default:
		return false
	}
	switch n.dir {
	case "src":
		return sp == n.port
	case "dst":
		return dp == n.port
	}
	return sp == n.port || dp == n.port
}

// Compile parses a tcpdump filter expression: arp, ip, icmp, tcp, udp,
// [src|dst] host H, [src|dst] [tcp|udp] port P, ether [src|dst] host M,
// and/&&, or/||, not/!, and parentheses. An empty expression matches all.
func Compile(expr string) (*Filter, error) {
	toks := tokenize(expr)
	if len(toks) == 0 {
		return &Filter{src: expr}, nil
	}
	p := &parser{toks: toks}
	n, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.pos < len(p.toks) {
		return nil, fmt.Errorf("syntax error in filter expression: unexpected %q", p.toks[p.pos])
	}
	return &Filter{root: n, src: expr}, nil
}

func tokenize(s string) []string {
	var out []string
	cur := ""
	flush := func() {
		if cur != "" {
			out = append(out, cur)
			cur = ""
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			flush()
		case c == '(' || c == ')' || c == '!':
			flush()
			out = append(out, string(c))
		case c == '&' && i+1 < len(s) && s[i+1] == '&':
			flush()
			out = append(out, "and")
			i++
		case c == '|' && i+1 < len(s) && s[i+1] == '|':
			flush()
			out = append(out, "or")
			i++
		default:
			cur += string(c)
		}
	}
	flush()
	return out
}

type parser struct {
	toks []string
	pos  int
}

func (p *parser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

func (p *parser) next() string {
	t := p.peek()
	if p.pos < len(p.toks) {
		p.pos++
	}
	return t
}

func (p *parser) or() (node, error) {
	a, err := p.and()
	if err != nil {
		return nil, err
	}
	for p.peek() == "or" {
		p.next()
		b, err := p.and()
		if err != nil {
			return nil, err
		}
		a = orNode{a, b}
	}
	return a, nil
}

func (p *parser) and() (node, error) {
	a, err := p.unary()
	if err != nil {
		return nil, err
	}
	for p.peek() == "and" {
		p.next()
		b, err := p.unary()
		if err != nil {
			return nil, err
		}
		a = andNode{a, b}
	}
	switch t := p.peek(); t {
	case "", ")", "or":
		return a, nil
	default:
		return nil, fmt.Errorf("syntax error in filter expression: unexpected %q", t)
	}
}

func (p *parser) unary() (node, error) {
	switch p.peek() {
	case "not", "!":
		p.next()
		a, err := p.unary()
		if err != nil {
			return nil, err
		}
		return notNode{a}, nil
	case "(":
		p.next()
		a, err := p.or()
		if err != nil {
			return nil, err
		}
		if p.next() != ")" {
			return nil, fmt.Errorf("syntax error in filter expression: missing ')'")
		}
		return a, nil
	}
	return p.prim()
}

func (p *parser) prim() (node, error) {
	t := p.next()
	switch t {
	case "":
		return nil, fmt.Errorf("syntax error in filter expression: unexpected end")
	case "arp", "ip", "icmp":
		return protoNode(t), nil
	case "tcp", "udp":
		if p.peek() == "port" || p.peek() == "src" || p.peek() == "dst" {
			dir := ""
			if p.peek() == "src" || p.peek() == "dst" {
				dir = p.next()
			}
			if p.next() != "port" {
				return nil, fmt.Errorf("syntax error in filter expression: expected port")
			}
			return p.port(dir, t)
		}
		return protoNode(t), nil
	case "src", "dst":
		switch p.next() {
		case "host":
			return p.host(t)
		case "port":
			return p.port(t, "")
		}
		return nil, fmt.Errorf("syntax error in filter expression: expected host or port after %s", t)
	case "host":
		return p.host("")
	case "port":
		return p.port("", "")
	case "ether":
		dir := ""
		if p.peek() == "src" || p.peek() == "dst" {
			dir = p.next()
		}
		if p.next() != "host" {
			return nil, fmt.Errorf("syntax error in filter expression: expected host after ether")
		}
		m, err := net.ParseMAC(p.next())
		if err != nil || len(m) != 6 {
			return nil, fmt.Errorf("bogus ethernet address")
		}
		return etherHostNode{dir: dir, mac: m}, nil
	}
	// A bare address means "host ADDR", as in tcpdump.
	if ip := net.ParseIP(t); ip != nil && ip.To4() != nil {
		return hostNode{addr: ip.To4()}, nil
	}
	return nil, fmt.Errorf("syntax error in filter expression: unknown %q", t)
}

func (p *parser) host(dir string) (node, error) {
	a := p.next()
	ip := net.ParseIP(a)
	if ip == nil || ip.To4() == nil {
		return nil, fmt.Errorf("can't resolve host %q", a)
	}
	return hostNode{dir: dir, addr: ip.To4()}, nil
}

func (p *parser) port(dir, proto string) (node, error) {
	a := p.next()
	n, err := strconv.Atoi(a)
	if err != nil || n < 0 || n > 65535 {
		return nil, fmt.Errorf("illegal port number %q", a)
	}
	return portNode{dir: dir, proto: proto, port: uint16(n)}, nil
}
