//go:build !linux

package uplink

import (
	"fmt"
	"io"
)

// openTAP: TAP devices are Linux's here.
func openTAP(name string) (io.ReadWriteCloser, bool, error) {
	return nil, false, fmt.Errorf("TAP device %q: not emulated on this system (Linux only); use --uplink host", name)
}
