// Package safefile writes key files the way a careful tool must: atomically,
// never through a symbolic link, never into a device, FIFO or directory,
// never over an existing file unless asked, and private files with mode
// 0600 from the moment they exist.
//
// Write puts the data in a temporary file in the target's directory
// (created with O_CREAT|O_EXCL, so it cannot be a link someone planted),
// fsyncs it, moves it into place and fsyncs the directory. Whatever fails
// on the way, the temporary file is removed and an existing target is left
// exactly as it was: a full disk or an unwritable directory never costs the
// old key or leaves a fragment behind.
//
// Choices:
//   - A symbolic link at the target is refused, also with Force. Replacing
//     the link itself would be safe, but a user who points a path at a link
//     almost always means its target, and silently breaking the link (or
//     writing a private key wherever it points) is the surprise this package
//     exists to prevent. The error says what the path is.
//   - Without Force the new file is published with link(2), which fails if
//     anything appeared at the path meanwhile, so no-clobber holds even
//     against a concurrent writer. On a filesystem without hard links it
//     falls back to checking, then renaming.
//   - SIGINT, SIGTERM and SIGHUP arriving during a Write are held until the
//     write has finished or been cleaned up, then delivered again. SIGKILL
//     or a crash can leave a ".keyforge-*.tmp" file (complete, mode 0600 for
//     private data) in the directory, never a partial target.
package safefile

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
)

// Why a write was refused; the returned *fs.PathError wraps one of these.
var (
	ErrExists     = errors.New("file exists")
	ErrSymlink    = errors.New("is a symbolic link (keyforge never writes through one)")
	ErrNotRegular = errors.New("not a regular file")
)

// Modes of the files Write creates. Public files are also subject to the
// umask; private ones are exactly 0600.
const (
	PrivateMode fs.FileMode = 0o600
	PublicMode  fs.FileMode = 0o644
)

// Options say how to write.
type Options struct {
	// Private makes the file mode exactly 0600 (else 0644 less the umask).
	Private bool
	// Force replaces an existing regular file (atomically). It never allows
	// writing over a symbolic link or a non-regular file.
	Force bool
}

// Check reports whether Write could replace or create path under opts, so a
// caller can refuse before doing expensive work. Write checks again.
func Check(path string, opts Options) error {
	st, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return &fs.PathError{Op: "write", Path: path, Err: err}
	}
	return refusal(path, st, opts.Force)
}

func refusal(path string, st fs.FileInfo, force bool) error {
	switch m := st.Mode(); {
	case m&fs.ModeSymlink != 0:
		return &fs.PathError{Op: "write", Path: path, Err: ErrSymlink}
	case !m.IsRegular():
		return &fs.PathError{Op: "write", Path: path, Err: fmt.Errorf("%w (%s)", ErrNotRegular, kind(m))}
	case !force:
		return &fs.PathError{Op: "write", Path: path, Err: ErrExists}
	}
	return nil
}

func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	}
	return "mode " + m.String()
}

// Write writes data to path as the package doc describes. Errors are
// *fs.PathError values naming the path (or the temporary file or directory
// that failed) and the reason; they never contain data.
func Write(path string, data []byte, opts Options) (err error) {
	if err := Check(path, opts); err != nil {
		return err
	}
	release := holdSignals()
	defer release()

	dir := filepath.Dir(path)
	mode := PublicMode
	if opts.Private {
		mode = PrivateMode
	}
	f, tmp, err := createTemp(dir, mode)
	if err != nil {
		return failed(path, "creating a temporary file in "+dir, err)
	}
	published := false
	defer func() {
		if f != nil {
			f.Close()
		}
		if !published {
			os.Remove(tmp)
		}
	}()
	if opts.Private {
		// The umask may have made it stricter than 0600; make it exact.
		if err := f.Chmod(PrivateMode); err != nil {
			return failed(path, "setting mode 0600", err)
		}
	}
	if _, err := f.Write(data); err != nil {
		return failed(path, "writing the temporary file", err)
	}
	if err := f.Sync(); err != nil {
		return failed(path, "syncing the temporary file", err)
	}
	err = f.Close()
	f = nil
	if err != nil {
		return failed(path, "closing the temporary file", err)
	}
	if err := publish(tmp, path, opts.Force); err != nil {
		return err
	}
	published = true
	if err := syncDir(dir); err != nil {
		return failed(path, "written, but syncing its directory", err)
	}
	return nil
}

// createTemp makes a new file in dir that did not exist before, with mode.
// failed names the target path, the step and the system's reason (without
// the temporary file's name, which no longer exists).
func failed(path, step string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return &fs.PathError{Op: "write", Path: path, Err: fmt.Errorf("%s: %w", step, err)}
}

func createTemp(dir string, mode fs.FileMode) (*os.File, string, error) {
	for range 10 {
		var b [8]byte
		rand.Read(b[:])
		name := filepath.Join(dir, ".keyforge-"+hex.EncodeToString(b[:])+".tmp")
		// O_EXCL also refuses a symbolic link at name, dangling or not.
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return nil, "", err
		}
		return f, name, nil
	}
	return nil, "", &fs.PathError{Op: "create temporary file in", Path: dir, Err: fs.ErrExist}
}

// publish moves tmp to path: replacing whatever is there with force
// (rename never follows a link at path), else only if path is still free.
func publish(tmp, path string, force bool) error {
	if force {
		if err := os.Rename(tmp, path); err != nil {
			return renameError(path, err)
		}
		return nil
	}
	err := os.Link(tmp, path)
	if err == nil {
		if err := os.Remove(tmp); err != nil {
			return failed(path, "removing the temporary file "+tmp, err)
		}
		return nil
	}
	if errors.Is(err, fs.ErrExist) {
		return &fs.PathError{Op: "write", Path: path, Err: ErrExists}
	}
	var le *os.LinkError
	if errors.As(err, &le) && linkUnsupported(le.Err) {
		// No hard links here: check, then rename (not atomic against a
		// concurrent writer, the best such a filesystem allows).
		if err := Check(path, Options{}); err != nil {
			return err
		}
		if err := os.Rename(tmp, path); err != nil {
			return renameError(path, err)
		}
		return nil
	}
	return &fs.PathError{Op: "write", Path: path, Err: unwrapLink(err)}
}

func linkUnsupported(err error) bool {
	return errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.ENOTSUP) ||
		errors.Is(err, syscall.EOPNOTSUPP) || errors.Is(err, syscall.EMLINK) || errors.Is(err, syscall.ENOSYS)
}

func renameError(path string, err error) error {
	return &fs.PathError{Op: "write", Path: path, Err: unwrapLink(err)}
}

func unwrapLink(err error) error {
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

// syncDir makes the rename durable. Filesystems that cannot sync a
// directory say EINVAL; there is nothing more to do on them.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) && !errors.Is(err, syscall.ENOTSUP) {
		return err
	}
	return nil
}

// holdSignals defers SIGINT, SIGTERM and SIGHUP until the returned function
// runs, which delivers the first one that arrived again (killing the
// process if nothing else handles it).
func holdSignals() func() {
	c := make(chan os.Signal, 1)
	signal.Notify(c, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	return func() {
		signal.Stop(c)
		select {
		case s := <-c:
			if p, err := os.FindProcess(os.Getpid()); err == nil {
				p.Signal(s)
			}
		default:
		}
	}
}
