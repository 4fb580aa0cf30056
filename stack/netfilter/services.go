package netfilter

// ServiceName is the name netbase's /etc/services gives port of proto
// ("tcp" or "udp"), as getservbyport(3) finds it; ok is false for none.
func ServiceName(proto string, port uint16) (string, bool) { return serviceName(proto, port) }

// ServicePort is the port of service name (or alias) for proto, as
// getservbyname(3) finds it.
func ServicePort(proto, name string) (uint16, bool) { return servicePort(proto, name) }
