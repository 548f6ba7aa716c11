#!/bin/sh
# Makes the certificates of sshcert's reader tests with ssh-keygen (Debian
# openssh-client 9.2): NAME-cert.pub, what `ssh-keygen -L` prints for it
# (NAME.L, in UTC) and `ssh-keygen -l` (NAME.l). The CA and user private keys
# are thrown away. Run it in this directory.
set -eu
export TZ=UTC
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
key() { # name type [bits]
  if [ -n "${3:-}" ]; then b="-b $3"; else b=""; fi
  ssh-keygen -q -t "$2" $b -N '' -C "comment of $1" -f "$tmp/$1"
}
cert() { # name key ca options...
  n=$1 k=$2 ca=$3; shift 3
  cp "$tmp/$k.pub" "$tmp/$n.pub"
  ssh-keygen -q -s "$tmp/$ca" "$@" "$tmp/$n.pub"
  cp "$tmp/$n-cert.pub" "$n-cert.pub"
  ssh-keygen -L -f "$n-cert.pub" > "$n.L"
  ssh-keygen -l -f "$n-cert.pub" > "$n.l"
}
key ed ed25519; key rsa rsa 2048; key p256 ecdsa 256; key p384 ecdsa 384; key p521 ecdsa 521
cert ed25519-user-options ed ed -I 'alice id' -n alice,bob -V 20240101000000:20250101000000 -O force-command=/bin/ls -O source-address=10.0.0.0/8 -O no-pty -z 42
cert p384-host-rsa-ca p384 rsa -I host1 -h -n host.example.com
cert rsa-user-p256-ca rsa p256 -I nobody
cert ed25519-rsa-sha256-ca ed rsa -I x -t rsa-sha2-256 -V always:20250101 -O extension:custom@example.com=value -O extension:flag@example.com -O critical:verify-required -O critical:weird@example.com=zz
cert p256-p521-ca p256 p521 -I '' -O clear -O critical:permit-pty -O extension:force-command=ls -O extension:no-touch-required -V 19700101000001:19700101000002
cert rsa-sha1-ca rsa rsa -I sha1 -t ssh-rsa -V 20240101:forever
