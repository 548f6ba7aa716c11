package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// Linux-only ways to make a write fail, which need root (tests run as root
// in CI; elsewhere they skip saying why).

func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root (mknod, mount, chattr)")
	}
}

// TestKeyFileDeviceNode: a device node made in the directory is refused, and
// its mode is not touched (the old code chmod-ed it to 0600).
func TestKeyFileDeviceNode(t *testing.T) {
	requireRoot(t)
	for _, w := range keyWriters(t) {
		t.Run(w.name, func(t *testing.T) {
			dir := t.TempDir()
			node := filepath.Join(dir, "null")
			if err := syscall.Mknod(node, syscall.S_IFCHR|0o666, 1<<8|3); err != nil {
				t.Skipf("mknod: %v", err)
			}
			os.Chmod(node, 0o666)
			expectRefused(t, dir, node, "not a regular file (a character device)", w.args(node))
			expectRefused(t, dir, node, "not a regular file (a character device)", withForce(w.args(node)))
		})
	}
}

// TestKeyFileUnwritableDirectory: with the directory immutable (chattr +i)
// or mounted read-only, nothing is written and the existing key survives.
func TestKeyFileUnwritableDirectory(t *testing.T) {
	requireRoot(t)
	ws := keyWriters(t)
	t.Run("immutable", func(t *testing.T) {
		if _, err := exec.LookPath("chattr"); err != nil {
			t.Skip("chattr not installed (Debian package e2fsprogs)")
		}
		for _, w := range ws {
			t.Run(w.name, func(t *testing.T) {
				dir := t.TempDir()
				path := filepath.Join(dir, "key")
				if err := os.WriteFile(path, []byte(oldKey), 0o600); err != nil {
					t.Fatal(err)
				}
				if out, err := exec.Command("chattr", "+i", dir).CombinedOutput(); err != nil {
					t.Skipf("chattr +i not supported here: %v %s", err, out)
				}
				t.Cleanup(func() { exec.Command("chattr", "-i", dir).Run() })
				expectRefused(t, dir, path, "creating a temporary file in "+dir+": operation not permitted", withForce(w.args(path)))
				fresh := filepath.Join(dir, "fresh")
				expectRefused(t, dir, fresh, "operation not permitted", w.args(fresh))
			})
		}
	})
	t.Run("read-only mount", func(t *testing.T) {
		for _, w := range ws {
			t.Run(w.name, func(t *testing.T) {
				src, dir := t.TempDir(), t.TempDir()
				path := filepath.Join(dir, "key")
				if err := os.WriteFile(filepath.Join(src, "key"), []byte(oldKey), 0o600); err != nil {
					t.Fatal(err)
				}
				if err := syscall.Mount(src, dir, "", syscall.MS_BIND, ""); err != nil {
					t.Skipf("bind mount not permitted: %v", err)
				}
				t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
				if err := syscall.Mount("", dir, "", syscall.MS_REMOUNT|syscall.MS_BIND|syscall.MS_RDONLY, ""); err != nil {
					t.Skipf("read-only remount not permitted: %v", err)
				}
				expectRefused(t, dir, path, "read-only file system", withForce(w.args(path)))
			})
		}
	})
}

// TestKeyFileFullDisk: on a full filesystem --force fails with ENOSPC and
// the existing key is intact, with no fragment or temporary file left.
func TestKeyFileFullDisk(t *testing.T) {
	requireRoot(t)
	for _, w := range keyWriters(t) {
		t.Run(w.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=64k"); err != nil {
				t.Skipf("mounting a tmpfs not permitted: %v", err)
			}
			t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
			path := filepath.Join(dir, "key")
			if err := os.WriteFile(path, []byte(oldKey), 0o600); err != nil {
				t.Fatal(err)
			}
			fill(t, filepath.Join(dir, "filler"))
			expectRefused(t, dir, path, "no space left on device", withForce(w.args(path)))
			fresh := filepath.Join(dir, "fresh")
			expectRefused(t, dir, fresh, "no space left on device", w.args(fresh))
			if !strings.Contains(dirState(t, dir), "key -rw------- ") {
				t.Fatal("existing key lost")
			}
		})
	}
}

// fill writes path until the filesystem is full.
func fill(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 512)
	for range 1 << 12 {
		if _, err := f.Write(buf); err != nil {
			if errors.Is(err, syscall.ENOSPC) {
				return
			}
			t.Fatal(err)
		}
	}
	t.Fatal("filesystem never filled")
}
