package boltstore

import (
	"bufio"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/keyforge/keyforge/ec2"
	"github.com/keyforge/keyforge/ec2/storetest"
)

// The test binary doubles as the child process of the lock and durability
// tests: with helperEnv set it runs the named helper instead of the tests.
const helperEnv = "KEYFORGE_BOLTSTORE_HELPER"

func TestMain(m *testing.M) {
	switch os.Getenv(helperEnv) {
	case "":
		os.Exit(m.Run())
	case "lock":
		helperLock(os.Getenv("KEYFORGE_BOLTSTORE_PATH"))
	case "durable":
		helperDurable(os.Getenv("KEYFORGE_BOLTSTORE_PATH"), os.Getenv("KEYFORGE_BOLTSTORE_ROUND"))
	}
	os.Exit(0)
}

func open(t *testing.T, path string) *Store {
	t.Helper()
	s, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestStoreContract(t *testing.T) {
	storetest.Run(t, storetest.Opener{
		New: func(t *testing.T) ec2.Store {
			return open(t, filepath.Join(t.TempDir(), "state.db"))
		},
		Reopen: func(t *testing.T, s ec2.Store) ec2.Store {
			bs := s.(*Store)
			if err := bs.Close(); err != nil {
				t.Fatal(err)
			}
			return open(t, bs.Path())
		},
	})
}

func TestNewFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.db")
	s := open(t, path)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("temporary files left: %v", ents)
	}
	// A second Open in this process is refused too (bbolt's lock is per
	// file description), rather than hanging.
	if _, err := Open(path, nil); !errors.Is(err, ErrLocked) {
		t.Errorf("second Open: %v, want ErrLocked", err)
	}
	s.Close()
	if err := s.Put(context.Background(), "r", ec2.Record{}); !errors.Is(err, ErrClosed) {
		t.Errorf("Put after Close: %v", err)
	}
}

func sum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// validFile makes a state file holding one key pair and returns its path.
func validFile(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state.db")
	s, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := ec2.OpenService(context.Background(), ec2.Options{Region: "us-east-1", Store: s})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateKeyPair(context.Background(), &ec2.CreateKeyPairInput{KeyName: "a", KeyType: "ed25519"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// boltFile makes a bbolt file and lets edit change it.
func boltFile(t *testing.T, path string, edit func(tx *bolt.Tx) error) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(edit); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestRefusedUntouched: files that are not keyforge state files, are
// corrupt or are newer are refused with a named error and not changed.
func TestRefusedUntouched(t *testing.T) {
	cases := []struct {
		name string
		make func(t *testing.T, path string)
		want error
	}{
		{"empty", func(t *testing.T, p string) { os.WriteFile(p, nil, 0o600) }, ErrForeign},
		{"text", func(t *testing.T, p string) {
			os.WriteFile(p, []byte(strings.Repeat("not a database\n", 1000)), 0o600)
		}, ErrForeign},
		{"random", func(t *testing.T, p string) {
			b := make([]byte, 64<<10)
			r := rand.NewChaCha8([32]byte{1})
			r.Read(b)
			os.WriteFile(p, b, 0o600)
		}, ErrForeign},
		{"other bolt file", func(t *testing.T, p string) {
			boltFile(t, p, func(tx *bolt.Tx) error {
				b, _ := tx.CreateBucket([]byte("widgets"))
				return b.Put([]byte("k"), []byte("v"))
			})
		}, ErrForeign},
		{"other format", func(t *testing.T, p string) {
			boltFile(t, p, func(tx *bolt.Tx) error {
				b, _ := tx.CreateBucket(metaBucket)
				return b.Put(formatKey, []byte("something-else"))
			})
		}, ErrForeign},
		{"newer version", func(t *testing.T, p string) {
			copyFile(t, validFile(t), p)
			boltFile(t, p, func(tx *bolt.Tx) error {
				return tx.Bucket(metaBucket).Put(versionKey, []byte("2"))
			})
		}, ErrNewer},
		{"corrupt record", func(t *testing.T, p string) {
			copyFile(t, validFile(t), p)
			boltFile(t, p, func(tx *bolt.Tx) error {
				kp := tx.Bucket(regionsBucket).Bucket(regionKey("us-east-1")).Bucket(keyPairsB)
				return kp.Put(u64(1), []byte(`{"keyName":`))
			})
		}, ErrCorrupt},
		{"invalid record", func(t *testing.T, p string) {
			copyFile(t, validFile(t), p)
			boltFile(t, p, func(tx *bolt.Tx) error {
				kp := tx.Bucket(regionsBucket).Bucket(regionKey("us-east-1")).Bucket(keyPairsB)
				return kp.Put(u64(1), []byte(`{"keyName":"a","keyPairId":"key-0","keyType":"rsa","publicKey":"x","generation":1}`))
			})
		}, ErrCorrupt},
		{"index disagrees", func(t *testing.T, p string) {
			copyFile(t, validFile(t), p)
			boltFile(t, p, func(tx *bolt.Tx) error {
				return tx.Bucket(regionsBucket).Bucket(regionKey("us-east-1")).Bucket(namesB).Delete([]byte("a"))
			})
		}, ErrCorrupt},
		{"meta pages overwritten", func(t *testing.T, p string) {
			copyFile(t, validFile(t), p)
			f, err := os.OpenFile(p, os.O_RDWR, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			junk := make([]byte, 2*4096)
			for i := range junk {
				junk[i] = byte(i * 7)
			}
			f.WriteAt(junk, 0)
		}, ErrForeign},
		{"truncated", func(t *testing.T, p string) {
			// Cut below the highest page in use.
			v := validFile(t)
			db, err := bolt.Open(v, 0o600, &bolt.Options{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			var size int64
			db.View(func(tx *bolt.Tx) error { size = tx.Size(); return nil })
			db.Close()
			b, _ := os.ReadFile(v)
			os.WriteFile(p, b[:size-4096], 0o600)
		}, ErrCorrupt},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "state.db")
			c.make(t, path)
			before := sum(t, path)
			fi0, _ := os.Stat(path)
			s, err := Open(path, nil)
			if err == nil {
				s.Close()
				t.Fatal("opened")
			}
			if c.want != nil && !errors.Is(err, c.want) {
				t.Errorf("error %v, want %v", err, c.want)
			}
			if !strings.Contains(err.Error(), path) {
				t.Errorf("error %q does not name the file", err)
			}
			if sum(t, path) != before {
				t.Error("file changed")
			}
			if fi, _ := os.Stat(path); !fi.ModTime().Equal(fi0.ModTime()) || fi.Size() != fi0.Size() {
				t.Error("file size or time changed")
			}
			ents, _ := os.ReadDir(filepath.Dir(path))
			if len(ents) != 1 {
				t.Errorf("files made beside it: %v", ents)
			}
		})
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestSymlinkRefused(t *testing.T) {
	dir := t.TempDir()
	target := validFile(t)
	link := filepath.Join(dir, "link.db")
	if err := os.Symlink(target, link); err != nil {
		t.Skip(err)
	}
	if s, err := Open(link, nil); err == nil {
		s.Close()
		t.Fatal("opened through a symlink")
	}
}

// helperLock holds the store open until its stdin closes.
func helperLock(path string) {
	s, err := Open(path, nil)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println("ready")
	io.Copy(io.Discard, os.Stdin)
	s.Close()
}

// TestLockedByOtherProcess: a file held by another process is refused at
// once with ErrLocked, and can be opened once that process exits.
func TestLockedByOtherProcess(t *testing.T) {
	path := validFile(t)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"=lock", "KEYFORGE_BOLTSTORE_PATH="+path)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	if line != "ready\n" {
		t.Fatalf("child: %q", line)
	}
	before := sum(t, path)
	done := make(chan error, 1)
	go func() {
		s, err := Open(path, nil)
		if err == nil {
			s.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), path) {
			t.Fatalf("Open of a locked file: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Open of a locked file hangs")
	}
	if sum(t, path) != before {
		t.Error("file changed")
	}
	stdin.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	s := open(t, path)
	st, err := s.Load(context.Background(), "us-east-1")
	if err != nil || len(st.KeyPairs) != 1 {
		t.Fatalf("after the child exited: %+v, %v", st, err)
	}
}

// helperDurable runs concurrent creates, imports and deletes on the store
// until it is killed, printing "start <op> <name>" before each request and
// "ack <op> <name> <id>" once it returned successfully.
func helperDurable(path, round string) {
	s, err := Open(path, nil)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	svc, err := ec2.OpenService(context.Background(), ec2.Options{Region: "us-east-1", Store: s})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	var out sync.Mutex
	say := func(format string, a ...any) {
		out.Lock()
		fmt.Fprintf(os.Stdout, format+"\n", a...) // one write per line, unbuffered
		out.Unlock()
	}
	ctx := context.Background()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(g), uint64(len(round))))
			for i := 0; ; i++ {
				name := fmt.Sprintf("r%s-g%d-%d", round, g, i)
				var id string
				if i%2 == 0 {
					say("start create %s", name)
					o, err := svc.CreateKeyPair(ctx, &ec2.CreateKeyPairInput{KeyName: name, KeyType: "ed25519"})
					if err != nil {
						say("error %v", err)
						return
					}
					id = o.KeyPairId
					say("ack create %s %s", name, id)
				} else {
					say("start import %s", name)
					o, err := svc.ImportKeyPair(ctx, &ec2.ImportKeyPairInput{KeyName: name, PublicKeyMaterial: []byte(storetest.PublicKeyLine(i))})
					if err != nil {
						say("error %v", err)
						return
					}
					id = o.KeyPairId
					say("ack import %s %s", name, id)
				}
				if r.IntN(2) == 0 {
					say("start delete %s", name)
					o, err := svc.DeleteKeyPair(ctx, &ec2.DeleteKeyPairInput{KeyName: name})
					if err != nil || o.KeyPairId != id {
						say("error %v %v", o, err)
						return
					}
					say("ack delete %s %s", name, id)
				}
			}
		}()
	}
	wg.Wait()
}

// TestDurableAfterSIGKILL kills a child process in the middle of concurrent
// creates, imports and deletes, reopens the file and checks that every
// acknowledged write is there and no acknowledged delete is, over several
// rounds on one file.
func TestDurableAfterSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("child processes; skipped with -short")
	}
	path := filepath.Join(t.TempDir(), "state.db")
	type nameState struct {
		ackID      string // acknowledged create or import
		ackDeleted bool
		started    string // the last request started
	}
	model := map[string]*nameState{}
	const rounds = 6
	totalAcks := 0
	for round := range rounds {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), helperEnv+"=durable", "KEYFORGE_BOLTSTORE_PATH="+path,
			fmt.Sprintf("KEYFORGE_BOLTSTORE_ROUND=%d", round))
		stdout, _ := cmd.StdoutPipe()
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		killAfter := 100 + 60*round // acknowledgements before the kill
		acks := 0
		killed := false
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			switch {
			case len(f) == 3 && f[0] == "start":
				if model[f[2]] == nil {
					model[f[2]] = &nameState{}
				}
				model[f[2]].started = f[1]
			case len(f) == 4 && f[0] == "ack":
				st := model[f[2]]
				if f[1] == "delete" {
					st.ackDeleted = true
				} else {
					st.ackID = f[3]
				}
				acks++
			default:
				cmd.Process.Kill()
				t.Fatalf("child: %q", sc.Text())
			}
			if acks == killAfter && !killed {
				cmd.Process.Signal(syscall.SIGKILL)
				killed = true
			}
		}
		err := cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
			t.Fatalf("round %d: child ended with %v, not by SIGKILL", round, err)
		}
		totalAcks += acks

		s, err := Open(path, nil)
		if err != nil {
			t.Fatalf("round %d: reopening after SIGKILL: %v", round, err)
		}
		st, err := s.Load(context.Background(), "us-east-1")
		s.Close()
		if err != nil {
			t.Fatal(err)
		}
		stored := map[string]string{}
		for _, r := range st.KeyPairs {
			stored[r.KeyName] = r.KeyPairId
		}
		for name, m := range model {
			id, ok := stored[name]
			switch {
			case m.ackDeleted:
				if ok {
					t.Errorf("round %d: %s was deleted (acknowledged) but is stored", round, name)
				}
			case m.ackID != "":
				// Acknowledged; only a delete in flight may have removed it.
				if !ok && m.started != "delete" {
					t.Errorf("round %d: acknowledged %s (%s) is lost", round, name, m.ackID)
				}
				if ok && id != m.ackID {
					t.Errorf("round %d: %s has id %s, acknowledged %s", round, name, id, m.ackID)
				}
			}
			// Anything else was in flight at the kill: either outcome is fine,
			// but it must be settled from now on.
			if ok {
				m.ackID = id
			} else if m.ackID != "" {
				m.ackDeleted = true
			}
			m.started = ""
		}
		for name := range stored {
			if model[name] == nil {
				t.Errorf("round %d: %s is stored but was never requested", round, name)
			}
		}
	}
	t.Logf("%d rounds, %d acknowledged requests, %d names", rounds, totalAcks, len(model))
}

func TestSpareKeys(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	s := open(t, path)
	keys := [][]byte{[]byte("der-1"), []byte("der-2")}
	if err := s.PutSpareKeys(2048, keys); err != nil {
		t.Fatal(err)
	}
	if err := s.PutSpareKeys(3072, [][]byte{[]byte("big")}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutSpareKeys(2048, [][]byte{[]byte("der-3")}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s = open(t, path)
	got, err := s.TakeSpareKeys(2048)
	if err != nil {
		t.Fatal(err)
	}
	if want := [][]byte{[]byte("der-1"), []byte("der-2"), []byte("der-3")}; !reflect.DeepEqual(got, want) {
		t.Fatalf("took %q, want %q", got, want)
	}
	s.Close()
	s = open(t, path) // taken keys are gone for good
	if got, err := s.TakeSpareKeys(2048); err != nil || len(got) != 0 {
		t.Fatalf("second take: %q, %v", got, err)
	}
	if got, err := s.TakeSpareKeys(3072); err != nil || len(got) != 1 {
		t.Fatalf("other size: %q, %v", got, err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := s.PutSpareKeys(2048, keys); !errors.Is(err, ErrReadable) {
		t.Fatalf("PutSpareKeys on a 0644 file: %v", err)
	}
}

// TestGroupCommit: concurrent Puts share transactions (fewer commits than
// requests), and each is durable on return.
func TestGroupCommit(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "state.db"))
	before := s.commits.Load()
	const n = 200
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := ec2.Record{KeyName: fmt.Sprintf("k%d", i), KeyPairId: fmt.Sprintf("key-0%016x", i), KeyType: "ed25519",
				KeyFingerprint: "f", PublicKey: storetest.PublicKeyLine(i), Generation: 1}
			if err := s.Put(context.Background(), "us-east-1", r); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	commits := s.commits.Load() - before
	st, _ := s.Load(context.Background(), "us-east-1")
	if len(st.KeyPairs) != n {
		t.Fatalf("%d stored", len(st.KeyPairs))
	}
	t.Logf("%d Puts in %d transactions", n, commits)
	if commits >= n {
		t.Errorf("%d Puts took %d transactions: no batching", n, commits)
	}
}
