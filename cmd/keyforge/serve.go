package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/keyforge/keyforge/ec2"
	"github.com/keyforge/keyforge/ec2query"
	"github.com/keyforge/keyforge/keygen"
)

const serveSynopsis = "serve [--addr HOST:PORT] [--region R] [--state FILE] [--seed HEX] [--pool N [--pool-workers W] [--pool-persist]] [--credentials FILE]"

const serveHelp = `
keyforge serve answers the EC2 key-pair API (CreateKeyPair, ImportKeyPair,
DescribeKeyPairs, DeleteKeyPair) over the EC2 Query protocol, so boto3, the
aws CLI and the AWS SDKs work against it unchanged. It prints the endpoint
URL on stdout, then one log line a request on stderr (action, Region,
status, duration); SIGINT or SIGTERM stops it once the requests in flight
are answered. The aws CLI needs credentials of some kind; unless
--credentials is given any will do:

  export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1

Each option with an example:

  --addr HOST:PORT     keyforge serve --addr 127.0.0.1:0   (prints e.g. http://127.0.0.1:40123)
                       aws ec2 create-key-pair --endpoint-url http://127.0.0.1:40123 --key-name my-key-pair
  --region R           keyforge serve --region eu-west-1   (for unsigned requests; the aws CLI signs its --region)
                       aws ec2 describe-key-pairs --endpoint-url http://127.0.0.1:8080 --region eu-west-1
  --state FILE         keyforge serve --state keys.db      (key pairs survive restarts and crashes)
                       aws ec2 import-key-pair --endpoint-url http://127.0.0.1:8080 --key-name k --public-key-material fileb://id_ed25519.pub
  --seed HEX           keyforge serve --seed 00112233445566778899aabbccddeeff   (same keys, ids, request ids every run)
                       aws ec2 create-key-pair --endpoint-url http://127.0.0.1:8080 --key-name k --key-type ed25519 --key-format ppk
  --pool N             keyforge serve --pool 64            (64 RSA keys kept ready, so RSA create takes about a millisecond)
                       aws ec2 create-key-pair --endpoint-url http://127.0.0.1:8080 --key-name rsa-key
  --pool-workers W     keyforge serve --pool-workers 1     (goroutines refilling the pool above a quarter full; default
                       cores−1, at least 1; below a quarter full or while a request waits, all cores)
                       aws ec2 create-key-pair --endpoint-url http://127.0.0.1:8080 --key-name rsa-key-2
  --pool-persist       keyforge serve --pool-persist --state keys.db   (unused pool keys kept in the file at shutdown,
                       so the next run starts warm; the file then holds private keys and must stay 0600)
                       aws ec2 create-key-pair --endpoint-url http://127.0.0.1:8080 --key-name rsa-key-3
  --credentials FILE   keyforge serve --credentials creds.txt   (lines "ACCESS_KEY_ID SECRET"; SigV4 checked, else 401 AuthFailure)
                       AWS_ACCESS_KEY_ID=AKIDLOCAL AWS_SECRET_ACCESS_KEY=s3cret aws ec2 delete-key-pair --endpoint-url http://127.0.0.1:8080 --key-name k
`

// Server limits: a slow or huge client cannot hold a connection or memory.
const (
	serveReadHeaderTimeout = 10 * time.Second
	serveReadTimeout       = 30 * time.Second
	serveWriteTimeout      = 60 * time.Second
	serveIdleTimeout       = 120 * time.Second
	serveMaxHeaderBytes    = 64 << 10
	serveShutdownTimeout   = 30 * time.Second
	defaultPoolSize        = 16
)

type serveConfig struct {
	addr, region, state, credentials string
	seed                             []byte
	pool                             int
	poolWorkers                      int
	poolPersist                      bool
	onPool                           func(*keygen.Pool) // tests: the pool, once started
}

func runServe(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlagSet("serve")
	var c serveConfig
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8080", "listen on `HOST:PORT` (port 0 picks a free one)")
	fs.StringVar(&c.region, "region", ec2query.DefaultRegion, "`Region` of requests whose signature names none")
	fs.StringVar(&c.state, "state", "", "keep key pairs in `FILE` (durable; default: memory only)")
	seedHex := fs.String("seed", "", "`HEX` seed making every key, id and request id reproducible")
	fs.IntVar(&c.pool, "pool", defaultPoolSize, "keep `N` RSA keys ready (0: generate each on request; unused with --seed)")
	fs.IntVar(&c.poolWorkers, "pool-workers", 0, "refill the pool with up to `W` goroutines above low water (0: cores−1, at least 1)")
	fs.BoolVar(&c.poolPersist, "pool-persist", false, "at shutdown keep the pool's unused keys in the --state file (which then holds private keys), and start from them")
	fs.StringVar(&c.credentials, "credentials", "", "verify SigV4 signatures against `FILE` (lines ACCESS_KEY_ID SECRET)")
	ops, code, ok := parseArgs(fs, serveSynopsis, args, stdout, stderr)
	if !ok {
		if code == exitOK {
			fmt.Fprint(stdout, serveHelp)
		}
		return code
	}
	if len(ops) != 0 {
		return usageError(stderr, fs, serveSynopsis, fmt.Sprintf("unexpected argument %q", ops[0]))
	}
	if !ec2.ValidRegion(c.region) {
		return usageError(stderr, fs, serveSynopsis, fmt.Sprintf("--region %q is not a Region name", c.region))
	}
	if c.pool < 0 {
		return usageError(stderr, fs, serveSynopsis, "--pool must be 0 or more")
	}
	seed, err := parseSeed(*seedHex)
	if err != nil {
		return usageError(stderr, fs, serveSynopsis, err.Error())
	}
	c.seed = seed
	if c.poolWorkers < 0 {
		return usageError(stderr, fs, serveSynopsis, "--pool-workers must be 0 or more")
	}
	if c.poolPersist {
		switch {
		case c.state == "":
			return usageError(stderr, fs, serveSynopsis, "--pool-persist needs --state")
		case c.seed != nil:
			return usageError(stderr, fs, serveSynopsis, "--pool-persist does not apply with --seed (a seeded server has no pool)")
		case c.pool == 0:
			return usageError(stderr, fs, serveSynopsis, "--pool-persist needs --pool 1 or more")
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := serve(ctx, c, stdout, stderr); err != nil {
		return fail(stderr, err)
	}
	return exitOK
}

// serve runs the endpoint until ctx is done, then shuts down gracefully:
// requests in flight finish, then the store is closed.
func serve(ctx context.Context, c serveConfig, stdout, stderr io.Writer) (err error) {
	lw := newLogWriter(stderr)
	defer lw.Close()
	logger := slog.New(slog.NewTextHandler(lw, nil))
	defer func() {
		if err == nil {
			logger.Info("stopped")
		}
	}()
	opts := &ec2query.Options{DefaultRegion: c.region, Logger: logger}
	if c.credentials != "" {
		creds, err := ec2query.LoadCredentials(c.credentials)
		if err != nil {
			return err
		}
		opts.Credentials = creds
	}
	svcOpts := ec2.Options{Seed: c.seed}
	if c.state != "" {
		store, closeStore, oerr := openState(c.state)
		if oerr != nil {
			return oerr
		}
		svcOpts.Store = store
		// Closed last (after the pool's spare keys are saved), on every path.
		defer func() {
			if cerr := closeStore(); cerr != nil && err == nil {
				err = cerr
			}
		}()
	}
	var pool *keygen.Pool
	if c.seed != nil {
		opts.RequestID = seededRequestIDs(c.seed)
	} else if c.pool > 0 {
		popts := keygen.PoolOptions{Bits: ec2.DefaultRSABits, Size: c.pool, Workers: c.poolWorkers}
		if c.poolWorkers > runtime.GOMAXPROCS(0) {
			popts.MaxWorkers = c.poolWorkers
		}
		if c.poolPersist {
			keys, err := takeSpareKeys(svcOpts.Store, popts.Bits, logger)
			if err != nil {
				return err
			}
			popts.Preload = keys
			logger.Info("pool starts with the keys the last run left", "keys", len(keys))
		}
		var err error
		if pool, err = keygen.StartPool(popts); err != nil {
			return err
		}
		defer pool.Close()
		svcOpts.RSAPool = pool
		if c.onPool != nil {
			c.onPool(pool)
		}
	}
	regions, err := ec2.OpenRegions(ctx, svcOpts)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           ec2query.NewHandler(regions, opts),
		ReadHeaderTimeout: serveReadHeaderTimeout,
		ReadTimeout:       serveReadTimeout,
		WriteTimeout:      serveWriteTimeout,
		IdleTimeout:       serveIdleTimeout,
		MaxHeaderBytes:    serveMaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	url := "http://" + ln.Addr().String()
	fmt.Fprintln(stdout, url)
	if f, ok := stdout.(interface{ Sync() error }); ok {
		f.Sync()
	}
	logger.Info("serving EC2 endpoint", "url", url, "region", c.region, "state", orNone(c.state),
		"signatures", c.credentials != "", "seeded", c.seed != nil, "pool", poolSize(c))
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err = <-errc:
	case <-ctx.Done():
		logger.Info("shutting down: finishing requests in flight")
		sctx, cancel := context.WithTimeout(context.Background(), serveShutdownTimeout)
		err = srv.Shutdown(sctx)
		cancel()
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	if c.poolPersist && pool != nil {
		// Requests are finished: the ready keys were never handed out.
		if perr := putSpareKeys(svcOpts.Store, ec2.DefaultRSABits, pool.Drain(), logger); perr != nil && err == nil {
			err = perr
		}
	}
	return err
}

func orNone(s string) string {
	if s == "" {
		return "memory"
	}
	return s
}

func poolSize(c serveConfig) int {
	if c.seed != nil {
		return 0
	}
	return c.pool
}

// seededRequestIDs numbers requests and derives each id from the seed, so
// a seeded server run the same way answers with the same request ids.
func seededRequestIDs(seed []byte) func() string {
	var n atomic.Uint64
	return func() string {
		m := hmac.New(sha256.New, seed)
		m.Write([]byte("keyforge serve request id"))
		binary.Write(m, binary.BigEndian, n.Add(1))
		var b [16]byte
		copy(b[:], m.Sum(nil))
		return ec2query.FormatUUID(b)
	}
}
