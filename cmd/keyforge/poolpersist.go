package main

import (
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"

	"github.com/keyforge/keyforge/ec2"
	"github.com/keyforge/keyforge/keygen"
)

// spareKeyStore is the part of a durable store that keeps a pool's unused
// keys across restarts (boltstore.Store has it).
type spareKeyStore interface {
	PutSpareKeys(bits int, keys [][]byte) error
	TakeSpareKeys(bits int) ([][]byte, error)
}

func spareKeys(st ec2.Store) (spareKeyStore, error) {
	ss, ok := st.(spareKeyStore)
	if !ok {
		return nil, errors.New("--pool-persist: the --state store cannot keep keys")
	}
	return ss, nil
}

// takeSpareKeys removes the keys the last run left from the store and
// returns those a pool of bits can use; a key that does not parse or check
// is dropped with a warning, as it is only a spare. Taking them at start
// means no key is handed out twice, even if this run crashes (its keys are
// then lost, not reused). It first checks that the store may hold private
// keys, so a file others can read fails at start rather than at shutdown.
func takeSpareKeys(st ec2.Store, bits int, logger *slog.Logger) ([]*rsa.PrivateKey, error) {
	ss, err := spareKeys(st)
	if err != nil {
		return nil, err
	}
	if err := ss.PutSpareKeys(bits, nil); err != nil {
		return nil, fmt.Errorf("--pool-persist: %w", err)
	}
	ders, err := ss.TakeSpareKeys(bits)
	if err != nil {
		return nil, fmt.Errorf("--pool-persist: %w", err)
	}
	keys := make([]*rsa.PrivateKey, 0, len(ders))
	for i, der := range ders {
		k, err := x509.ParsePKCS1PrivateKey(der)
		if err == nil {
			err = keygen.CheckPoolKey(k, bits)
		}
		if err != nil {
			logger.Warn("dropping a saved pool key that does not check", "index", i, "err", err)
			continue
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// putSpareKeys stores a pool's unused keys for the next run.
func putSpareKeys(st ec2.Store, bits int, keys []*rsa.PrivateKey, logger *slog.Logger) error {
	ss, err := spareKeys(st)
	if err != nil {
		return err
	}
	ders := make([][]byte, len(keys))
	for i, k := range keys {
		ders[i] = x509.MarshalPKCS1PrivateKey(k)
	}
	if err := ss.PutSpareKeys(bits, ders); err != nil {
		return fmt.Errorf("--pool-persist: saving %d unused pool keys: %w", len(keys), err)
	}
	logger.Info("saved the pool's unused keys for the next run", "keys", len(keys))
	return nil
}
