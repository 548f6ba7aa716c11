//go:build !unix

package boltstore

const oNoFollow = 0 // Open's Lstat check refuses a symlink
