//go:build unix

package boltstore

import "syscall"

const oNoFollow = syscall.O_NOFOLLOW
