package stack

import (
	randv2 "math/rand/v2"
	"sync"
)

// seededSource is a stack's random source when the world is seeded
// (Config.Seed): gVisor draws from it its NUD jitter, IGMP delays,
// ephemeral ports, ICMP identifiers (Ping's), TCP's initial sequence
// numbers and timestamp offsets (through SecureRNG: the ISN is a keyed hash
// of the connection and the clock, keyed from it), the IP ID hash seed, so
// that a seeded run draws the same numbers. It is safe for concurrent use,
// as gstack.Options.RandSource and SecureRNG must be; its lock is a leaf.
type seededSource struct {
	mu  sync.Mutex
	pcg *randv2.PCG
	cc  *randv2.ChaCha8
}

func newSeededSource(seed [4]uint64) *seededSource {
	var key [32]byte
	for i, v := range seed {
		for j := range 8 {
			key[8*i+j] = byte(v >> (8 * j))
		}
	}
	return &seededSource{pcg: randv2.NewPCG(seed[0], seed[1]), cc: randv2.NewChaCha8(key)}
}

// Int63 implements rand.Source.
func (s *seededSource) Int63() int64 { return int64(s.Uint64() >> 1) }

// Uint64 implements rand.Source64.
func (s *seededSource) Uint64() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pcg.Uint64()
}

// Seed implements rand.Source; the source keeps the world's seed.
func (s *seededSource) Seed(int64) {}

// secureReader is the SecureRNG side of a seededSource.
type secureReader struct{ s *seededSource }

// Read implements io.Reader.
func (r secureReader) Read(p []byte) (int, error) {
	r.s.mu.Lock()
	defer r.s.mu.Unlock()
	return r.s.cc.Read(p)
}
