#!/usr/bin/env bash
# Command 1 of the README: the portal on the embedded default (SQLite in memory,
# guest sign-in, example data). Frontend on :3000, backend on :7007.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$REPO_ROOT"
ensure_dependencies
exec node "$REPO_ROOT/.yarn/releases/yarn-4.13.0.cjs" start "$@"
