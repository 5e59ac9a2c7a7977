#!/usr/bin/env bash
# Test PKI for the secure scenario, never committed: a CA, one certificate per node (CN = its
# inventory name, subjectAltName = its address and name), an admin client certificate, and
# random SCRAM passwords (and the metrics endpoint's).
#   make-test-pki.sh <dir> <name>=<ip> [<name>=<ip> ...]
set -euo pipefail
dir=$1; shift
mkdir -p "$dir"; cd "$dir"
if [ ! -f ca.pem ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 30 -subj "/CN=kraft-test-ca" 2>/dev/null
fi
issue() {  # name san
  local name=$1 san=$2
  [ -f "$name.pem" ] && return 0
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$name.key" 2>/dev/null   # PKCS#8
  openssl req -new -key "$name.key" -subj "/CN=$name" -out "$name.csr" 2>/dev/null
  printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth,clientAuth\n' "$san" > "$name.ext"
  openssl x509 -req -in "$name.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 \
    -extfile "$name.ext" -out "$name.pem" 2>/dev/null
  rm -f "$name.csr" "$name.ext"
}
for node in "$@"; do
  issue "${node%%=*}" "IP:${node#*=},DNS:${node%%=*}"
done
issue admin "DNS:admin"
for user in admin broker app intruder metrics; do
  [ -f "$user.password" ] || openssl rand -hex 16 | tr -d '\n' > "$user.password"
done
chmod 600 ./*.key ./*.password
echo "test PKI in $dir"
