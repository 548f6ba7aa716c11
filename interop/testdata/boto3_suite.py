"""boto3 against keyforge serve: run by boto3_test.go with /usr/bin/python3.

Usage: boto3_suite.py ENDPOINT_URL OUTDIR RSA_PUB ED25519_PUB

Asserts the protocol-level behaviour itself and writes created key material
to OUTDIR; prints a JSON manifest on stdout so that the Go side can check the
files and fingerprints with ssh-keygen, openssl and puttygen.
"""
import datetime
import json
import os
import sys
import threading

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

url, outdir, rsa_pub_path, ed_pub_path = sys.argv[1:5]
# No retries: a 5xx or throttling answer must fail the suite, not be hidden.
cfg = Config(retries={"total_max_attempts": 1, "mode": "standard"})


def client(region="us-east-1"):
    return boto3.client("ec2", endpoint_url=url, region_name=region, config=cfg)


ec2 = client()
manifest = {"created": [], "imported": [], "described": {}}


def expect_error(code, status, fn, **kw):
    try:
        fn(**kw)
    except ClientError as e:
        err = e.response["Error"]
        meta = e.response["ResponseMetadata"]
        assert err["Code"] == code, (code, err)
        assert meta["HTTPStatusCode"] == status, (code, meta)
        assert len(meta["RequestId"]) == 36, meta
        return err["Message"]
    raise AssertionError("no %s error from %s %r" % (code, fn.__name__, kw))


def save(name, material, fmt):
    path = os.path.join(outdir, name + (".ppk" if fmt == "ppk" else ".pem"))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(material if material.endswith("\n") else material + "\n")
    return path


# The seed of the project, exactly as its users write it.
resp = ec2.create_key_pair(KeyName="my-key-pair")
assert set(resp) == {"KeyFingerprint", "KeyMaterial", "KeyName", "KeyPairId", "ResponseMetadata"}, sorted(resp)
assert resp["KeyName"] == "my-key-pair"
assert resp["KeyMaterial"].startswith("-----BEGIN RSA PRIVATE KEY-----\n"), resp["KeyMaterial"][:40]
assert resp["KeyMaterial"].endswith("-----END RSA PRIVATE KEY-----"), resp["KeyMaterial"][-40:]
assert resp["ResponseMetadata"]["HTTPStatusCode"] == 200
assert resp["ResponseMetadata"]["HTTPHeaders"]["content-type"] == "text/xml;charset=UTF-8"
manifest["created"].append({"name": "my-key-pair", "type": "rsa", "format": "pem",
                            "fingerprint": resp["KeyFingerprint"], "id": resp["KeyPairId"],
                            "file": save("my-key-pair", resp["KeyMaterial"], "pem")})

tags = [{"Key": "Name", "Value": "web & <db>"}, {"Key": "empty", "Value": ""}]
for name, kt, fmt, tagged in [("ed-pem", "ed25519", "pem", False), ("rsa-ppk", "rsa", "ppk", True),
                              ("ed-ppk", "ed25519", "ppk", True)]:
    kw = {"KeyName": name, "KeyType": kt, "KeyFormat": fmt}
    if tagged:
        kw["TagSpecifications"] = [{"ResourceType": "key-pair", "Tags": tags}]
    r = ec2.create_key_pair(**kw)
    assert ("Tags" in r) == tagged, r.keys()
    if tagged:
        assert r["Tags"] == tags, r["Tags"]
    if fmt == "ppk":
        assert r["KeyMaterial"].startswith("PuTTY-User-Key-File-3: "), r["KeyMaterial"][:40]
        assert "\nComment: %s\n" % name in r["KeyMaterial"]
    manifest["created"].append({"name": name, "type": kt, "format": fmt, "fingerprint": r["KeyFingerprint"],
                                "id": r["KeyPairId"], "file": save(name, r["KeyMaterial"], fmt)})

for name, path in [("imp-rsa", rsa_pub_path), ("imp-ed", ed_pub_path)]:
    with open(path, "rb") as f:
        material = f.read()
    r = ec2.import_key_pair(KeyName=name, PublicKeyMaterial=material)
    assert "Tags" not in r and "KeyMaterial" not in r, r.keys()
    manifest["imported"].append({"name": name, "fingerprint": r["KeyFingerprint"], "id": r["KeyPairId"], "pub": path})
r = ec2.import_key_pair(KeyName="imp-tagged", PublicKeyMaterial=material,
                        TagSpecifications=[{"ResourceType": "key-pair", "Tags": [{"Key": "k", "Value": "v"}]}])
assert r["Tags"] == [{"Key": "k", "Value": "v"}], r

# Describe: creation order, Tags [] when untagged, CreateTime a datetime.
d = ec2.describe_key_pairs()
names = [k["KeyName"] for k in d["KeyPairs"]]
assert names == ["my-key-pair", "ed-pem", "rsa-ppk", "ed-ppk", "imp-rsa", "imp-ed", "imp-tagged"], names
now = datetime.datetime.now(datetime.timezone.utc)
for k in d["KeyPairs"]:
    assert set(k) == {"KeyPairId", "KeyFingerprint", "KeyName", "KeyType", "Tags", "CreateTime"}, sorted(k)
    assert abs((now - k["CreateTime"]).total_seconds()) < 120, k["CreateTime"]
    assert k["CreateTime"].microsecond % 1000 == 0, k["CreateTime"]
byname = {k["KeyName"]: k for k in d["KeyPairs"]}
assert byname["my-key-pair"]["Tags"] == [] and byname["rsa-ppk"]["Tags"] == tags, byname
assert byname["my-key-pair"]["KeyType"] == "rsa" and byname["ed-pem"]["KeyType"] == "ed25519"
assert byname["imp-rsa"]["KeyType"] == "rsa" and byname["imp-ed"]["KeyType"] == "ed25519"
for c in manifest["created"] + manifest["imported"]:
    assert byname[c["name"]]["KeyFingerprint"] == c["fingerprint"], c
    assert byname[c["name"]]["KeyPairId"] == c["id"], c


def names_of(**kw):
    return [k["KeyName"] for k in ec2.describe_key_pairs(**kw)["KeyPairs"]]


assert names_of(KeyNames=["ed-pem", "my-key-pair"]) == ["my-key-pair", "ed-pem"]
assert names_of(KeyPairIds=[byname["ed-ppk"]["KeyPairId"]]) == ["ed-ppk"]
assert names_of(Filters=[{"Name": "key-name", "Values": ["ed-*"]}]) == ["ed-pem", "ed-ppk"]
assert names_of(Filters=[{"Name": "key-name", "Values": ["imp-??", "nothing"]}]) == ["imp-ed"]
assert names_of(Filters=[{"Name": "tag:Name", "Values": ["web*"]}, {"Name": "key-name", "Values": ["ed*"]}]) == ["ed-ppk"]
assert names_of(Filters=[{"Name": "tag-key", "Values": ["k"]}]) == ["imp-tagged"]
assert names_of(Filters=[{"Name": "fingerprint", "Values": [byname["imp-rsa"]["KeyFingerprint"]]}]) == ["imp-rsa"]
assert names_of(Filters=[{"Name": "key-pair-id", "Values": [byname["ed-pem"]["KeyPairId"]]}]) == ["ed-pem"]
assert names_of(Filters=[{"Name": "key-name", "Values": ["zzz"]}]) == []
withpub = ec2.describe_key_pairs(IncludePublicKey=True)["KeyPairs"]
manifest["described"] = {k["KeyName"]: k["PublicKey"] for k in withpub}

# Errors: code, message, HTTP status, request id.
msg = expect_error("InvalidKeyPair.Duplicate", 400, ec2.create_key_pair, KeyName="my-key-pair")
assert msg == "The keypair 'my-key-pair' already exists.", msg
msg = expect_error("InvalidKeyPair.Duplicate", 400, ec2.import_key_pair, KeyName="ed-pem", PublicKeyMaterial=material)
msg = expect_error("InvalidKeyPair.NotFound", 400, ec2.describe_key_pairs, KeyNames=["my-key-pair", "missing"])
assert msg == "The key pair 'missing' does not exist", msg
msg = expect_error("InvalidKey.Format", 400, ec2.import_key_pair, KeyName="bad", PublicKeyMaterial=b"ssh-dss AAAA")
assert msg == "Key is not in valid OpenSSH public key format", msg
expect_error("InvalidParameterValue", 400, ec2.create_key_pair, KeyName="bad", KeyType="dsa")
expect_error("InvalidParameterValue", 400, ec2.create_key_pair, KeyName=" lead")
expect_error("MissingParameter", 400, ec2.delete_key_pair)
dry = "Request would have succeeded, but DryRun flag is set."
assert expect_error("DryRunOperation", 412, ec2.create_key_pair, KeyName="dry", DryRun=True) == dry
assert expect_error("DryRunOperation", 412, ec2.import_key_pair, KeyName="dry", PublicKeyMaterial=material, DryRun=True) == dry
assert expect_error("DryRunOperation", 412, ec2.describe_key_pairs, DryRun=True) == dry
assert expect_error("DryRunOperation", 412, ec2.delete_key_pair, KeyName="ed-pem", DryRun=True) == dry
assert "dry" not in names_of()

# Two Regions: one name in each, each sees its own.
west = client("eu-west-1")
w = west.create_key_pair(KeyName="my-key-pair", KeyType="ed25519")
assert w["KeyPairId"] != byname["my-key-pair"]["KeyPairId"]
assert [k["KeyName"] for k in west.describe_key_pairs()["KeyPairs"]] == ["my-key-pair"]

# 32 threads create one name: exactly one wins.
results = []
lock = threading.Lock()


def race():
    c = client()
    try:
        c.create_key_pair(KeyName="race", KeyType="ed25519")
        out = "ok"
    except ClientError as e:
        out = e.response["Error"]["Code"]
    with lock:
        results.append(out)


threads = [threading.Thread(target=race) for _ in range(32)]
for t in threads:
    t.start()
for t in threads:
    t.join()
assert sorted(results) == ["InvalidKeyPair.Duplicate"] * 31 + ["ok"], results

# Delete: by name, by id, idempotent; the name can be used again. boto3
# 1.26's model has no DeleteKeyPair output (Return and KeyPairId came
# later), so it shows only ResponseMetadata; newer ones show both.
def delete(want_id, **kw):
    r = ec2.delete_key_pair(**kw)
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 200, r
    if "Return" in r:
        assert r["Return"] is True and r.get("KeyPairId") == want_id, r


race_id = [k["KeyPairId"] for k in ec2.describe_key_pairs(KeyNames=["race"])["KeyPairs"]][0]
delete(race_id, KeyName="race")
delete(byname["imp-tagged"]["KeyPairId"], KeyPairId=byname["imp-tagged"]["KeyPairId"])
delete(None, KeyName="race")
assert "race" not in names_of() and "imp-tagged" not in names_of()
again = ec2.create_key_pair(KeyName="race", KeyType="ed25519")
assert again["KeyPairId"] != race_id

json.dump(manifest, sys.stdout)
