#!/bin/sh
# Makes the ssh.com fixtures of the reader tests with puttygen (Debian
# putty-tools 0.78): an RSA key (rsa.ppk, unencrypted) exported plain
# (rsa.sshcom) and with the passphrase of pass.txt (rsa-enc.sshcom), and a
# DSA export (dsa.sshcom), which keyforge refuses by name. Run it here.
set -eu
printf 'correct horse\n' > pass.txt
puttygen -t rsa -b 2048 -C 'fixture "comment" that is longer than sixty characters, so it wraps \ twice' -o rsa.ppk --new-passphrase /dev/null
puttygen rsa.ppk -O private-sshcom -o rsa.sshcom
puttygen rsa.ppk -O private-sshcom --new-passphrase pass.txt -o rsa-enc.sshcom
puttygen -t dsa -b 1024 -C dsa -o dsa.ppk --new-passphrase /dev/null
puttygen dsa.ppk -O private-sshcom -o dsa.sshcom
rm dsa.ppk
