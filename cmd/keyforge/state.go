package main

import (
	"github.com/keyforge/keyforge/ec2"
	"github.com/keyforge/keyforge/ec2/boltstore"
)

// openState opens the durable store of serve --state: every create, import
// and delete is synced to the file before it is answered.
func openState(path string) (ec2.Store, func() error, error) {
	s, err := boltstore.Open(path, nil)
	if err != nil {
		return nil, nil, err
	}
	return s, s.Close, nil
}
