package ec2_test

import (
	"testing"

	"github.com/keyforge/keyforge/ec2"
	"github.com/keyforge/keyforge/ec2/storetest"
)

func TestMemoryStore(t *testing.T) {
	storetest.Run(t, storetest.Opener{New: func(*testing.T) ec2.Store { return ec2.NewMemoryStore() }})
}
