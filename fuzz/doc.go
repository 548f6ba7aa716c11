// Package fuzz holds keyforge's cross-package properties: every key survives
// every format keyforge writes, conversion chains are byte-stable, and whatever
// one reader accepts every writer can re-encode. Per-package fuzz targets live
// beside their decoders; this package has no exported API.
package fuzz
