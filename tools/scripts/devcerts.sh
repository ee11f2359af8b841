#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Development certificates for the simulator and the integration tests, made
# with the openssl CLI.  Every key is EC P-256 and every signature SHA-256.
#
#   tools/scripts/devcerts.sh OUTDIR
#
# OUTDIR receives:
#   ca.pem ca.key                 the dev CA the agent is told to trust
#   server.pem server.key         signed by it, SAN DNS:localhost, IP:127.0.0.1
#   expired.pem expired.key       as server, but valid only in 2020
#   notyet.pem notyet.key         as server, but valid only from 2037 (still
#                                 inside a 32-bit time_t)
#   wronghost.pem wronghost.key   signed by the CA, SAN DNS:wrong.example only
#   selfsigned.pem selfsigned.key self-signed, SAN localhost and 127.0.0.1
#   other-ca.pem other-ca.key     an unrelated CA
#   untrusted.pem untrusted.key   signed by other-ca, SAN localhost and 127.0.0.1
# and, for the IP-literal and key-usage checks, signed by the CA:
#   ipasdns.pem ipasdns.key       SAN DNS:127.0.0.1 only (an IP written as a name)
#   ipwildcard.pem ...key         SAN DNS:*.0.0.1 only
#   ipcn.pem ipcn.key             CN 127.0.0.1 and no SAN at all
#   iponly.pem iponly.key         SAN IP:127.0.0.1, IP:::1 only: right for both
#   clientauth.pem ...key         as server, but extended key usage clientAuth only
# It does nothing when OUTDIR/.done lists the same certificates as this
# script; delete OUTDIR to start again.
set -eu

[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
out=$1
names="ca other-ca server expired notyet wronghost selfsigned untrusted ipasdns ipwildcard ipcn iponly clientauth"
# .done holds the list it was made for, so a folder made by an older version
# of this script (fewer certificates) is made again rather than used short.
done_ok() { [ -f "$out/.done" ] && [ "$(cat "$out/.done")" = "$names" ]; }
done_ok && exit 0
mkdir -p "$out"

# Two test runs starting at once must not interleave two CAs in one folder.
exec 9>"$out/.lock"
flock 9
done_ok && exit 0

work=$(mktemp -d "$out/.work.XXXXXX")
trap 'rm -rf "$work"' EXIT
log="$work/openssl.log"

# openssl is chatty on stderr even when it succeeds: keep its output and
# show it only when a step fails.
run() {
    if ! "$@" >>"$log" 2>&1; then
        echo "devcerts: failed: $*" >&2
        cat "$log" >&2
        exit 1
    fi
}

# Backdate every certificate by a day so that a device clock a little behind
# the build machine still accepts them.
stamp() { date -u -d "$1" +%Y%m%d%H%M%SZ; }
from=$(stamp '-1 day')
until=$(stamp '+10 years')

mkdir -p "$work/db/new"
: >"$work/db/index.txt"
cat >"$work/openssl.cnf" <<EOF
[ ca ]
default_ca = dev_ca

[ dev_ca ]
dir             = $work/db
database        = \$dir/index.txt
new_certs_dir   = \$dir/new
rand_serial     = yes
default_md      = sha256
policy          = policy_any
unique_subject  = no
copy_extensions = none
email_in_dn     = no

[ policy_any ]
commonName = supplied

[ req ]
distinguished_name = req_dn
prompt             = no

[ req_dn ]
CN = unused

[ ca_ext ]
basicConstraints       = critical, CA:TRUE, pathlen:0
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
EOF

# leaf_ext SECTION USAGE [SAN]: the extensions of a certificate the CA signs
# for a TLS peer, extended key usage USAGE; without SAN it names no host.
leaf_ext() {
    cat <<EOF

[ $1 ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = $2
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
EOF
    [ $# -lt 3 ] || echo "subjectAltName         = $3"
}

{
    leaf_ext server_ext serverAuth "DNS:localhost, IP:127.0.0.1"
    leaf_ext wronghost_ext serverAuth "DNS:wrong.example"
    # An IP literal must match an iPAddress SAN, never a dNSName or the CN
    # (RFC 9525 6.2): these three are refused for https://127.0.0.1, iponly is
    # accepted for 127.0.0.1 and ::1.
    leaf_ext ipasdns_ext serverAuth "DNS:127.0.0.1"
    leaf_ext ipwildcard_ext serverAuth "DNS:*.0.0.1"
    leaf_ext nosan_ext serverAuth
    leaf_ext iponly_ext serverAuth "IP:127.0.0.1, IP:::1"
    # Names right, but a client certificate: not for a TLS server.
    leaf_ext clientauth_ext clientAuth "DNS:localhost, IP:127.0.0.1"
} >>"$work/openssl.cnf"

# cert NAME CN EXTENSIONS START END [ISSUER]: a key, a request and the
# certificate; without ISSUER the certificate signs itself.
cert() {
    name=$1 cn=$2 ext=$3 start=$4 end=$5 issuer=${6:-}
    run openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
        -pkeyopt ec_param_enc:named_curve -out "$work/$name.key"
    run openssl req -new -config "$work/openssl.cnf" -key "$work/$name.key" \
        -subj "/CN=$cn" -out "$work/$name.csr"
    if [ -n "$issuer" ]; then
        set -- -cert "$work/$issuer.pem" -keyfile "$work/$issuer.key"
    else
        set -- -selfsign -keyfile "$work/$name.key"
    fi
    run openssl ca -batch -notext -config "$work/openssl.cnf" "$@" \
        -extensions "$ext" -startdate "$start" -enddate "$end" \
        -in "$work/$name.csr" -out "$work/$name.pem"
}

cert ca         "Herald Dev CA"       ca_ext        "$from" "$until"
cert other-ca   "Herald Unrelated CA" ca_ext        "$from" "$until"
cert server     localhost             server_ext    "$from" "$until" ca
cert expired    localhost             server_ext    20200101000000Z 20210101000000Z ca
cert notyet     localhost             server_ext    20370101000000Z 20371231000000Z ca
cert wronghost  wrong.example         wronghost_ext "$from" "$until" ca
cert selfsigned localhost             server_ext    "$from" "$until"
cert untrusted  localhost             server_ext    "$from" "$until" other-ca
cert ipasdns    ipasdns.example       ipasdns_ext   "$from" "$until" ca
cert ipwildcard ipwildcard.example    ipwildcard_ext "$from" "$until" ca
cert ipcn       127.0.0.1             nosan_ext     "$from" "$until" ca
cert iponly     iponly.example        iponly_ext    "$from" "$until" ca
cert clientauth localhost             clientauth_ext "$from" "$until" ca

for name in $names; do
    chmod 600 "$work/$name.key"
    mv "$work/$name.key" "$work/$name.pem" "$out/"
done
echo "$names" >"$out/.done"
echo "devcerts: $out"
