//go:build linux

package uplink

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/user"
	"syscall"

	"github.com/songgao/water"
	"golang.org/x/sys/unix"
)

// openTAP opens the real TAP device name with water, creating it when it
// does not exist (which needs CAP_NET_ADMIN). An existing one — a
// persistent TAP made once by root for this user — opens without
// privileges and is left as it was; one nsemu created goes when nsemu
// closes it. created reports which.
func openTAP(name string) (dev io.ReadWriteCloser, created bool, err error) {
	_, lookErr := net.InterfaceByName(name)
	exists := lookErr == nil
	cfg := water.Config{DeviceType: water.TAP}
	cfg.Name = name
	// water sets the persist flag as told: keep an existing device's, so
	// that closing ours does not delete the user's TAP.
	cfg.Persist = exists
	ifce, err := water.New(cfg)
	if err != nil {
		return nil, false, tapError(name, exists, err)
	}
	if !exists {
		setLinkUp(name)
	}
	return ifce, !exists, nil
}

// setLinkUp brings a TAP device nsemu created up on the real side (best
// effort: it has CAP_NET_ADMIN, or it could not have created it).
func setLinkUp(name string) {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq(name)
	if err != nil || unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr) != nil {
		return
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	_ = unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr)
}

// tapError says what to do when the TAP device cannot be opened.
func tapError(name string, exists bool, err error) error {
	var sc *os.SyscallError
	ioctl := errors.As(err, &sc)
	who := "$USER"
	if u, uerr := user.Current(); uerr == nil {
		who = u.Username
	}
	create := fmt.Sprintf("as root, once: ip tuntap add %s mode tap user %s && ip link set %s up (and give it an address: ip addr add 192.0.2.1/24 dev %s)", name, who, name, name)
	switch {
	case !ioctl && errors.Is(err, syscall.ENOENT):
		return fmt.Errorf("TAP device %q: /dev/net/tun does not exist: load the tun module (as root: modprobe tun)", name)
	case !ioctl && (errors.Is(err, syscall.EACCES) || errors.Is(err, syscall.EPERM)):
		return fmt.Errorf("TAP device %q: cannot open /dev/net/tun: %v (it is usually mode 0666: as root, chmod 0666 /dev/net/tun)", name, err)
	case errors.Is(err, syscall.EPERM) && exists:
		return fmt.Errorf("TAP device %q: operation not permitted: it belongs to another user; %s", name, create)
	case errors.Is(err, syscall.EPERM):
		return fmt.Errorf("TAP device %q does not exist, and creating it needs root (CAP_NET_ADMIN); %s", name, create)
	case errors.Is(err, syscall.EBUSY):
		return fmt.Errorf("TAP device %q is in use by another process", name)
	case errors.Is(err, syscall.EINVAL):
		return fmt.Errorf("%q exists and is not a TAP device", name)
	}
	return fmt.Errorf("TAP device %q: %v", name, err)
}
