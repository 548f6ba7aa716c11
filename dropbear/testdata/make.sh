#!/bin/sh
# Makes the Dropbear keys of the reader tests with dropbearkey (Debian
# dropbear-bin 2022.83): NAME.key and its public line (`dropbearkey -y`) in
# NAME.pub. Run it in this directory.
set -eu
rm -f *.key *.pub
dropbearkey -t rsa -s 2048 -f rsa.key
dropbearkey -t ed25519 -f ed25519.key
for s in 256 384 521; do dropbearkey -t ecdsa -s $s -f p$s.key; done
for k in *.key; do dropbearkey -y -f $k | grep -E '^(ssh|ecdsa)-' > ${k%.key}.pub; done
