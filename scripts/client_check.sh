#!/usr/bin/env bash
# Fails, with a unified diff, when generated_client/ differs from a fresh generation of the spec.
# Usage: scripts/client_check.sh [committed-dir]   (the tests point it at copies)
set -euo pipefail
cd "$(dirname "$0")/.."
committed="${1:-generated_client}"
fresh="$(mktemp -d)/generated_client"
trap 'rm -rf "$(dirname "$fresh")"' EXIT
scripts/generate_client.sh "$fresh"
# Build artefacts of the editable install are not part of the golden record.
if ! diff -ruN -x __pycache__ -x '*.egg-info' -x build "$committed" "$fresh"; then
  echo >&2
  echo "client-check: $committed differs from what spec/openapi.yaml generates (diff above)." >&2
  echo "client-check: run 'make client' and commit the spec and generated_client/ together." >&2
  exit 1
fi
echo "client-check: $committed matches spec/openapi.yaml"
