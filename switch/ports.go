package l2switch

import "github.com/nsemu/nsemu/vethsim"

// portSet is a bridge's ports in the order they were added, with constant
// time membership and removal, so that a bridge of 100 000 ports is built
// and torn down in linear time. A removed port leaves a hole (nil) in
// list; holes are squeezed out once they are half of it. Not safe for
// concurrent use: the bridge goroutine owns one, and the mirror another
// under its lock.
type portSet struct {
	list  []*vethsim.End
	index map[*vethsim.End]int
	holes int
}

func (s *portSet) has(p *vethsim.End) bool {
	if len(s.list) <= 8 {
		// Scanning a few ports is cheaper than a map lookup.
		for _, x := range s.list {
			if x == p {
				return true
			}
		}
		return false
	}
	_, ok := s.index[p]
	return ok
}

// add appends p; it reports false if p is there already.
func (s *portSet) add(p *vethsim.End) bool {
	if s.index == nil {
		s.index = map[*vethsim.End]int{}
	}
	if _, dup := s.index[p]; dup {
		return false
	}
	s.index[p] = len(s.list)
	s.list = append(s.list, p)
	return true
}

// remove takes p out; it reports false if p was not there.
func (s *portSet) remove(p *vethsim.End) bool {
	i, ok := s.index[p]
	if !ok {
		return false
	}
	delete(s.index, p)
	s.list[i] = nil
	s.holes++
	if s.holes > 16 && 2*s.holes > len(s.list) {
		s.compact()
	}
	return true
}

func (s *portSet) compact() {
	out := s.list[:0]
	for _, p := range s.list {
		if p != nil {
			s.index[p] = len(out)
			out = append(out, p)
		}
	}
	clear(s.list[len(out):])
	s.list, s.holes = out, 0
}

// all lists the ports in order (a new slice).
func (s *portSet) all() []*vethsim.End {
	out := make([]*vethsim.End, 0, len(s.list)-s.holes)
	for _, p := range s.list {
		if p != nil {
			out = append(out, p)
		}
	}
	return out
}

func (s *portSet) clear() { *s = portSet{} }
