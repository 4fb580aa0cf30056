// A part of gvisor.dev/gvisor v0.0.0-20260905035102-160fafc42237: the packages nsemu uses,
// with third_party/gvisor-patches applied (third_party/update-gvisor.sh).
module gvisor.dev/gvisor

go 1.26.3

require (
	github.com/google/btree v1.1.2
	golang.org/x/sys v0.47.0
	golang.org/x/time v0.15.0
)
