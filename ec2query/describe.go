package ec2query

import (
	"context"

	"github.com/keyforge/keyforge/ec2"
)

func init() {
	actions["DescribeKeyPairs"] = describeKeyPairs
	actions["DeleteKeyPair"] = deleteKeyPair
}

const (
	filterName  = "Filter.N.Name"
	filterValue = "Filter.N.Value.N"
)

func describeKeyPairs(ctx context.Context, svc *ec2.Service, rid string, f form) ([]byte, error) {
	m, err := f.match("KeyName.N", "KeyPairId.N", filterName, filterValue, "IncludePublicKey", "DryRun")
	if err != nil {
		return nil, err
	}
	dry, err := boolean(m, "DryRun")
	if err != nil {
		return nil, err
	}
	inclPub, err := boolean(m, "IncludePublicKey")
	if err != nil {
		return nil, err
	}
	var filters []ec2.Filter
	for _, g := range groups(m, filterName, filterValue) {
		if len(g.members[filterName]) == 0 {
			return nil, badRequest(ec2.CodeMissingParameter, "The request must contain the parameter Filter.%d.Name", g.index)
		}
		filters = append(filters, ec2.Filter{Name: single(g.members, filterName), Values: list(g.members, filterValue)})
	}
	out, err := svc.DescribeKeyPairs(ctx, &ec2.DescribeKeyPairsInput{
		KeyNames:         list(m, "KeyName.N"),
		KeyPairIds:       list(m, "KeyPairId.N"),
		Filters:          filters,
		IncludePublicKey: inclPub,
		DryRun:           dry,
	})
	if err != nil {
		return nil, err
	}
	return describeKeyPairsXML(rid, out), nil
}

func deleteKeyPair(ctx context.Context, svc *ec2.Service, rid string, f form) ([]byte, error) {
	m, err := f.match("KeyName", "KeyPairId", "DryRun")
	if err != nil {
		return nil, err
	}
	dry, err := boolean(m, "DryRun")
	if err != nil {
		return nil, err
	}
	out, err := svc.DeleteKeyPair(ctx, &ec2.DeleteKeyPairInput{
		KeyName:   single(m, "KeyName"),
		KeyPairId: single(m, "KeyPairId"),
		DryRun:    dry,
	})
	if err != nil {
		return nil, err
	}
	return deleteKeyPairXML(rid, out), nil
}

// describeKeyPairsXML renders DescribeKeyPairs' response. Every item has a
// <tagSet>, empty when untagged; publicKey only when it was asked for.
func describeKeyPairsXML(rid string, out *ec2.DescribeKeyPairsOutput) []byte {
	const action = "DescribeKeyPairs"
	size := 0
	for i := range out.KeyPairs {
		k := &out.KeyPairs[i]
		size += 256 + len(k.KeyPairId) + len(k.KeyFingerprint) + len(k.KeyName) + len(k.PublicKey)
		for _, t := range k.Tags {
			size += 40 + len(t.Key) + len(t.Value)
		}
	}
	w := newResponse(action, rid, size)
	if len(out.KeyPairs) == 0 {
		w.put("<keySet/>")
		return w.end(action)
	}
	w.open("keySet")
	for i := range out.KeyPairs {
		k := &out.KeyPairs[i]
		// The markup between the values in as few appends as can be: this
		// loop is most of a large describe's cost.
		w.put("<item><keyPairId>")
		w.text(k.KeyPairId)
		w.put("</keyPairId><keyFingerprint>")
		w.text(k.KeyFingerprint)
		w.put("</keyFingerprint><keyName>")
		w.text(k.KeyName)
		w.put("</keyName><keyType>")
		w.text(k.KeyType)
		w.put("</keyType>")
		w.tagSet(k.Tags)
		if k.PublicKey != "" {
			w.elem("publicKey", k.PublicKey)
		}
		w.createTime(k.CreateTime)
		w.put("</item>")
	}
	w.close("keySet")
	return w.end(action)
}

// deleteKeyPairXML renders DeleteKeyPair's response: keyPairId only when a
// key pair was deleted.
func deleteKeyPairXML(rid string, out *ec2.DeleteKeyPairOutput) []byte {
	const action = "DeleteKeyPair"
	w := newResponse(action, rid, 128)
	if out.Return {
		w.elem("return", "true")
	} else {
		w.elem("return", "false")
	}
	if out.KeyPairId != "" {
		w.elem("keyPairId", out.KeyPairId)
	}
	return w.end(action)
}
