#!/bin/sh
# Makes the fixtures of keyfile's reader tests with the real tools
# (Debian openssh-client 9.2, openssl 3.0, putty-tools 0.78). Run it in this
# directory; the tests only read the files, so they run without the tools.
# Three base keys (rsa, p256, ed25519); NAME.want is ssh-keygen's public
# line for each, which every file made from that key must yield.
set -eu
rm -f rsa-* p256-* ed25519-* edpkcs8-* *.want
pass=pass.txt
printf 'correct horse\n' > $pass
printf '' > empty.txt

# RSA: openssl first, then every conversion of the same key.
openssl genrsa -traditional -out rsa-pkcs1.pem 2048
openssl rsa -in rsa-pkcs1.pem -outform DER -traditional -out rsa-pkcs1.der
openssl pkcs8 -topk8 -nocrypt -in rsa-pkcs1.pem -out rsa-pkcs8.pem
openssl pkcs8 -topk8 -nocrypt -in rsa-pkcs1.pem -outform DER -out rsa-pkcs8.der
openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256 -passout file:$pass -in rsa-pkcs1.pem -out rsa-pkcs8-enc.pem
openssl pkcs8 -topk8 -v2 aes-256-cbc -passout file:$pass -in rsa-pkcs1.pem -outform DER -out rsa-pkcs8-enc.der
openssl rsa -traditional -aes256 -passout file:$pass -in rsa-pkcs1.pem -out rsa-pem-enc.pem
cp rsa-pkcs1.pem rsa-openssh.key && chmod 600 rsa-openssh.key
ssh-keygen -q -p -N 'correct horse' -f rsa-openssh.key
ssh-keygen -y -f rsa-pkcs1.pem > rsa.want
cp rsa.want rsa-authorized.pub
ssh-keygen -e -f rsa.want > rsa-rfc4716.pub
openssl rsa -in rsa-pkcs1.pem -pubout -out rsa-pkix.pem
openssl rsa -in rsa-pkcs1.pem -pubout -outform DER -out rsa-pkix.der
base64 -w0 rsa-pkix.der > rsa-pkix.b64
openssl rsa -in rsa-pkcs1.pem -RSAPublicKey_out -out rsa-pkcs1-public.pem
puttygen rsa-pkcs1.pem --new-passphrase empty.txt -C 'rsa comment' -o rsa-v3.ppk
puttygen rsa-pkcs1.pem --new-passphrase $pass --ppk-param version=2 -C 'rsa comment' -o rsa-v2-enc.ppk

# ECDSA P-256: `openssl ecparam -genkey` writes an EC PARAMETERS block first.
openssl ecparam -genkey -name prime256v1 -out p256-sec1.pem
openssl ec -in p256-sec1.pem -outform DER -out p256-sec1.der
openssl pkcs8 -topk8 -nocrypt -in p256-sec1.pem -out p256-pkcs8.pem
openssl ec -aes128 -passout file:$pass -in p256-sec1.pem -out p256-pem-enc.pem
openssl ec -in p256-sec1.pem -pubout -out p256-pkix.pem
ssh-keygen -y -f p256-pkcs8.pem > p256.want
cp p256-pkcs8.pem p256-openssh.key && chmod 600 p256-openssh.key
ssh-keygen -q -p -N '' -f p256-openssh.key
puttygen p256-openssh.key --new-passphrase $pass -C 'p256 comment' -o p256-v3-enc.ppk

# Ed25519: ssh-keygen first.
ssh-keygen -q -t ed25519 -N '' -C 'ed25519 comment' -f ed25519-openssh.key
mv ed25519-openssh.key.pub ed25519.want
cp ed25519-openssh.key ed25519-openssh-enc.key
ssh-keygen -q -p -N 'correct horse' -f ed25519-openssh-enc.key
puttygen ed25519-openssh.key --new-passphrase empty.txt -o ed25519-v3.ppk
puttygen ed25519-openssh.key --new-passphrase $pass -o ed25519-v3-enc.ppk
cp ed25519.want ed25519-authorized.pub

# Ed25519 PKCS#8 (which ssh-keygen and puttygen do not read): openssl's own
# key; files of one base key must agree, with no .want line.
openssl genpkey -algorithm ed25519 -out edpkcs8-pkcs8.pem
openssl pkey -in edpkcs8-pkcs8.pem -pubout -out edpkcs8-pkix.pem
openssl pkey -in edpkcs8-pkcs8.pem -outform DER -out edpkcs8-pkcs8.der

# Formats of other producers, from the same base keys: ssh.com (puttygen),
# Dropbear (dropbearconvert, Debian dropbear-bin 2022.83), an OpenSSH
# certificate of the Ed25519 key (the CA is thrown away), and legacy and
# scrypt encrypted PKCS#8 (openssl).
puttygen rsa-pkcs1.pem -O private-sshcom --new-passphrase empty.txt -C 'rsa comment' -o rsa-sshcom.key
puttygen rsa-pkcs1.pem -O private-sshcom --new-passphrase $pass -C 'rsa comment' -o rsa-sshcom-enc.key
dropbearconvert openssh dropbear rsa-pkcs1.pem rsa-dropbear.key
dropbearconvert openssh dropbear p256-openssh.key p256-dropbear.key
dropbearconvert openssh dropbear ed25519-openssh.key ed25519-dropbear.key
ca=$(mktemp -d)
ssh-keygen -q -t ed25519 -N '' -f "$ca/ca"
cp ed25519.want "$ca/k.pub"
ssh-keygen -q -s "$ca/ca" -I 'fixture id' -n alice,bob -V 20240101:20340101 -z 7 "$ca/k.pub"
cp "$ca/k-cert.pub" ed25519-cert.pub
rm -rf "$ca"
openssl pkcs8 -topk8 -v1 PBE-SHA1-3DES -passout file:$pass -in rsa-pkcs1.pem -out rsa-pkcs8-pbe.pem
openssl pkcs8 -topk8 -scrypt -passout file:$pass -in rsa-pkcs1.pem -out rsa-pkcs8-scrypt.pem
