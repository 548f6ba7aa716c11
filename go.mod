module github.com/keyforge/keyforge

go 1.26.0

require (
	github.com/google/go-cmp v0.7.0 // indirect
	golang.org/x/crypto v0.59.0 // indirect
)
