module github.com/keyforge/keyforge/keygen/internal/mont/_gen

go 1.26.0
