#!/bin/sh
# Installs the pinned TypeScript compiler (package-lock.json) into bench/typescript/node_modules.
set -e
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --ignore-scripts
