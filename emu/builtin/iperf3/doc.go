package iperf3

import ()

// jsonDoc is a -J document in the making: "start" when the test starts,
// the intervals from the reporter, "end" at the end.
type jsonDoc struct {
	s     *session
	start obj
}

func newJSONDoc(s *session, r Request, cookie string) *jsonDoc {
	var connected []jsonValue
	for _, st := range s.streams {
		connected = append(connected, obj{{"socket", st.fd}, {"local_host", st.local.Addr().String()},
			{"local_port", int(st.local.Port())}, {"remote_host", st.remote.Addr().String()}, {"remote_port", int(st.remote.Port())}})
	}
	now := s.clk.Now().UTC()
	proto := "TCP"
	if s.p.UDP {
		proto = "UDP"
	}
	reverse := 0
	if s.p.Reverse {
		reverse = 1
	}
	start := obj{{"connected", connected}, {"version", "iperf 3.12"}, {"system_info", "nsemu (emulated namespace " + s.ns.Name() + ")"},
		{"timestamp", obj{{"time", now.Format("Mon, 02 Jan 2006 15:04:05 GMT")}, {"timesecs", now.Unix()}}}}
	if s.client {
		start = append(start, kv{"connecting_to", obj{{"host", r.Host}, {"port", r.Port}}}, kv{"cookie", cookie})
	}
	if !s.p.UDP {
		start = append(start, kv{"tcp_mss_default", 1448})
	}
	start = append(start, kv{"target_bitrate", s.p.Bandwidth},
		kv{"test_start", obj{{"protocol", proto}, {"num_streams", s.p.Parallel}, {"blksize", s.blockLen()},
			{"omit", 0}, {"duration", s.p.Time}, {"bytes", s.p.Num}, {"blocks", 0}, {"reverse", reverse},
			{"tos", 0}, {"target_bitrate", s.p.Bandwidth}}})
	return &jsonDoc{s: s, start: start}
}

// finish is the whole document, printed.
func (d *jsonDoc) finish(sent, recvd []sample) string {
	intervals := d.s.rep.intervals
	if intervals == nil {
		intervals = []jsonValue{}
	}
	end := jsonEnd(sent, recvd)
	end = append(end, kv{"cpu_utilization_percent", obj{{"host_total", 0}, {"host_user", 0}, {"host_system", 0},
		{"remote_total", 0}, {"remote_user", 0}, {"remote_system", 0}}})
	if !d.s.p.UDP {
		end = append(end, kv{"sender_tcp_congestion", "reno"}, kv{"receiver_tcp_congestion", "reno"})
	}
	return printJSON(obj{{"start", d.start}, {"intervals", intervals}, {"end", end}})
}
