package main

import (
	"io"
	"sync"
)

// logWriter gathers log lines and hands them to one goroutine that writes
// whatever has gathered in a single write, so a busy server makes one
// write(2) for many requests instead of one each. A line is written as
// soon as that goroutine runs; past maxPending bytes a writer waits for
// the output (a stalled stderr slows the server down rather than growing
// its memory). Close writes what is left.
type logWriter struct {
	out   io.Writer
	wmu   sync.Mutex // held while writing to out, so batches keep their order
	mu    sync.Mutex
	buf   []byte
	spare []byte
	ready chan struct{} // a batch is waiting; capacity 1
	done  chan struct{}
	shut  bool
}

const maxPending = 1 << 20

func newLogWriter(out io.Writer) *logWriter {
	w := &logWriter{out: out, ready: make(chan struct{}, 1), done: make(chan struct{})}
	go w.loop()
	return w
}

func (w *logWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	if w.shut || len(w.buf)+len(p) > maxPending {
		w.mu.Unlock()
		w.wmu.Lock()
		defer w.wmu.Unlock()
		w.mu.Lock()
		w.buf = append(w.buf, p...)
		b := w.take()
		w.mu.Unlock()
		_, err := w.out.Write(b)
		w.give(b)
		return len(p), err
	}
	w.buf = append(w.buf, p...)
	select {
	case w.ready <- struct{}{}:
	default:
	}
	w.mu.Unlock()
	return len(p), nil
}

// take returns the pending bytes and leaves an empty buffer; w.mu is held.
func (w *logWriter) take() []byte {
	b := w.buf
	w.buf, w.spare = w.spare[:0], nil
	return b
}

// give keeps b for reuse unless it grew large.
func (w *logWriter) give(b []byte) {
	if cap(b) > 64<<10 {
		return
	}
	w.mu.Lock()
	if w.spare == nil {
		w.spare = b[:0]
	}
	w.mu.Unlock()
}

func (w *logWriter) loop() {
	defer close(w.done)
	for range w.ready {
		w.flush()
	}
	w.flush()
}

func (w *logWriter) flush() {
	w.wmu.Lock()
	defer w.wmu.Unlock()
	w.mu.Lock()
	b := w.take()
	w.mu.Unlock()
	if len(b) > 0 {
		w.out.Write(b)
	}
	w.give(b)
}

// Close writes what is pending; later writes go straight to the output.
func (w *logWriter) Close() error {
	w.mu.Lock()
	if w.shut {
		w.mu.Unlock()
		return nil
	}
	w.shut = true
	close(w.ready)
	w.mu.Unlock()
	<-w.done
	return nil
}
