package vethsim

import (
	"sync"
	"testing"
	"time"
)

func TestQueue(t *testing.T) {
	tests := []struct {
		name  string
		limit int
		puts  int
		close bool // close before putting
		want  []error
	}{
		{"fits", 3, 3, false, []error{nil, nil, nil}},
		{"full", 2, 4, false, []error{nil, nil, ErrQueueFull, ErrQueueFull}},
		{"closed", 2, 1, true, []error{ErrQueueClosed}},
		{"limit 0 holds one", 0, 2, false, []error{nil, ErrQueueFull}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := NewQueue[int](tt.limit)
			if tt.close {
				q.Close()
			}
			for i := 0; i < tt.puts; i++ {
				if err := q.Put(i); err != tt.want[i] {
					t.Fatalf("Put(%d) = %v, want %v", i, err, tt.want[i])
				}
			}
			ok := 0
			for _, err := range tt.want {
				if err == nil {
					ok++
				}
			}
			if q.Len() != ok {
				t.Fatalf("Len() = %d, want %d", q.Len(), ok)
			}
			select {
			case <-q.Ready():
				if ok == 0 {
					t.Fatal("Ready fired with nothing queued")
				}
			default:
				if ok > 0 {
					t.Fatal("Ready did not fire")
				}
			}
			got := q.Take(nil)
			if len(got) != ok {
				t.Fatalf("Take() = %v, want %d items", got, ok)
			}
			for i, x := range got {
				if x != i {
					t.Fatalf("Take() = %v, not in order", got)
				}
			}
			if q.Len() != 0 {
				t.Fatalf("Len() = %d after Take", q.Len())
			}
		})
	}
}

// Take hands its buffer to the queue and returns the previous one: the two
// swap without copying, and a taken batch frees room for the limit.
func TestQueueTakeSwaps(t *testing.T) {
	q := NewQueue[int](2)
	_ = q.Put(1)
	_ = q.Put(2)
	buf := make([]int, 0, 8)
	batch := q.Take(buf)
	if len(batch) != 2 {
		t.Fatalf("batch %v", batch)
	}
	if err := q.Put(3); err != nil {
		t.Fatalf("Put after Take: %v", err)
	}
	next := q.Take(batch[:0])
	if len(next) != 1 || next[0] != 3 || cap(next) != 8 {
		t.Fatalf("second batch %v (cap %d), want [3] in the caller's buffer", next, cap(next))
	}
}

// Many producers, one consumer that sleeps on Ready: every item put is
// taken exactly once, none is lost to a missed wake-up (run with -race).
func TestQueueConcurrent(t *testing.T) {
	const producers, per = 4, 5000
	q := NewQueue[int](64)
	var wg sync.WaitGroup
	accepted := make([]int, producers)
	for p := 0; p < producers; p++ {
		wg.Add(1)
		go func(p int) {
			defer wg.Done()
			for i := 0; i < per; i++ {
				if q.Put(p*per+i) == nil {
					accepted[p]++
				}
			}
		}(p)
	}
	done := make(chan struct{})
	go func() { wg.Wait(); q.Close(); close(done) }()
	seen := map[int]bool{}
	last := make([]int, producers)
	for i := range last {
		last[i] = -1
	}
	var batch []int
	take := func() {
		batch = q.Take(batch[:0])
		for _, x := range batch {
			if seen[x] {
				t.Fatalf("item %d taken twice", x)
			}
			seen[x] = true
			p := x / per
			if x <= last[p] {
				t.Fatalf("producer %d: item %d after %d", p, x, last[p])
			}
			last[p] = x
		}
		clear(batch)
	}
	for finished := false; !finished; {
		select {
		case <-q.Ready():
			take()
		case <-done:
			finished = true
		case <-time.After(5 * time.Second):
			t.Fatal("consumer starved: a wake-up was lost")
		}
	}
	take() // closed: what is left
	total := 0
	for _, n := range accepted {
		total += n
	}
	if len(seen) != total {
		t.Fatalf("took %d items, %d were accepted", len(seen), total)
	}
	if err := q.Put(1); err != ErrQueueClosed {
		t.Fatalf("Put after Close = %v", err)
	}
}
