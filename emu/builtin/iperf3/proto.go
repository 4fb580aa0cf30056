package iperf3

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/nsemu/nsemu/emu"
)

// The control protocol, as iperf3 3.12 speaks it (src/iperf_api.h,
// iperf_client_api.c, iperf_server_api.c): the client sends a 37-byte
// cookie; the server drives the test with one signed state byte at a time;
// parameters and results travel as a 4-byte big-endian length and
// unformatted JSON.
const (
	stateTestStart       = 1
	stateTestRunning     = 2
	stateTestEnd         = 4
	stateParamExchange   = 9
	stateCreateStreams   = 10
	stateServerTerminate = 11
	stateClientTerminate = 12
	stateExchangeResults = 13
	stateDisplayResults  = 14
	stateIperfDone       = 16
	stateAccessDenied    = -1
	stateServerError     = -2
)

// cookieSize is COOKIE_SIZE: 36 characters and a NUL.
const cookieSize = 37

// The UDP "connect" datagrams, as an x86 iperf3 3.12 writes its int:
// UDP_CONNECT_MSG 0x36373839 and UDP_CONNECT_REPLY 0x39383736 in host
// (little-endian) byte order. A 3.1-era server replies 987654321.
var (
	udpConnectMsg    = binary.LittleEndian.AppendUint32(nil, 0x36373839)
	udpConnectReply  = binary.LittleEndian.AppendUint32(nil, 0x39383736)
	udpLegacyReplyLE = binary.LittleEndian.AppendUint32(nil, 987654321)
)

// maxJSON bounds what the peer may announce (MAX_PARAMS_JSON_STRING is 8
// KiB; results with many streams are larger).
const maxJSON = 1 << 20

// newCookie is make_cookie: 36 characters from iperf3's alphabet, drawn
// from the world's seed (random unless the run is seeded).
func newCookie(w *emu.World) []byte {
	const alphabet = "abcdefghijklmnopqrstuvwxyz234567"
	b := make([]byte, cookieSize)
	for i := range cookieSize - 1 {
		b[i] = alphabet[w.Uint64()%uint64(len(alphabet))]
	}
	b[cookieSize-1] = 0
	return b
}

// params is the JSON the client sends at PARAM_EXCHANGE (send_parameters).
type params struct {
	TCP           bool   `json:"tcp,omitempty"`
	UDP           bool   `json:"udp,omitempty"`
	Omit          int    `json:"omit"`
	Time          int    `json:"time"`
	Num           uint64 `json:"num"`
	Blockcount    uint64 `json:"blockcount"`
	Parallel      int    `json:"parallel"`
	Reverse       bool   `json:"reverse,omitempty"`
	Len           int    `json:"len,omitempty"`
	Bandwidth     uint64 `json:"bandwidth,omitempty"`
	PacingTimer   int    `json:"pacing_timer,omitempty"`
	ClientVersion string `json:"client_version"`
}

// results is what each side sends at EXCHANGE_RESULTS (send_results).
type results struct {
	CPUUtilTotal         float64        `json:"cpu_util_total"`
	CPUUtilUser          float64        `json:"cpu_util_user"`
	CPUUtilSystem        float64        `json:"cpu_util_system"`
	SenderHasRetransmits int            `json:"sender_has_retransmits"`
	CongestionUsed       string         `json:"congestion_used,omitempty"`
	Streams              []streamResult `json:"streams"`
}

type streamResult struct {
	ID          int     `json:"id"`
	Bytes       uint64  `json:"bytes"`
	Retransmits int64   `json:"retransmits"`
	Jitter      float64 `json:"jitter"`
	Errors      int64   `json:"errors"`
	Packets     int64   `json:"packets"`
	StartTime   float64 `json:"start_time"`
	EndTime     float64 `json:"end_time"`
}

func writeState(w io.Writer, s int8) error {
	_, err := w.Write([]byte{byte(s)})
	return err
}

func readState(r io.Reader) (int8, error) {
	var b [1]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return 0, err
	}
	return int8(b[0]), nil
}

// writeJSON is JSON_write: the length, big-endian, then the text.
func writeJSON(w io.Writer, v any) error {
	text, err := json.Marshal(v)
	if err != nil {
		return err
	}
	msg := binary.BigEndian.AppendUint32(nil, uint32(len(text)))
	_, err = w.Write(append(msg, text...))
	return err
}

// readJSON is JSON_read into v.
func readJSON(r io.Reader, v any) error {
	var n [4]byte
	if _, err := io.ReadFull(r, n[:]); err != nil {
		return err
	}
	size := binary.BigEndian.Uint32(n[:])
	if size > maxJSON {
		return fmt.Errorf("JSON of %d bytes", size)
	}
	text := make([]byte, size)
	if _, err := io.ReadFull(r, text); err != nil {
		return err
	}
	if err := json.Unmarshal(text, v); err != nil {
		return errors.New("unable to receive parameters from client")
	}
	return nil
}
