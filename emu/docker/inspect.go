package docker

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// The docker inspect views, with Docker's field names (so that JSON output
// and --format templates read as they do with Docker).

// ContainerJSON is docker inspect's view of a container.
type ContainerJSON struct {
	ID              string `json:"Id"`
	Created         string
	Path            string
	Args            []string
	State           ContainerState
	Image           string
	ResolvConfPath  string
	HostnamePath    string
	HostsPath       string
	LogPath         string
	Name            string
	RestartCount    int
	Driver          string
	Platform        string
	HostConfig      HostConfig
	Config          ContainerConfig
	NetworkSettings NetworkSettings
}

// ContainerState is State.
type ContainerState struct {
	Status     string
	Running    bool
	Paused     bool
	Restarting bool
	OOMKilled  bool
	Dead       bool
	Pid        int
	ExitCode   int
	Error      string
	StartedAt  string
	FinishedAt string
}

// HostConfig is HostConfig (the part nsemu emulates).
type HostConfig struct {
	NetworkMode  string
	PortBindings map[string][]PortBindingJSON
	AutoRemove   bool
	Privileged   bool
}

// PortBindingJSON is a host binding of a port.
type PortBindingJSON struct {
	HostIP   string `json:"HostIp"`
	HostPort string
}

// ContainerConfig is Config.
type ContainerConfig struct {
	Hostname     string
	Domainname   string
	User         string
	AttachStdin  bool
	AttachStdout bool
	AttachStderr bool
	ExposedPorts map[string]struct{} `json:",omitempty"`
	Tty          bool
	OpenStdin    bool
	StdinOnce    bool
	Env          []string
	Cmd          []string
	Image        string
	WorkingDir   string
	Entrypoint   []string
}

// NetworkSettings is NetworkSettings. The top-level address fields are
// those of the default bridge network, empty on others (as in Docker).
type NetworkSettings struct {
	Bridge              string
	SandboxID           string
	SandboxKey          string
	Ports               map[string][]PortBindingJSON
	EndpointID          string
	Gateway             string
	GlobalIPv6Address   string
	GlobalIPv6PrefixLen int
	IPAddress           string
	IPPrefixLen         int
	IPv6Gateway         string
	MacAddress          string
	Networks            map[string]*EndpointSettings
}

// EndpointSettings is one entry of NetworkSettings.Networks.
type EndpointSettings struct {
	IPAMConfig          *struct{}
	Links               []string
	Aliases             []string
	MacAddress          string
	NetworkID           string
	EndpointID          string
	Gateway             string
	IPAddress           string
	IPPrefixLen         int
	IPv6Gateway         string
	GlobalIPv6Address   string
	GlobalIPv6PrefixLen int
	DNSNames            []string
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return "0001-01-01T00:00:00Z"
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func exposedPorts(base string) []string {
	switch base {
	case "nginx", "httpd":
		return []string{"80/tcp"}
	}
	return nil
}

// Inspect returns docker inspect's view of the container.
func (e *Engine) Inspect(c *Container) ContainerJSON {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.inspectLocked(c)
}

// inspectLocked is Inspect; e.mu must be held.
func (e *Engine) inspectLocked(c *Container) ContainerJSON {
	base := ImageBase(c.Image)
	entry, _ := imageCmd(base)
	dir := "/var/lib/docker/containers/" + c.ID
	j := ContainerJSON{
		ID: c.ID, Created: rfc3339(c.created), Path: c.path, Args: append([]string{}, c.args...),
		Image:          "sha256:" + imageDigest(c.Image),
		ResolvConfPath: dir + "/resolv.conf", HostnamePath: dir + "/hostname", HostsPath: dir + "/hosts",
		LogPath: dir + "/" + c.ID + "-json.log", Name: "/" + c.Name, Driver: "overlay2", Platform: "linux",
	}
	j.State = ContainerState{
		Status: string(c.state), Running: c.state == StateRunning, ExitCode: c.exitCode, Error: c.errMsg,
		StartedAt: rfc3339(c.startedAt), FinishedAt: rfc3339(c.finishedAt),
	}
	if c.state == StateRunning {
		j.State.Pid = c.pid
	}
	ports := map[string][]PortBindingJSON{}
	for _, b := range c.opts.Ports {
		k := fmt.Sprintf("%d/%s", b.ContainerPort, b.Proto)
		hp := ""
		if b.HostPort != 0 {
			hp = fmt.Sprint(b.HostPort)
		}
		ip := ""
		if b.HostIP.IsValid() {
			ip = b.HostIP.String()
		}
		ports[k] = append(ports[k], PortBindingJSON{HostIP: ip, HostPort: hp})
	}
	j.HostConfig = HostConfig{NetworkMode: c.netMode, PortBindings: ports, AutoRemove: c.opts.AutoRemove}
	_, imgCmd := imageCmd(base)
	cmd := c.opts.Cmd
	if len(cmd) == 0 {
		cmd = imgCmd
	}
	j.Config = ContainerConfig{
		Hostname: c.hostname, AttachStdin: c.opts.Interactive, AttachStdout: true, AttachStderr: true,
		Tty: c.opts.TTY, OpenStdin: c.opts.Interactive, StdinOnce: c.opts.Interactive,
		Env: append([]string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}, c.opts.Env...),
		Cmd: cmd, Image: c.Image, Entrypoint: entry,
	}
	if ex := exposedPorts(base); len(ex) > 0 {
		j.Config.ExposedPorts = map[string]struct{}{}
		for _, p := range ex {
			j.Config.ExposedPorts[p] = struct{}{}
		}
	}
	ns := NetworkSettings{Ports: map[string][]PortBindingJSON{}, Networks: map[string]*EndpointSettings{}}
	if c.state == StateRunning {
		if len(c.endpoints) > 0 {
			for _, p := range exposedPorts(base) {
				ns.Ports[p] = nil
			}
		}
		for _, p := range c.published {
			k := fmt.Sprintf("%d/%s", p.b.ContainerPort, p.b.Proto)
			ns.Ports[k] = append(ns.Ports[k], PortBindingJSON{HostIP: p.b.HostIPString(), HostPort: fmt.Sprint(p.b.HostPort)})
		}
		if c.sb != nil {
			ns.SandboxID = c.sb.id
			ns.SandboxKey = "/var/run/docker/netns/" + c.sb.id[:12]
		} else if c.mode == modeHost {
			ns.SandboxKey = "/var/run/docker/netns/default"
		}
	}
	switch c.mode {
	case modeHost:
		ns.Networks["host"] = &EndpointSettings{NetworkID: e.networkByName("host").ID}
	case modeNone:
		ns.Networks["none"] = &EndpointSettings{NetworkID: e.networkByName("none").ID}
	case modeBridge:
		for _, a := range c.attach {
			es := &EndpointSettings{NetworkID: a.net.ID}
			if ep := c.endpointOn(a.net); ep != nil {
				es.MacAddress, es.EndpointID, es.Gateway = ep.MAC.String(), ep.ID, a.net.Gateway.String()
				es.IPAddress, es.IPPrefixLen = ep.IP.String(), a.net.Subnet.Bits()
				if !a.net.Default {
					es.DNSNames = []string{c.Name, c.ID[:12]}
					es.Aliases = []string{c.ID[:12]}
				}
				if a.net.Default {
					ns.EndpointID, ns.Gateway, ns.IPAddress = ep.ID, es.Gateway, es.IPAddress
					ns.IPPrefixLen, ns.MacAddress = es.IPPrefixLen, es.MacAddress
				}
			}
			ns.Networks[a.net.Name] = es
		}
	}
	j.NetworkSettings = ns
	return j
}

// networkByName returns the network called name, or an empty one. e.mu
// must be held.
func (e *Engine) networkByName(name string) *Network {
	for _, n := range e.networks {
		if n.Name == name {
			return n
		}
	}
	return &Network{}
}

// imageDigest is a stable made-up 64-hex digest of a string (an image's
// ID, a host-mode endpoint's ID).
func imageDigest(image string) string {
	h := uint64(14695981039346656037)
	for i := 0; i < len(image); i++ {
		h ^= uint64(image[i])
		h *= 1099511628211
	}
	var b strings.Builder
	for b.Len() < 64 {
		h ^= h >> 33
		h *= 0xff51afd7ed558ccd
		fmt.Fprintf(&b, "%016x", h)
	}
	return b.String()[:64]
}

// ImageID is the made-up ID of an image (docker images' IMAGE ID).
func ImageID(image string) string { return imageDigest(image) }

// NetworkJSON is docker network inspect's view.
type NetworkJSON struct {
	Name       string
	ID         string `json:"Id"`
	Created    string
	Scope      string
	Driver     string
	EnableIPv6 bool
	IPAM       IPAM
	Internal   bool
	Attachable bool
	Ingress    bool
	ConfigFrom struct{ Network string }
	ConfigOnly bool
	Containers map[string]NetworkContainer
	Options    map[string]string
	Labels     map[string]string
}

// IPAM is a network's address management.
type IPAM struct {
	Driver  string
	Options map[string]string
	Config  []IPAMConfig
}

// IPAMConfig is a subnet of a network.
type IPAMConfig struct {
	Subnet  string
	Gateway string
}

// NetworkContainer is a container attached to a network.
type NetworkContainer struct {
	Name        string
	EndpointID  string
	MacAddress  string
	IPv4Address string
	IPv6Address string
}

// InspectNetwork returns docker network inspect's view of n.
func (e *Engine) InspectNetwork(n *Network) NetworkJSON {
	e.mu.Lock()
	defer e.mu.Unlock()
	j := NetworkJSON{Name: n.Name, ID: n.ID, Created: rfc3339(n.Created), Scope: "local", Driver: n.Driver,
		IPAM: IPAM{Driver: "default", Config: []IPAMConfig{}}, Containers: map[string]NetworkContainer{},
		Options: map[string]string{}, Labels: map[string]string{}}
	if n.IsBridge() {
		j.IPAM.Config = []IPAMConfig{{Subnet: n.Subnet.String(), Gateway: n.Gateway.String()}}
		if n.Default {
			j.IPAM.Options = nil
			j.Options = map[string]string{
				"com.docker.network.bridge.default_bridge":       "true",
				"com.docker.network.bridge.enable_icc":           "true",
				"com.docker.network.bridge.enable_ip_masquerade": "true",
				"com.docker.network.bridge.host_binding_ipv4":    "0.0.0.0",
				"com.docker.network.bridge.name":                 "docker0",
				"com.docker.network.driver.mtu":                  "1500",
			}
		} else {
			j.IPAM.Options = map[string]string{}
		}
	}
	for _, c := range e.containers {
		if c.state != StateRunning {
			continue
		}
		if ep := c.endpointOn(n); ep != nil {
			j.Containers[c.ID] = NetworkContainer{Name: c.Name, EndpointID: ep.ID, MacAddress: ep.MAC.String(),
				IPv4Address: fmt.Sprintf("%s/%d", ep.IP, n.Subnet.Bits())}
		} else if (n.Driver == "host" && c.mode == modeHost) || (n.Driver == "null" && c.mode == modeNone) {
			j.Containers[c.ID] = NetworkContainer{Name: c.Name, EndpointID: imageDigest(c.ID)}
		}
	}
	return j
}

// ContainerNetworks names the networks a container is attached to, sorted
// (docker ps's NETWORKS).
func (e *Engine) ContainerNetworks(c *Container) []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []string
	switch c.mode {
	case modeHost:
		out = []string{"host"}
	case modeNone:
		out = []string{"none"}
	case modeBridge:
		for _, a := range c.attach {
			out = append(out, a.net.Name)
		}
	}
	sort.Strings(out)
	return out
}
