#!/usr/bin/env bash
# Prints cargo's target directory for this workspace, as cargo itself resolves it: CARGO_TARGET_DIR,
# else build.target-dir from a cargo configuration file, else target/ in the repository. The
# Makefile and the scripts find the server binary under it (debug/samhandling, release/samhandling)
# instead of assuming target/.
#
#   scripts/target-dir.sh          (CARGO names another cargo binary; default: cargo)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# `cargo metadata` prints one line of JSON; target_directory is a string in it, in which a path can
# only have escaped a quote or a backslash. No JSON tool is needed, so neither is python3 or jq.
metadata=$("${CARGO:-cargo}" metadata --format-version 1 --no-deps --offline --manifest-path "$root/Cargo.toml") \
    || { echo "target-dir.sh: 'cargo metadata' failed" >&2; exit 1; }
dir=$(printf '%s\n' "$metadata" \
    | sed -n 's/.*"target_directory":"\(\([^"\\]\|\\.\)*\)".*/\1/p' \
    | sed 's/\\\(.\)/\1/g')
[ -n "$dir" ] || { echo "target-dir.sh: no target_directory in the output of 'cargo metadata'" >&2; exit 1; }
printf '%s\n' "$dir"
