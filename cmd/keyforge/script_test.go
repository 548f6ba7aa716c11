package main

import (
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestScript runs the end-to-end scripts in testdata/*.txtar against the
// real command (TestMain makes the test binary answer to "keyforge").
// Scripts that need a tool say `[!exec:ssh-keygen] skip`.
func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata",
		RequireExplicitExec: true,
	})
}
