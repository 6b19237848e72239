#!/bin/sh
# Writes a CA and Herd's serving certificate (SAN herd-apiserver.herd-system.svc) into tls/ beside this script,
# for the dev overlay. Same commands as docs/deploying.md; needs only openssl. tls/ is git-ignored.
set -eu
dir="$(cd "$(dirname "$0")" && pwd)/tls"
name=herd-apiserver.herd-system.svc
mkdir -p "$dir"
cd "$dir"
umask 077

printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n' > ca.ext
printf 'subjectAltName=DNS:%s,DNS:%s.cluster.local\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\nbasicConstraints=critical,CA:FALSE\n' "$name" "$name" > tls.ext

# The CA (self-signed, 10 years).
openssl req -new -nodes -newkey rsa:2048 -keyout ca.key -out ca.csr -subj "/CN=herd-apiserver-ca"
openssl x509 -req -sha256 -days 3650 -in ca.csr -signkey ca.key -extfile ca.ext -out ca.crt
# The serving certificate (1 year), signed by that CA.
openssl req -new -nodes -newkey rsa:2048 -keyout tls.key -out tls.csr -subj "/CN=$name"
openssl x509 -req -sha256 -days 365 -in tls.csr -CA ca.crt -CAkey ca.key -CAcreateserial -extfile tls.ext -out tls.crt

rm -f ca.csr tls.csr ca.ext tls.ext
openssl verify -CAfile ca.crt tls.crt
echo "wrote $dir/{ca.crt,ca.key,tls.crt,tls.key}"
