package libc

import (
	"errors"
	"strings"
	"syscall"
)

// ConnError is a failed connect(2) or a dial error in strerror's words
// ("Connection refused", "Network is unreachable", ...).
func ConnError(err error) string {
	s := err.Error()
	switch {
	case errors.Is(err, syscall.ECONNREFUSED), strings.Contains(s, "refused"):
		return "Connection refused"
	case strings.Contains(s, "unreachable"):
		return "Network is unreachable"
	case strings.Contains(s, "timed out"), strings.Contains(s, "timeout"):
		return "Connection timed out"
	}
	return s
}
