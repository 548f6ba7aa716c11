package ec2query

import (
	"encoding/base64"
	"encoding/xml"
	"strings"
	"testing"
)

const cvd = "Action=DescribeKeyPairs&Version=2016-11-15"

func mustOK(t *testing.T, h *Handler, body string) string {
	t.Helper()
	w := post(h, body)
	if w.Code != 200 {
		t.Fatalf("%s: status %d: %s", body, w.Code, w.Body)
	}
	return w.Body.String()
}

type describeDoc struct {
	XMLName   xml.Name `xml:"http://ec2.amazonaws.com/doc/2016-11-15/ DescribeKeyPairsResponse"`
	RequestID string   `xml:"requestId"`
	Items     []struct {
		KeyPairID      string `xml:"keyPairId"`
		KeyFingerprint string `xml:"keyFingerprint"`
		KeyName        string `xml:"keyName"`
		KeyType        string `xml:"keyType"`
		Tags           []struct {
			Key   string `xml:"key"`
			Value string `xml:"value"`
		} `xml:"tagSet>item"`
		PublicKey  string `xml:"publicKey"`
		CreateTime string `xml:"createTime"`
	} `xml:"keySet>item"`
}

func describe(t *testing.T, h *Handler, params string) (string, describeDoc) {
	t.Helper()
	body := mustOK(t, h, cvd+params)
	var d describeDoc
	if err := xml.Unmarshal([]byte(body), &d); err != nil {
		t.Fatal(err)
	}
	return body, d
}

func TestDescribeDeleteXML(t *testing.T) {
	h, _ := testHandler(t, nil)
	created := mustOK(t, h, cv+"KeyName=plain&KeyType=ed25519")
	mustOK(t, h, cv+"KeyName=tagged&KeyType=ed25519&TagSpecification.1.ResourceType=key-pair&TagSpecification.1.Tag.1.Key=env&TagSpecification.1.Tag.1.Value=ci")
	pub := "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILR+zNQbYY5ORuhYXGMTSnjRLzS9C5dUdWRKdlqi20q2 c\n"
	mustOK(t, h, "Action=ImportKeyPair&Version=2016-11-15&KeyName=imp&PublicKeyMaterial="+
		strings.ReplaceAll(base64.StdEncoding.EncodeToString([]byte(pub)), "+", "%2B"))
	id := between(created, "<keyPairId>", "</keyPairId>")
	fp := between(created, "<keyFingerprint>", "</keyFingerprint>")

	body, d := describe(t, h, "&KeyName.1=plain")
	want := `<?xml version="1.0" encoding="UTF-8"?><DescribeKeyPairsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">` +
		`<requestId>` + rid + `</requestId><keySet><item><keyPairId>` + id + `</keyPairId><keyFingerprint>` + fp +
		`</keyFingerprint><keyName>plain</keyName><keyType>ed25519</keyType><tagSet/>` +
		`<createTime>2026-02-03T04:05:06.789Z</createTime></item></keySet></DescribeKeyPairsResponse>`
	if body != want {
		t.Errorf("describe:\n%s\nwant:\n%s", body, want)
	}

	_, d = describe(t, h, "")
	if len(d.Items) != 3 || d.Items[0].KeyName != "plain" || d.Items[1].KeyName != "tagged" || d.Items[2].KeyName != "imp" {
		t.Fatalf("all: %+v", d.Items)
	}
	if len(d.Items[1].Tags) != 1 || d.Items[1].Tags[0].Key != "env" || d.Items[1].Tags[0].Value != "ci" {
		t.Errorf("tags: %+v", d.Items[1].Tags)
	}
	if d.Items[0].PublicKey != "" {
		t.Error("publicKey without IncludePublicKey")
	}

	_, d = describe(t, h, "&IncludePublicKey=true&Filter.1.Name=key-name&Filter.1.Value.1=im%3F&Filter.1.Value.2=nothing")
	if len(d.Items) != 1 || d.Items[0].PublicKey != "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILR+zNQbYY5ORuhYXGMTSnjRLzS9C5dUdWRKdlqi20q2 imp" {
		t.Errorf("filtered: %+v", d.Items)
	}
	checkError(t, post(h, cvd+"&Filter.1.Name=tag%3Aenv&Filter.1.Value.1=c*&Filter.2.Name=key-type&Filter.2.Value.1=ed25519"),
		400, "InvalidParameterValue", "The filter 'key-type' is invalid")
	_, d = describe(t, h, "&Filter.1.Name=tag%3Aenv&Filter.1.Value.1=c*")
	if len(d.Items) != 1 || d.Items[0].KeyName != "tagged" {
		t.Errorf("tag filter: %+v", d.Items)
	}
	if body, _ := describe(t, h, "&Filter.1.Name=key-name&Filter.1.Value.1=zzz"); !strings.Contains(body, "<keySet/></DescribeKeyPairsResponse>") {
		t.Errorf("no match: %s", body)
	}
	_, d = describe(t, h, "&KeyPairId.1="+id)
	if len(d.Items) != 1 || d.Items[0].KeyName != "plain" {
		t.Errorf("by id: %+v", d.Items)
	}

	checkError(t, post(h, cvd+"&KeyName.1=plain&KeyName.2=missing"), 400, "InvalidKeyPair.NotFound", "The key pair 'missing' does not exist")
	checkError(t, post(h, cvd+"&DryRun=true"), 412, "DryRunOperation", "DryRun flag is set")
	checkError(t, post(h, cvd+"&Filter.1.Value.1=x"), 400, "MissingParameter", "Filter.1.Name")
	checkError(t, post(h, cvd+"&KeyName=plain"), 400, "UnknownParameter", "KeyName")
	checkError(t, post(h, cvd+"&IncludePublicKey=1"), 400, "InvalidParameterValue", "IncludePublicKey")

	const cdel = "Action=DeleteKeyPair&Version=2016-11-15"
	checkError(t, post(h, cdel+"&KeyName=plain&DryRun=true"), 412, "DryRunOperation", "")
	checkError(t, post(h, cdel), 400, "MissingParameter", "KeyName")
	del := mustOK(t, h, cdel+"&KeyName=plain")
	wantDel := `<?xml version="1.0" encoding="UTF-8"?><DeleteKeyPairResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">` +
		`<requestId>` + rid + `</requestId><return>true</return><keyPairId>` + id + `</keyPairId></DeleteKeyPairResponse>`
	if del != wantDel {
		t.Errorf("delete:\n%s\nwant:\n%s", del, wantDel)
	}
	again := mustOK(t, h, cdel+"&KeyName=plain")
	if strings.Contains(again, "keyPairId") || !strings.Contains(again, "<return>true</return>") {
		t.Errorf("idempotent delete: %s", again)
	}
	mustOK(t, h, cdel+"&KeyPairId="+between(mustOK(t, h, cvd+"&KeyName.1=imp"), "<keyPairId>", "</keyPairId>"))
	_, d = describe(t, h, "")
	if len(d.Items) != 1 || d.Items[0].KeyName != "tagged" {
		t.Errorf("after deletes: %+v", d.Items)
	}
}

func between(s, a, b string) string {
	_, s, _ = strings.Cut(s, a)
	s, _, _ = strings.Cut(s, b)
	return s
}
