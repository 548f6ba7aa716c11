package interop

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	ec2sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"

	"github.com/keyforge/keyforge/fingerprint"
	"github.com/keyforge/keyforge/keygen"
	"github.com/keyforge/keyforge/pemenc"
	"github.com/keyforge/keyforge/ppk"
)

// sdkClient is an aws-sdk-go-v2 EC2 client for s in region. Retries are off
// so that a 5xx or throttling answer would show as a failure.
func sdkClient(s *server, region string, creds aws.CredentialsProvider) *ec2sdk.Client {
	if creds == nil {
		creds = credentials.NewStaticCredentialsProvider("test", "test", "")
	}
	return ec2sdk.New(ec2sdk.Options{
		Region:       region,
		BaseEndpoint: aws.String(s.URL),
		Credentials:  creds,
		Retryer:      aws.NopRetryer{},
	})
}

var (
	keyPairIDRE = regexp.MustCompile(`^key-0[0-9a-f]{16}$`)
	uuidRE      = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
)

// apiError checks that err is an EC2 API error with code, a message
// containing msg, HTTP status and a request id that the server logged.
func apiError(t *testing.T, s *server, err error, code, msg string, status int) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want %s, got %v", code, err)
	}
	if ae.ErrorCode() != code || !strings.Contains(ae.ErrorMessage(), msg) {
		t.Errorf("got %s %q, want %s %q", ae.ErrorCode(), ae.ErrorMessage(), code, msg)
	}
	var re *awshttp.ResponseError
	if !errors.As(err, &re) {
		t.Fatalf("no HTTP response in %v", err)
	}
	if re.HTTPStatusCode() != status {
		t.Errorf("%s: HTTP %d, want %d", code, re.HTTPStatusCode(), status)
	}
	id := re.ServiceRequestID()
	if !uuidRE.MatchString(id) {
		t.Errorf("request id %q", id)
	}
	if s != nil && !s.logged("request_id="+id+" code="+code) {
		t.Errorf("server log has no line for request %s with code %s", id, code)
	}
}

func tagsOf(ts []types.Tag) map[string]string {
	m := map[string]string{}
	for _, t := range ts {
		m[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return m
}

func TestSDKKeyPairs(t *testing.T) {
	modes(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		c := sdkClient(s, "us-east-1", nil)
		start := time.Now().Add(-time.Second)

		// rsa + pem, untagged: no Tags at all.
		rsaOut, err := c.CreateKeyPair(ctx, &ec2sdk.CreateKeyPairInput{KeyName: aws.String("rsa-pem")})
		if err != nil {
			t.Fatal(err)
		}
		if rsaOut.Tags != nil || !keyPairIDRE.MatchString(aws.ToString(rsaOut.KeyPairId)) || aws.ToString(rsaOut.KeyName) != "rsa-pem" {
			t.Errorf("create rsa: %+v", rsaOut)
		}
		rk, err := pemenc.ParsePKCS1PrivateKey([]byte(aws.ToString(rsaOut.KeyMaterial)))
		if err != nil {
			t.Fatal(err)
		}
		if fp, _ := fingerprint.EC2Created(rk); fp != aws.ToString(rsaOut.KeyFingerprint) || rk.N.BitLen() != 2048 {
			t.Errorf("rsa fingerprint %s, want %s", aws.ToString(rsaOut.KeyFingerprint), fp)
		}

		// ed25519 + ppk with tags (one with an empty value).
		tags := []types.Tag{{Key: aws.String("Name"), Value: aws.String("web & <db>")}, {Key: aws.String("env"), Value: aws.String("")}}
		ppkOut, err := c.CreateKeyPair(ctx, &ec2sdk.CreateKeyPairInput{
			KeyName: aws.String("ed-ppk"), KeyType: types.KeyTypeEd25519, KeyFormat: types.KeyFormatPpk,
			TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypeKeyPair, Tags: tags}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := tagsOf(ppkOut.Tags); len(got) != 2 || got["Name"] != "web & <db>" || got["env"] != "" {
			t.Errorf("create tags: %v", got)
		}
		pk, err := ppk.Parse([]byte(aws.ToString(ppkOut.KeyMaterial)), nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if fp, _ := fingerprint.EC2(pk.PrivateKey); fp != aws.ToString(ppkOut.KeyFingerprint) || pk.Version != 3 || pk.Comment != "ed-ppk" {
			t.Errorf("ppk: fingerprint %s want %s, version %d, comment %q", aws.ToString(ppkOut.KeyFingerprint), fp, pk.Version, pk.Comment)
		}

		// ed25519 + pem.
		edOut, err := c.CreateKeyPair(ctx, &ec2sdk.CreateKeyPairInput{KeyName: aws.String("ed-pem"), KeyType: types.KeyTypeEd25519})
		if err != nil {
			t.Fatal(err)
		}
		ek, _, err := pemenc.ParseOpenSSHPrivateKey([]byte(aws.ToString(edOut.KeyMaterial)), nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		edPub := ek.Public()

		// Describe all: creation order, Tags empty (not absent) when untagged.
		all, err := c.DescribeKeyPairs(ctx, &ec2sdk.DescribeKeyPairsInput{})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, k := range all.KeyPairs {
			names = append(names, aws.ToString(k.KeyName))
			ct := aws.ToTime(k.CreateTime)
			if ct.Before(start) || ct.After(time.Now().Add(time.Second)) || ct.Nanosecond()%int(time.Millisecond) != 0 {
				t.Errorf("%s: CreateTime %v", aws.ToString(k.KeyName), ct)
			}
			if k.Tags == nil && aws.ToString(k.KeyName) != "ed-ppk" {
				t.Errorf("%s: Tags absent", aws.ToString(k.KeyName))
			}
			if k.PublicKey != nil {
				t.Errorf("%s: PublicKey without IncludePublicKey", aws.ToString(k.KeyName))
			}
		}
		if !slices.Equal(names, []string{"rsa-pem", "ed-ppk", "ed-pem"}) {
			t.Errorf("describe order %v", names)
		}
		if all.KeyPairs[0].KeyType != types.KeyTypeRsa || all.KeyPairs[1].KeyType != types.KeyTypeEd25519 ||
			aws.ToString(all.KeyPairs[0].KeyFingerprint) != aws.ToString(rsaOut.KeyFingerprint) ||
			aws.ToString(all.KeyPairs[0].KeyPairId) != aws.ToString(rsaOut.KeyPairId) {
			t.Errorf("describe items %+v", all.KeyPairs[:2])
		}
		if got := tagsOf(all.KeyPairs[1].Tags); got["Name"] != "web & <db>" {
			t.Errorf("describe tags %v", got)
		}

		// Names, ids, filters (values OR'ed, filters AND'ed), IncludePublicKey.
		describe := func(in *ec2sdk.DescribeKeyPairsInput) []string {
			t.Helper()
			out, err := c.DescribeKeyPairs(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			var n []string
			for _, k := range out.KeyPairs {
				n = append(n, aws.ToString(k.KeyName))
			}
			return n
		}
		f := func(name string, values ...string) types.Filter {
			return types.Filter{Name: aws.String(name), Values: values}
		}
		for _, c := range []struct {
			in   *ec2sdk.DescribeKeyPairsInput
			want []string
		}{
			{&ec2sdk.DescribeKeyPairsInput{KeyNames: []string{"ed-pem", "rsa-pem"}}, []string{"rsa-pem", "ed-pem"}},
			{&ec2sdk.DescribeKeyPairsInput{KeyPairIds: []string{aws.ToString(ppkOut.KeyPairId)}}, []string{"ed-ppk"}},
			{&ec2sdk.DescribeKeyPairsInput{Filters: []types.Filter{f("key-name", "ed-*")}}, []string{"ed-ppk", "ed-pem"}},
			{&ec2sdk.DescribeKeyPairsInput{Filters: []types.Filter{f("key-name", "rsa-???", "nothing")}}, []string{"rsa-pem"}},
			{&ec2sdk.DescribeKeyPairsInput{Filters: []types.Filter{f("key-name", "ed-*"), f("tag-key", "env")}}, []string{"ed-ppk"}},
			{&ec2sdk.DescribeKeyPairsInput{Filters: []types.Filter{f("tag:Name", "web & *")}}, []string{"ed-ppk"}},
			{&ec2sdk.DescribeKeyPairsInput{Filters: []types.Filter{f("fingerprint", aws.ToString(edOut.KeyFingerprint))}}, []string{"ed-pem"}},
			{&ec2sdk.DescribeKeyPairsInput{Filters: []types.Filter{f("key-pair-id", aws.ToString(rsaOut.KeyPairId))}}, []string{"rsa-pem"}},
			{&ec2sdk.DescribeKeyPairsInput{Filters: []types.Filter{f("key-name", "zzz*")}}, nil},
		} {
			if got := describe(c.in); !slices.Equal(got, c.want) {
				t.Errorf("describe %+v: %v, want %v", c.in, got, c.want)
			}
		}
		pub, err := c.DescribeKeyPairs(ctx, &ec2sdk.DescribeKeyPairsInput{KeyNames: []string{"ed-pem"}, IncludePublicKey: aws.Bool(true)})
		if err != nil {
			t.Fatal(err)
		}
		line, _ := pemenc.MarshalAuthorizedKey(edPub, "ed-pem")
		if got := aws.ToString(pub.KeyPairs[0].PublicKey); got != strings.TrimSuffix(string(line), "\n") {
			t.Errorf("PublicKey %q, want %q", got, line)
		}

		// DryRun on every action: 412 DryRunOperation, nothing changes.
		const dry = "Request would have succeeded, but DryRun flag is set."
		_, err = c.CreateKeyPair(ctx, &ec2sdk.CreateKeyPairInput{KeyName: aws.String("dry"), DryRun: aws.Bool(true)})
		apiError(t, s, err, "DryRunOperation", dry, 412)
		_, err = c.ImportKeyPair(ctx, &ec2sdk.ImportKeyPairInput{KeyName: aws.String("dry"), PublicKeyMaterial: line, DryRun: aws.Bool(true)})
		apiError(t, s, err, "DryRunOperation", dry, 412)
		_, err = c.DescribeKeyPairs(ctx, &ec2sdk.DescribeKeyPairsInput{DryRun: aws.Bool(true)})
		apiError(t, s, err, "DryRunOperation", dry, 412)
		_, err = c.DeleteKeyPair(ctx, &ec2sdk.DeleteKeyPairInput{KeyName: aws.String("rsa-pem"), DryRun: aws.Bool(true)})
		apiError(t, s, err, "DryRunOperation", dry, 412)

		// Delete by name, by id, and again (idempotent); a deleted name can be created again.
		del, err := c.DeleteKeyPair(ctx, &ec2sdk.DeleteKeyPairInput{KeyName: aws.String("rsa-pem")})
		if err != nil || !aws.ToBool(del.Return) || aws.ToString(del.KeyPairId) != aws.ToString(rsaOut.KeyPairId) {
			t.Fatalf("delete: %+v %v", del, err)
		}
		del, err = c.DeleteKeyPair(ctx, &ec2sdk.DeleteKeyPairInput{KeyPairId: ppkOut.KeyPairId})
		if err != nil || !aws.ToBool(del.Return) || aws.ToString(del.KeyPairId) != aws.ToString(ppkOut.KeyPairId) {
			t.Fatalf("delete by id: %+v %v", del, err)
		}
		del, err = c.DeleteKeyPair(ctx, &ec2sdk.DeleteKeyPairInput{KeyName: aws.String("rsa-pem")})
		if err != nil || !aws.ToBool(del.Return) || del.KeyPairId != nil {
			t.Fatalf("delete again: %+v %v", del, err)
		}
		again, err := c.CreateKeyPair(ctx, &ec2sdk.CreateKeyPairInput{KeyName: aws.String("rsa-pem"), KeyType: types.KeyTypeEd25519})
		if err != nil || aws.ToString(again.KeyPairId) == aws.ToString(rsaOut.KeyPairId) {
			t.Fatalf("create after delete: %+v %v", again, err)
		}
		if got := describe(&ec2sdk.DescribeKeyPairsInput{}); !slices.Equal(got, []string{"ed-pem", "rsa-pem"}) {
			t.Errorf("after deletes: %v", got)
		}
	})
}

func TestSDKErrors(t *testing.T) {
	s := startServer(t)
	ctx := context.Background()
	c := sdkClient(s, "us-east-1", nil)
	if _, err := c.CreateKeyPair(ctx, &ec2sdk.CreateKeyPairInput{KeyName: aws.String("dup"), KeyType: types.KeyTypeEd25519}); err != nil {
		t.Fatal(err)
	}
	_, err := c.CreateKeyPair(ctx, &ec2sdk.CreateKeyPairInput{KeyName: aws.String("dup"), KeyType: types.KeyTypeEd25519})
	apiError(t, s, err, "InvalidKeyPair.Duplicate", "The keypair 'dup' already exists.", 400)
	_, err = c.CreateKeyPair(ctx, &ec2sdk.CreateKeyPairInput{KeyName: aws.String("")})
	apiError(t, s, err, "MissingParameter", "KeyName", 400)
	_, err = c.CreateKeyPair(ctx, &ec2sdk.CreateKeyPairInput{KeyName: aws.String("x"), KeyType: "dsa"})
	apiError(t, s, err, "InvalidParameterValue", "dsa", 400)
	_, err = c.CreateKeyPair(ctx, &ec2sdk.CreateKeyPairInput{KeyName: aws.String(strings.Repeat("n", 256))})
	apiError(t, s, err, "InvalidParameterValue", "Length exceeds maximum of 255.", 400)
	_, err = c.CreateKeyPair(ctx, &ec2sdk.CreateKeyPairInput{KeyName: aws.String("t"), TagSpecifications: []types.TagSpecification{
		{ResourceType: types.ResourceTypeKeyPair, Tags: []types.Tag{{Key: aws.String("aws:x"), Value: aws.String("v")}}}}})
	apiError(t, s, err, "InvalidParameterValue", "Tag keys starting with 'aws:' are reserved for internal use", 400)
	_, err = c.DescribeKeyPairs(ctx, &ec2sdk.DescribeKeyPairsInput{KeyNames: []string{"dup", "nope", "nope2"}})
	apiError(t, s, err, "InvalidKeyPair.NotFound", "The key pair 'nope' does not exist", 400)
	_, err = c.DescribeKeyPairs(ctx, &ec2sdk.DescribeKeyPairsInput{KeyPairIds: []string{"key-00000000000000000"}})
	apiError(t, s, err, "InvalidKeyPair.NotFound", "key-00000000000000000", 400)
	_, err = c.DeleteKeyPair(ctx, &ec2sdk.DeleteKeyPairInput{})
	apiError(t, s, err, "MissingParameter", "KeyName", 400)
	_, err = c.ImportKeyPair(ctx, &ec2sdk.ImportKeyPairInput{KeyName: aws.String("bad"), PublicKeyMaterial: []byte("not a key")})
	apiError(t, s, err, "InvalidKey.Format", "Key is not in valid OpenSSH public key format", 400)
	_, err = c.ImportKeyPair(ctx, &ec2sdk.ImportKeyPairInput{KeyName: aws.String("dup"), PublicKeyMaterial: []byte(edLine(t, "c"))})
	apiError(t, s, err, "InvalidKeyPair.Duplicate", "The keypair 'dup' already exists.", 400)
	if strings.Contains(s.stderr.String(), "PRIVATE KEY") {
		t.Error("server log holds key material")
	}
}

func edLine(t *testing.T, comment string) string {
	t.Helper()
	k, err := keygen.Ed25519(nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := pemenc.MarshalAuthorizedKey(k.Public(), comment)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestSDKTwoRegions(t *testing.T) {
	modes(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		east, west := sdkClient(s, "us-east-1", nil), sdkClient(s, "eu-west-1", nil)
		a, err := east.CreateKeyPair(ctx, &ec2sdk.CreateKeyPairInput{KeyName: aws.String("same"), KeyType: types.KeyTypeEd25519})
		if err != nil {
			t.Fatal(err)
		}
		b, err := west.CreateKeyPair(ctx, &ec2sdk.CreateKeyPairInput{KeyName: aws.String("same"), KeyType: types.KeyTypeEd25519})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(a.KeyPairId) == aws.ToString(b.KeyPairId) {
			t.Error("one id in two Regions")
		}
		if _, err := west.CreateKeyPair(ctx, &ec2sdk.CreateKeyPairInput{KeyName: aws.String("west-only"), KeyType: types.KeyTypeEd25519}); err != nil {
			t.Fatal(err)
		}
		for client, want := range map[*ec2sdk.Client][]string{east: {"same"}, west: {"same", "west-only"}} {
			out, err := client.DescribeKeyPairs(ctx, &ec2sdk.DescribeKeyPairsInput{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, k := range out.KeyPairs {
				got = append(got, aws.ToString(k.KeyName))
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s: %v, want %v", client.Options().Region, got, want)
			}
		}
		_, err = east.DescribeKeyPairs(ctx, &ec2sdk.DescribeKeyPairsInput{KeyNames: []string{"west-only"}})
		apiError(t, s, err, "InvalidKeyPair.NotFound", "The key pair 'west-only' does not exist", 400)
		if !strings.Contains(s.stderr.String(), "region=eu-west-1") {
			t.Error("log lines lack the Region")
		}
	})
}

var (
	rsaKeysOnce sync.Once
	rsaKeys     map[int]*rsa.PrivateKey
)

// importRSAKeys makes one RSA key per size, once.
func importRSAKeys(t *testing.T) map[int]*rsa.PrivateKey {
	rsaKeysOnce.Do(func() {
		rsaKeys = map[int]*rsa.PrivateKey{}
		for _, bits := range []int{1024, 2048, 3072, 4096} {
			// keygen makes 2048 bits and more; EC2 imports 1024 too.
			var k *rsa.PrivateKey
			var err error
			if bits < 2048 {
				k, err = rsa.GenerateKey(rand.Reader, bits)
			} else {
				k, err = keygen.RSA(nil, bits)
			}
			if err != nil {
				t.Fatal(err)
			}
			rsaKeys[bits] = k
		}
	})
	return rsaKeys
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func sshString(b []byte, s []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

func TestSDKImportForms(t *testing.T) {
	keys := importRSAKeys(t)
	ed, _ := keygen.Ed25519(nil)
	type form struct {
		name     string
		material []byte
		pub      crypto.PublicKey
		keyType  types.KeyType
	}
	var forms []form
	for bits, k := range keys {
		line, _ := pemenc.MarshalAuthorizedKey(&k.PublicKey, "me@host")
		rfc, _ := pemenc.MarshalRFC4716PublicKey(&k.PublicKey, "a comment")
		der, _ := x509.MarshalPKIXPublicKey(&k.PublicKey)
		n := "rsa" + strconv.Itoa(bits)
		forms = append(forms,
			form{n + "-line", line, &k.PublicKey, types.KeyTypeRsa},
			form{n + "-rfc4716", rfc, &k.PublicKey, types.KeyTypeRsa},
			form{n + "-spki", []byte(base64.StdEncoding.EncodeToString(der)), &k.PublicKey, types.KeyTypeRsa},
		)
	}
	edLineC, _ := pemenc.MarshalAuthorizedKey(ed.Public(), "c")
	edLineNo, _ := pemenc.MarshalAuthorizedKey(ed.Public(), "")
	forms = append(forms,
		form{"ed-line", edLineC, ed.Public(), types.KeyTypeEd25519},
		form{"ed-line-bare", []byte(strings.TrimSpace(string(edLineNo))), ed.Public(), types.KeyTypeEd25519},
	)
	// Files written by the real tools (one key in three forms), committed
	// beside the ec2 tests.
	toolPub, _, err := pemenc.ParsePublicKey(readFile(t, filepath.Join("..", "ec2", "testdata", "rsa2048.pub")))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"rsa2048.pub", "rsa2048.rfc4716", "rsa2048.spki.b64"} {
		b := readFile(t, filepath.Join("..", "ec2", "testdata", f))
		forms = append(forms, form{"tool-" + strings.ReplaceAll(f, ".", "-"), b, toolPub, types.KeyTypeRsa})
	}
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecLine, _ := pemenc.MarshalAuthorizedKey(&ec.PublicKey, "")
	skBlob := sshString(sshString(sshString(nil, []byte("sk-ssh-ed25519@openssh.com")), ed.Public().(ed25519.PublicKey)), []byte("ssh:"))
	dssBlob := sshString(sshString(sshString(sshString(sshString(nil, []byte("ssh-dss")), []byte{1}), []byte{2}), []byte{3}), []byte{4})
	refused := map[string][]byte{
		"ecdsa": ecLine,
		"sk":    []byte("sk-ssh-ed25519@openssh.com " + base64.StdEncoding.EncodeToString(skBlob)),
		"dsa":   []byte("ssh-dss " + base64.StdEncoding.EncodeToString(dssBlob)),
		"junk":  []byte("ssh-rsa AAAA"),
	}
	modes(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		c := sdkClient(s, "us-east-1", nil)
		for _, f := range forms {
			out, err := c.ImportKeyPair(ctx, &ec2sdk.ImportKeyPairInput{KeyName: aws.String(f.name), PublicKeyMaterial: f.material})
			if err != nil {
				t.Errorf("%s: %v", f.name, err)
				continue
			}
			want, _ := fingerprint.EC2Imported(f.pub)
			if aws.ToString(out.KeyFingerprint) != want || out.Tags != nil || !keyPairIDRE.MatchString(aws.ToString(out.KeyPairId)) {
				t.Errorf("%s: %+v, want fingerprint %s", f.name, out, want)
			}
			d, err := c.DescribeKeyPairs(ctx, &ec2sdk.DescribeKeyPairsInput{KeyNames: []string{f.name}, IncludePublicKey: aws.Bool(true)})
			if err != nil {
				t.Fatal(err)
			}
			k := d.KeyPairs[0]
			line, _ := pemenc.MarshalAuthorizedKey(f.pub, f.name)
			if k.KeyType != f.keyType || aws.ToString(k.PublicKey) != strings.TrimSuffix(string(line), "\n") || aws.ToString(k.KeyFingerprint) != want {
				t.Errorf("%s: describe %+v", f.name, k)
			}
		}
		for name, m := range refused {
			_, err := c.ImportKeyPair(ctx, &ec2sdk.ImportKeyPairInput{KeyName: aws.String(name), PublicKeyMaterial: m})
			apiError(t, s, err, "InvalidKey.Format", "Key is not in valid OpenSSH public key format", 400)
		}
		tagged, err := c.ImportKeyPair(ctx, &ec2sdk.ImportKeyPairInput{KeyName: aws.String("tagged"), PublicKeyMaterial: edLineC,
			TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypeKeyPair, Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}}})
		if err != nil || tagsOf(tagged.Tags)["k"] != "v" {
			t.Errorf("tagged import: %+v %v", tagged, err)
		}
	})
}

// 32 goroutines create one name at once: exactly one wins, the others get
// InvalidKeyPair.Duplicate, and one key pair exists.
func TestSDKCreateRace(t *testing.T) {
	modes(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		c := sdkClient(s, "us-east-1", nil)
		for _, kt := range []types.KeyType{types.KeyTypeEd25519, types.KeyTypeRsa} {
			name := "race-" + string(kt)
			var wg sync.WaitGroup
			var mu sync.Mutex
			wins, dups := 0, 0
			for range 32 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, err := c.CreateKeyPair(ctx, &ec2sdk.CreateKeyPairInput{KeyName: aws.String(name), KeyType: kt})
					mu.Lock()
					defer mu.Unlock()
					var ae smithy.APIError
					switch {
					case err == nil:
						wins++
					case errors.As(err, &ae) && ae.ErrorCode() == "InvalidKeyPair.Duplicate":
						dups++
					default:
						t.Errorf("create: %v", err)
					}
				}()
			}
			wg.Wait()
			if wins != 1 || dups != 31 {
				t.Errorf("%s: %d won, %d duplicates", kt, wins, dups)
			}
			out, err := c.DescribeKeyPairs(ctx, &ec2sdk.DescribeKeyPairsInput{Filters: []types.Filter{{Name: aws.String("key-name"), Values: []string{name}}}})
			if err != nil || len(out.KeyPairs) != 1 {
				t.Errorf("%s: describe %v %v", kt, out, err)
			}
		}
	})
}
