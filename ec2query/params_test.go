package ec2query

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/keyforge/keyforge/ec2"
)

func TestTagSpecifications(t *testing.T) {
	f := form{}
	err := parseForm(f, "TagSpecification.2.ResourceType=key-pair&TagSpecification.2.Tag.1.Key=z"+
		"&TagSpecification.1.Tag.10.Key=b&TagSpecification.1.Tag.2.Key=a&TagSpecification.1.Tag.2.Value=1"+
		"&TagSpecification.1.ResourceType=key-pair&TagSpecification.1.Tag.10.Value=", DefaultMaxParameters, false)
	if err != nil {
		t.Fatal(err)
	}
	m, err := f.match(tagSpecShapes...)
	if err != nil {
		t.Fatal(err)
	}
	got := tagSpecifications(m)
	want := []ec2.TagSpecification{
		{ResourceType: "key-pair", Tags: []ec2.Tag{{Key: "a", Value: "1"}, {Key: "b", Value: ""}}},
		{ResourceType: "key-pair", Tags: []ec2.Tag{{Key: "z"}}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%+v", got)
	}
	if tagSpecifications(map[string][]entry{}) != nil {
		t.Error("no TagSpecification must give nil")
	}
}

func TestListOrder(t *testing.T) {
	f := form{}
	if err := parseForm(f, "KeyName.3=c&KeyName.1=a&KeyName.20=d&KeyName.2=b", 100, false); err != nil {
		t.Fatal(err)
	}
	m, err := f.match("KeyName.N")
	if err != nil {
		t.Fatal(err)
	}
	if got := list(m, "KeyName.N"); !reflect.DeepEqual(got, []string{"a", "b", "c", "d"}) {
		t.Error(got)
	}
}

func TestFormDecoding(t *testing.T) {
	f := form{}
	if err := parseForm(f, "a=x+y%20z&&b=&c&d=%E2%9C%93&X-Amz-Date=1", 100, true); err != nil {
		t.Fatal(err)
	}
	want := form{"a": "x y z", "b": "", "c": "", "d": "✓"}
	if !reflect.DeepEqual(f, want) {
		t.Errorf("%q", f)
	}
}

func TestBoolean(t *testing.T) {
	for v, want := range map[string]bool{"true": true, "false": false, "TRUE": true, "False": false} {
		got, err := boolean(map[string][]entry{"DryRun": {{value: v}}}, "DryRun")
		if err != nil || got != want {
			t.Errorf("%s: %v %v", v, got, err)
		}
	}
	for _, v := range []string{"", "1", "0", "yes", "truex"} {
		if _, err := boolean(map[string][]entry{"DryRun": {{value: v}}}, "DryRun"); err == nil {
			t.Errorf("%q accepted", v)
		}
	}
}

func TestPublicKeyMaterial(t *testing.T) {
	for in, want := range map[string]string{"QUJD": "ABC", "QUI=": "AB", "QUI": "AB", "QU\r\nJD": "ABC", "": ""} {
		got, err := publicKeyMaterial(in)
		if err != nil || string(got) != want {
			t.Errorf("%q: %q %v", in, got, err)
		}
	}
	for _, in := range []string{"Q", "QUI==", "QU=I", "!!!!", "QUJD\x00"} {
		if _, err := publicKeyMaterial(in); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
}

func TestXMLText(t *testing.T) {
	var w xmlWriter
	w.text("a&b<c>d\"e'f\r\n\tg\x01h\xffi\uFFFEj✓")
	if got, want := w.String(), "a&amp;b&lt;c&gt;d\"e'f&#xD;\n\tg\uFFFDh\uFFFDi\uFFFDj✓"; got != want {
		t.Errorf("%q, want %q", got, want)
	}
}

// The parser's work grows linearly with the number of parameters:
// allocations for 4n parameters stay within 5 times those for n.
func TestParseCostLinear(t *testing.T) {
	build := func(n int) string {
		var b strings.Builder
		b.WriteString("Action=DescribeKeyPairs&Version=2016-11-15")
		for i := 1; i <= n; i++ {
			b.WriteString("&KeyName." + strconv.Itoa(i) + "=k" + strconv.Itoa(i))
		}
		return b.String()
	}
	allocs := func(s string) float64 {
		return testing.AllocsPerRun(5, func() {
			f := form{}
			if err := parseForm(f, s, DefaultMaxParameters, false); err != nil {
				t.Fatal(err)
			}
			m, err := f.match("KeyName.N")
			if err != nil {
				t.Fatal(err)
			}
			list(m, "KeyName.N")
		})
	}
	small, large := allocs(build(1000)), allocs(build(4000))
	if large > 5*small {
		t.Errorf("allocations: %v for 1000 parameters, %v for 4000", small, large)
	}
}

func TestCreateTimeFormat(t *testing.T) {
	for _, tm := range []time.Time{
		time.Date(2026, 2, 3, 4, 5, 6, 789_123_456, time.UTC),
		time.Date(2001, 12, 31, 23, 59, 59, 0, time.FixedZone("x", 3600)),
		time.Date(12345, 1, 1, 0, 0, 0, 0, time.UTC),
	} {
		var w xmlWriter
		w.createTime(tm)
		if want := "<createTime>" + tm.UTC().Format(createTimeLayout) + "</createTime>"; w.String() != want {
			t.Errorf("%s, want %s", w.String(), want)
		}
	}
}
