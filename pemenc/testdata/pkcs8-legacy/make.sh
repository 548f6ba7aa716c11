#!/bin/sh
# Makes the legacy encrypted PKCS#8 fixtures with OpenSSL 3.0 (Debian 12):
# one key per type, each encrypted with every PKCS#12 PBE and PBES1 scheme
# `openssl pkcs8 -topk8 -v1` offers, and with scrypt (-scrypt). The
# passphrase is in PASSPHRASE (non-ASCII, to test PKCS#12's BMPString).
set -eu
cd "$(dirname "$0")"
pass=$(cat PASSPHRASE)
openssl genpkey -algorithm rsa -pkeyopt rsa_keygen_bits:2048 -out rsa.pem
openssl genpkey -algorithm ed25519 -out ed25519.pem
openssl genpkey -algorithm ec -pkeyopt ec_paramgen_curve:P-256 -out p256.pem
for k in rsa ed25519 p256; do
  for v in PBE-SHA1-3DES PBE-SHA1-2DES PBE-SHA1-RC4-128 PBE-SHA1-RC4-40 PBE-SHA1-RC2-128 PBE-SHA1-RC2-40 PBE-MD5-DES PBE-SHA1-DES PBE-MD5-RC2-64 PBE-SHA1-RC2-64; do
    openssl pkcs8 -topk8 -v1 $v -provider legacy -provider default -in $k.pem -passout "pass:$pass" -out $k.$v.pem
  done
  openssl pkcs8 -topk8 -scrypt -in $k.pem -passout "pass:$pass" -out $k.scrypt.pem
done
