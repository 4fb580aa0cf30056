//go:build unix

package main

import "syscall"

const (
	syscallTERM = syscall.SIGTERM
	syscallHUP  = syscall.SIGHUP
)
