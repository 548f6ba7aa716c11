#!/usr/bin/env bash
# Times RSA-2048 key generation by the real tools, one process per key, over N keys each
# (default 20), interleaved key by key with the order rotated every round so machine noise
# hits every tool alike. Includes process start-up: this is what a user of the tool waits.
# If cmd/keyforge builds, its `create` command is timed the same way for comparison.
#
#   bench/tools.sh [N]      writes bench/results/tools.tsv (one row per key) and tools.json
set -euo pipefail
n=${1:-20}
here=$(cd "$(dirname "$0")" && pwd)
out=$here/results
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
: >"$tmp/empty"   # puttygen --new-passphrase: an empty file means no passphrase

names=() cmds=()
add() { names+=("$1"); cmds+=("$2"); }
command -v ssh-keygen >/dev/null && add "ssh-keygen" 'ssh-keygen -q -t rsa -b 2048 -N "" -C "" -f "$tmp/ssh_$i"'
command -v openssl >/dev/null && add "openssl genrsa" 'openssl genrsa -out "$tmp/ossl_$i.pem" 2048 2>/dev/null'
command -v puttygen >/dev/null && add "puttygen" 'puttygen -q -t rsa -b 2048 --new-passphrase "$tmp/empty" -o "$tmp/putty_$i.ppk"'
if (cd "$here/.." && go build -o "$tmp/keyforge" ./cmd/keyforge) 2>/dev/null; then
  add "keyforge create (CLI)" '"$tmp/keyforge" create --name "k$i" --type rsa --key-out "$tmp/kf_$i.pem" >/dev/null'
fi
if [ ${#names[@]} -eq 0 ]; then echo "tools.sh: no tools found" >&2; exit 1; fi

versions() {
  printf 'ssh-keygen\t%s\n' "$(ssh -V 2>&1 | head -1)"
  printf 'openssl\t%s\n' "$(openssl version 2>&1 | head -1)"
  printf 'puttygen\t%s\n' "$(puttygen --version 2>&1 | head -1)"
}

tsv=$out/tools.tsv
printf 'tool\tkey\tms\n' >"$tsv"
m=${#names[@]}
for ((i = 0; i < n; i++)); do
  for ((j = 0; j < m; j++)); do
    k=$(((i + j) % m))
    start=$(date +%s%N)
    eval "${cmds[$k]}"
    end=$(date +%s%N)
    printf '%s\t%d\t%s\n' "${names[$k]}" "$i" "$(awk -v d=$((end - start)) 'BEGIN{printf "%.3f", d/1e6}')" >>"$tsv"
  done
  echo "tools.sh: round $((i + 1))/$n" >&2
done

# Summary JSON: per tool, mean/min/max and the samples (the report recomputes the rest).
{
  printf '{\n  "kind": "tools",\n  "time": "%s",\n  "keys_per_tool": %d,\n  "loadavg_at_end": "%s",\n' \
    "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$n" "$(cat /proc/loadavg 2>/dev/null || true)"
  printf '  "versions": {'
  versions | awk -F'\t' '{printf "%s\"%s\": \"%s\"", (NR>1?", ":""), $1, $2}'
  printf '},\n  "tools": [\n'
  for ((k = 0; k < m; k++)); do
    awk -F'\t' -v t="${names[$k]}" -v cmd="${cmds[$k]}" -v last=$((k == m - 1)) '
      NR > 1 && $1 == t { s[c++] = $3; sum += $3; if (c == 1 || $3 < mn) mn = $3; if ($3 > mx) mx = $3 }
      END {
        gsub(/\\/, "\\\\", cmd); gsub(/"/, "\\\"", cmd)
        printf "    {\"name\": \"%s\", \"command\": \"%s\", \"n\": %d, \"mean_ms\": %.3f, \"min_ms\": %.3f, \"max_ms\": %.3f, \"samples_ms\": [", t, cmd, c, sum / c, mn, mx
        for (i = 0; i < c; i++) printf "%s%s", (i ? ", " : ""), s[i]
        printf "]}%s\n", (last ? "" : ",")
      }' "$tsv"
  done
  printf '  ]\n}\n'
} >"$out/tools.json"
echo "tools.sh: wrote $tsv and $out/tools.json" >&2
awk -F'\t' 'NR > 1 { s[$1] += $3; c[$1]++ } END { for (t in s) printf "%-24s mean %8.1f ms over %d keys\n", t, s[t] / c[t], c[t] }' "$tsv"
