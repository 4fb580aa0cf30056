package iperf3

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// The -J output: iperf3 builds it with cJSON and prints it with
// cJSON_Print, whose layout (tabs, "key":<tab>value, arrays of objects as
// [{ … }, { … }]) is reproduced here, keys in iperf3's order.

// jsonValue is an ordered JSON value: obj, []jsonValue, string, bool,
// int, uint64, int64 or float64.
type jsonValue any

// obj is a JSON object with its keys in order.
type obj []kv

type kv struct {
	k string
	v jsonValue
}

// printJSON is cJSON_Print of v.
func printJSON(v jsonValue) string {
	var b strings.Builder
	writeJSONValue(&b, v, 0)
	b.WriteByte('\n')
	return b.String()
}

func writeJSONValue(b *strings.Builder, v jsonValue, depth int) {
	switch v := v.(type) {
	case obj:
		b.WriteString("{\n")
		for i, e := range v {
			b.WriteString(strings.Repeat("\t", depth+1))
			b.WriteString(strconv.Quote(e.k) + ":\t")
			writeJSONValue(b, e.v, depth+1)
			if i < len(v)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(strings.Repeat("\t", depth) + "}")
	case []jsonValue:
		b.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				b.WriteString(", ")
			}
			writeJSONValue(b, e, depth+1)
		}
		b.WriteByte(']')
	case string:
		b.WriteString(strconv.Quote(v))
	case bool:
		b.WriteString(strconv.FormatBool(v))
	case int:
		b.WriteString(cjsonNumber(float64(v)))
	case int64:
		b.WriteString(cjsonNumber(float64(v)))
	case uint64:
		b.WriteString(cjsonNumber(float64(v)))
	case float64:
		b.WriteString(cjsonNumber(v))
	default:
		fmt.Fprintf(b, "%v", v)
	}
}

// cjsonNumber is cJSON 1.7.15's print_number: an int when the value is
// one, else the shortest of %1.15g and %1.17g that reads back the same.
func cjsonNumber(d float64) string {
	switch {
	case math.IsNaN(d) || math.IsInf(d, 0):
		return "null"
	case d == math.Trunc(d) && d >= math.MinInt32 && d <= math.MaxInt32:
		return strconv.Itoa(int(d))
	}
	s := strconv.FormatFloat(d, 'g', 15, 64)
	if back, _ := strconv.ParseFloat(s, 64); back != d {
		s = strconv.FormatFloat(d, 'g', 17, 64)
	}
	return cTrim(s)
}

// cTrim drops the zeros Go's 'g' keeps after the point, as C's %g drops
// them.
func cTrim(s string) string {
	mant, exp, hasExp := strings.Cut(s, "e")
	if strings.Contains(mant, ".") {
		mant = strings.TrimRight(strings.TrimRight(mant, "0"), ".")
	}
	if hasExp {
		return mant + "e" + exp
	}
	return mant
}

// jsonStream is one stream's interval record.
func jsonStream(x sample) obj {
	o := obj{{"socket", x.fd}, {"start", x.start}, {"end", x.end}, {"seconds", x.seconds()},
		{"bytes", x.bytes}, {"bits_per_second", x.rate() * 8}}
	switch {
	case x.udp && x.sender:
		o = append(o, kv{"packets", x.packets})
	case x.udp:
		o = append(o, kv{"jitter_ms", x.jitter * 1000}, kv{"lost_packets", x.lost}, kv{"packets", x.packets},
			kv{"lost_percent", lostPercent(x)})
	case x.sender:
		o = append(o, kv{"retransmits", x.retr}, kv{"snd_cwnd", x.cwnd})
	}
	return append(o, kv{"omitted", false}, kv{"sender", x.sender})
}

func lostPercent(x sample) float64 {
	if x.packets == 0 {
		return 0
	}
	return 100 * float64(x.lost) / float64(x.packets)
}

// jsonSum is a sum record (without the socket).
func jsonSum(x sample) obj {
	o := jsonStream(x)[1:]
	if x.sender && !x.udp { // sums have no cwnd
		out := obj{}
		for _, e := range o {
			if e.k != "snd_cwnd" {
				out = append(out, e)
			}
		}
		return out
	}
	return o
}

// jsonInterval is one element of "intervals".
func jsonInterval(xs []sample, _ bool) jsonValue {
	var streams []jsonValue
	for _, x := range xs {
		streams = append(streams, jsonStream(x))
	}
	return obj{{"streams", streams}, {"sum", jsonSum(sum(xs))}}
}

// jsonEnd is "end": each stream's sender and receiver (or udp) record,
// then the sums.
func jsonEnd(sent, recvd []sample) obj {
	var streams []jsonValue
	for i := range max(len(sent), len(recvd)) {
		if len(sent) > 0 && sent[0].udp {
			x := recvd[i]
			streams = append(streams, obj{{"udp", endRecord(x)}})
			continue
		}
		o := obj{}
		if i < len(sent) {
			o = append(o, kv{"sender", endRecord(sent[i])})
		}
		if i < len(recvd) {
			o = append(o, kv{"receiver", endRecord(recvd[i])})
		}
		streams = append(streams, o)
	}
	end := obj{{"streams", streams}}
	if len(sent) > 0 {
		end = append(end, kv{"sum_sent", endRecord(sum(sent))[1:]})
	}
	if len(recvd) > 0 {
		end = append(end, kv{"sum_received", endRecord(sum(recvd))[1:]})
	}
	return end
}

func endRecord(x sample) obj {
	o := jsonSum(x)
	for i, e := range o {
		if e.k == "omitted" {
			o = append(o[:i:i], o[i+1:]...)
			break
		}
	}
	return o.withSocket(x.fd)
}

func (o obj) withSocket(fd int) obj { return append(obj{{"socket", fd}}, o...) }
