#!/usr/bin/env bash
# Runs every measurement into bench/results/ (not committed) and regenerates bench/README.md and bench/chart.png.
#   bench/run.sh            N=200 keys per generator, TOOLS_N=15 keys per tool
#   N=200 TOOLS_N=30 bench/run.sh
set -euo pipefail
cd "$(dirname "$0")"
N=${N:-200}
TOOLS_N=${TOOLS_N:-15}
NOTE=${NOTE:-}
start=$(date -u +%Y-%m-%dT%H:%M:%SZ)
commit=$(git -C .. rev-parse --short HEAD 2>/dev/null || true)
mkdir -p results
rm -f results/interleave-*.json

cmds=(
  "go run ./cmd/interleave -n $N -procs 1,2 -out results"
  "go run ./cmd/pool -rows quiet,session,control,burst-seq,burst-conc,none -rounds 2 -out results"
  "./tools.sh $TOOLS_N"
)
bench=(
  "go test -run ^\$ -bench Interleaved -benchtime 50x -cpu 1,2 -benchmem"
  "go test -run ^\$ -bench RSA2048\$ -benchtime 20x -benchmem"
  "go test -run ^\$ -bench RSAFromSeed -benchtime 10x -benchmem"
  "go test -run ^\$ -bench CreateKeyPair/rsa -benchtime 20x -benchmem"
  "go test -run ^\$ -bench Ed25519|Encode|CreateKeyPair/ed25519 -benchmem"
  "go test -run ^\$ -bench AllocsPerCandidate -benchtime 1x -benchmem"
  "go test -run ^\$ -bench Pool -benchtime 50x -benchmem"
)
for c in "${cmds[@]}"; do
  echo "+ $c" >&2
  $c
done
: >results/gobench.txt
for i in "${!bench[@]}"; do
  c=${bench[$i]}
  echo "+ $c" >&2
  # Keep the goos/cpu header once, then only the result lines.
  if [ "$i" -eq 0 ]; then
    $c | grep -E '^(goos|goarch|cpu|Benchmark)' | tee -a results/gobench.txt
  else
    $c | grep -E '^Benchmark' | tee -a results/gobench.txt
  fi
done
end=$(date -u +%Y-%m-%dT%H:%M:%SZ)

json() { printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' | awk 'BEGIN{ORS=""} NR>1{print "\\n"} {print}'; }
all=$(printf '%s\n' "${cmds[@]}" "${bench[@]}")
printf '{"commit": "%s", "start": "%s", "end": "%s", "note": "%s", "commands": "%s"}\n' \
  "$commit" "$start" "$end" "$(json "$NOTE")" "$(json "$all")" >results/meta.json
go run ./cmd/report -results results -readme README.md -chart chart.png
