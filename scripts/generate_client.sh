#!/usr/bin/env bash
# Generates the client from the spec into $1 (default: generated_client). `make client` and
# `make client-check` both call this, so the two can never generate differently.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-generated_client}"
spec_dir="${KULMIPAY_SPEC_DIR:-spec}"  # the tests point this at edited copies
openapi-python-client generate \
  --path "$spec_dir/openapi.yaml" \
  --config "$spec_dir/generator.yaml" \
  --custom-template-path "$spec_dir/templates" \
  --meta setup \
  --fail-on-warning \
  --overwrite \
  --output-path "$out" >/dev/null
