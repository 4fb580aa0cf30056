module github.com/nsemu/nsemu

go 1.26.8

require (
	github.com/benhoyt/goawk v1.29.1
	github.com/chzyer/readline v1.5.1
	github.com/google/gopacket v1.1.19
	github.com/songgao/water v0.0.0-20200317203138-2b4b6d7c09d8
	github.com/spf13/afero v1.15.0
	github.com/spf13/pflag v1.1.0
	go.uber.org/goleak v1.3.0
	golang.org/x/net v0.52.0
	golang.org/x/sys v0.47.0
	gvisor.dev/gvisor v0.0.0-20260905035102-160fafc42237
	mvdan.cc/sh/v3 v3.14.1
)

require (
	github.com/google/btree v1.1.2 // indirect
	golang.org/x/exp v0.0.0-20250711185948-6ae5c78190dc // indirect
	golang.org/x/term v0.45.0 // indirect
	golang.org/x/text v0.36.0 // indirect
	golang.org/x/time v0.15.0 // indirect
)

// A patched gVisor: the packages nsemu uses, with the patches of
// third_party/gvisor-patches (each written to go upstream) applied by
// third_party/update-gvisor.sh. See README.md, "Performance".
replace gvisor.dev/gvisor => ./third_party/gvisor
