//go:build !purego

package keygen

const manyKeys = 300
