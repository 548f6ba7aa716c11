package ec2query

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"runtime/debug"
	"strconv"
	"sync"
	"time"

	"github.com/keyforge/keyforge/ec2"
)

// Defaults of Options.
const (
	DefaultRegion       = "us-east-1"
	DefaultMaxBodyBytes = 1 << 20
	DefaultMaxRegions   = 64
)

// Options configure a Handler. The zero value serves us-east-1 to anyone.
type Options struct {
	// DefaultRegion serves requests that name no Region (unsigned ones);
	// "" means us-east-1.
	DefaultRegion string
	// Credentials, when non-nil, makes the Handler verify every request's
	// SigV4 signature against these keys: an unsigned request, an unknown
	// access key id, a wrong signature or a signing time more than 15
	// minutes off gets 401 AuthFailure. Nil accepts any request, as moto
	// and LocalStack do; the Region is then still read from the signature.
	Credentials Credentials
	// MaxBodyBytes bounds a request body; 0 means 1 MiB.
	MaxBodyBytes int64
	// MaxParameters bounds the parameters of a request; 0 means 10,000.
	MaxParameters int
	// MaxRegions bounds how many distinct Regions the Handler serves, so a
	// client cannot grow its state without end by inventing Region names;
	// 0 means 64.
	MaxRegions int
	// Logger, when set, gets one line a request (action, Region, status,
	// duration, error code, request id; never key material) and any
	// recovered panic.
	Logger *slog.Logger
	// RequestID returns the requestId of each response; nil means a random
	// UUID.
	RequestID func() string
	// Now is the clock for signature times; nil means time.Now.
	Now func() time.Time
}

// Handler answers EC2 Query protocol requests (CreateKeyPair,
// ImportKeyPair, DescribeKeyPairs, DeleteKeyPair) from one ec2.Service per
// Region. It is safe for concurrent use.
type Handler struct {
	lookup func(region string) (*ec2.Service, error)
	opts   Options

	mu      sync.Mutex
	regions map[string]bool
}

// NewHandler returns a Handler serving regions; opts may be nil. Mount it
// in one line:
//
//	http.Handle("/", ec2query.NewHandler(ec2.NewRegions(ec2.Options{}), nil))
func NewHandler(regions *ec2.Regions, opts *Options) *Handler {
	return newHandler(regions.Service, opts)
}

func newHandler(lookup func(string) (*ec2.Service, error), opts *Options) *Handler {
	h := &Handler{lookup: lookup, regions: make(map[string]bool)}
	if opts != nil {
		h.opts = *opts
	}
	if h.opts.DefaultRegion == "" {
		h.opts.DefaultRegion = DefaultRegion
	}
	if h.opts.MaxBodyBytes <= 0 {
		h.opts.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if h.opts.MaxParameters <= 0 {
		h.opts.MaxParameters = DefaultMaxParameters
	}
	if h.opts.MaxRegions <= 0 {
		h.opts.MaxRegions = DefaultMaxRegions
	}
	if h.opts.RequestID == nil {
		h.opts.RequestID = randomUUID
	}
	if h.opts.Now == nil {
		h.opts.Now = time.Now
	}
	return h
}

// randomUUID returns a version 4 UUID, the form of EC2's request ids.
func randomUUID() string {
	var b [16]byte
	rand.Read(b[:])
	return FormatUUID(b)
}

// FormatUUID renders 16 bytes as a version 4 UUID (the version and variant
// bits are set), for Options.RequestID functions.
func FormatUUID(b [16]byte) string {
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// response is one answer, built whole before anything is written.
type response struct {
	status int
	body   []byte
	code   string // error code, "" on success
}

// info is what the log line tells about a request.
type info struct {
	action, region string
	err            error // an error that is not an *ec2.APIError
	authReason     string
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rid := h.opts.RequestID()
	var in info
	resp := h.serve(r, rid, &in)
	hd := w.Header()
	hd.Set("Content-Type", "text/xml;charset=UTF-8")
	hd.Set("Content-Length", strconv.Itoa(len(resp.body)))
	hd.Set("X-Amzn-Requestid", rid)
	w.WriteHeader(resp.status)
	w.Write(resp.body)
	release(resp.body)
	if l := h.opts.Logger; l != nil {
		attrs := []slog.Attr{
			slog.String("action", orDash(in.action)),
			slog.String("region", orDash(in.region)),
			slog.Int("status", resp.status),
			slog.Duration("duration", time.Since(start)),
			slog.String("request_id", rid),
		}
		if resp.code != "" {
			attrs = append(attrs, slog.String("code", resp.code))
		}
		if in.authReason != "" {
			attrs = append(attrs, slog.String("auth", in.authReason))
		}
		if in.err != nil {
			attrs = append(attrs, slog.String("error", in.err.Error()))
		}
		l.LogAttrs(r.Context(), slog.LevelInfo, "request", attrs...)
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

var errInternal = &ec2.APIError{Code: CodeInternalError, Message: "An internal error has occurred.", HTTPStatus: 500}

func errorResponse(rid string, e *ec2.APIError) response {
	return response{status: e.HTTPStatus, body: errorXML(rid, e.Code, e.Message), code: e.Code}
}

// serve answers r. A panic is a bug: it is logged with its stack and
// answered 500 InternalError, the one 5xx the Handler sends.
func (h *Handler) serve(r *http.Request, rid string, in *info) (resp response) {
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			if l := h.opts.Logger; l != nil {
				l.Error("panic serving request", "request_id", rid, "action", in.action,
					"panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			}
			resp = errorResponse(rid, errInternal)
		}
	}()
	body, err := h.answer(r, rid, in)
	if err != nil {
		var ae *ec2.APIError
		if errors.As(err, &ae) {
			if ae.HTTPStatus >= 500 {
				// A fault below (store I/O, a cancelled request): log its cause.
				in.err = err
				if c := errors.Unwrap(ae); c != nil {
					in.err = c
				}
			}
			return errorResponse(rid, ae)
		}
		in.err = err
		return errorResponse(rid, errInternal)
	}
	return response{status: http.StatusOK, body: body}
}

// answer parses, authenticates and dispatches r, returning the success
// document or an error.
func (h *Handler) answer(r *http.Request, rid string, in *info) ([]byte, error) {
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		return nil, badRequest(CodeInvalidRequest, "The HTTP method %s is not supported: use POST or GET.", printable(r.Method))
	}
	body, err := h.readBody(r)
	if err != nil {
		return nil, err
	}
	f := form{}
	if err := parseForm(f, r.URL.RawQuery, h.opts.MaxParameters, true); err != nil {
		return nil, err
	}
	if r.Method == http.MethodPost {
		if err := parseForm(f, string(body), h.opts.MaxParameters, false); err != nil {
			return nil, err
		}
	}
	if a, ok := f["Action"]; ok && actions[a] != nil {
		in.action = a
	}
	region, err := h.authenticate(r, body, in)
	if err != nil {
		return nil, err
	}
	in.region = region
	action, ok := f["Action"]
	if !ok || action == "" {
		return nil, badRequest(CodeMissingAction, "The request is missing an action or a required parameter.")
	}
	act := actions[action]
	if act == nil {
		return nil, badRequest(CodeInvalidAction, "The action %s is not valid for this web service.", printable(action))
	}
	switch v, ok := f["Version"]; {
	case !ok || v == "":
		return nil, badRequest(ec2.CodeMissingParameter, "The request must contain the parameter Version")
	case v != APIVersion:
		return nil, badRequest(ec2.CodeInvalidParameterValue,
			"Value (%s) for parameter Version is invalid. This endpoint supports %s.", printable(v), APIVersion)
	}
	svc, err := h.service(region)
	if err != nil {
		return nil, err
	}
	return act(r.Context(), svc, rid, f)
}

// readBody reads at most MaxBodyBytes of a POST body; a GET has none.
func (h *Handler) readBody(r *http.Request) ([]byte, error) {
	if r.Method != http.MethodPost {
		return nil, nil
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/x-www-form-urlencoded" {
			return nil, badRequest(CodeInvalidRequest,
				"The Content-Type %s is not supported: send application/x-www-form-urlencoded.", printable(ct))
		}
	}
	if r.ContentLength > h.opts.MaxBodyBytes {
		return nil, tooLarge(h.opts.MaxBodyBytes)
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, h.opts.MaxBodyBytes+1))
	if err != nil {
		return nil, badRequest(CodeInvalidRequest, "The request body could not be read.")
	}
	if int64(len(b)) > h.opts.MaxBodyBytes {
		return nil, tooLarge(h.opts.MaxBodyBytes)
	}
	return b, nil
}

func tooLarge(n int64) error {
	return badRequest(CodeInvalidRequest, "The request body is larger than %d bytes.", n)
}

var errAuth = &ec2.APIError{Code: CodeAuthFailure, Message: "AWS was not able to validate the provided access credentials", HTTPStatus: 401}

// authenticate returns the request's Region: the SigV4 credential scope's,
// else the default. With Credentials it verifies the signature first.
func (h *Handler) authenticate(r *http.Request, body []byte, in *info) (string, error) {
	query, _ := url.ParseQuery(r.URL.RawQuery) // errors were reported by parseForm
	si, err := parseSig(r, query)
	if h.opts.Credentials != nil {
		switch {
		case err != nil:
			in.authReason = err.Error()
			return "", errAuth
		case si == nil:
			in.authReason = "request is not signed"
			return "", errAuth
		}
		if err := si.verify(r, r.URL.RawQuery, body, h.opts.Credentials, h.opts.Now()); err != nil {
			in.authReason = err.Error()
			return "", errAuth
		}
	}
	if err != nil || si == nil {
		return h.opts.DefaultRegion, nil
	}
	if !ec2.ValidRegion(si.region) {
		if h.opts.Credentials != nil {
			in.authReason = "credential scope names no valid Region"
			return "", errAuth
		}
		return "", badRequest(ec2.CodeInvalidParameterValue,
			"The Region %q of the request's credential scope is not a valid Region name.", printable(si.region))
	}
	return si.region, nil
}

// service returns the Service of region, within MaxRegions.
func (h *Handler) service(region string) (*ec2.Service, error) {
	h.mu.Lock()
	if !h.regions[region] {
		if len(h.regions) >= h.opts.MaxRegions {
			h.mu.Unlock()
			return nil, badRequest(ec2.CodeInvalidParameterValue,
				"The Region %s cannot be used: this endpoint serves at most %d Regions.", region, h.opts.MaxRegions)
		}
		h.regions[region] = true
	}
	h.mu.Unlock()
	return h.lookup(region)
}

// An action parses its parameters, calls the Service and renders the
// success document.
type actionFunc func(ctx context.Context, svc *ec2.Service, rid string, f form) ([]byte, error)

var actions = map[string]actionFunc{
	"CreateKeyPair": createKeyPair,
	"ImportKeyPair": importKeyPair,
}

func createKeyPair(ctx context.Context, svc *ec2.Service, rid string, f form) ([]byte, error) {
	m, err := f.match(append([]string{"KeyName", "KeyType", "KeyFormat", "DryRun"}, tagSpecShapes...)...)
	if err != nil {
		return nil, err
	}
	dry, err := boolean(m, "DryRun")
	if err != nil {
		return nil, err
	}
	out, err := svc.CreateKeyPair(ctx, &ec2.CreateKeyPairInput{
		KeyName:           single(m, "KeyName"),
		KeyType:           single(m, "KeyType"),
		KeyFormat:         single(m, "KeyFormat"),
		TagSpecifications: tagSpecifications(m),
		DryRun:            dry,
	})
	if err != nil {
		return nil, err
	}
	return createKeyPairXML(rid, out), nil
}

func importKeyPair(ctx context.Context, svc *ec2.Service, rid string, f form) ([]byte, error) {
	m, err := f.match(append([]string{"KeyName", "PublicKeyMaterial", "DryRun"}, tagSpecShapes...)...)
	if err != nil {
		return nil, err
	}
	dry, err := boolean(m, "DryRun")
	if err != nil {
		return nil, err
	}
	material, err := publicKeyMaterial(single(m, "PublicKeyMaterial"))
	if err != nil {
		return nil, err
	}
	out, err := svc.ImportKeyPair(ctx, &ec2.ImportKeyPairInput{
		KeyName:           single(m, "KeyName"),
		PublicKeyMaterial: material,
		TagSpecifications: tagSpecifications(m),
		DryRun:            dry,
	})
	if err != nil {
		return nil, err
	}
	return importKeyPairXML(rid, out), nil
}
