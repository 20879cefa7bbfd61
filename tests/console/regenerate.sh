#!/usr/bin/env bash
# Regenerates the expected output of the console corpus with real Node:
#
#   tests/console/regenerate.sh [path/to/node]
#
# Needs Node 20 (the committed files come from Node v20.20.2). Node 18 prints
# some things differently (console.table centres cells; Set/Map ignore
# maxArrayLength), so its output is not the reference. Not run by tests: the
# expected files are committed, and kiln is compared against them by
# compare.sh.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
node="${1:-node}"

version="$("$node" --version)"
case "$version" in
  v20.*) ;;
  *) echo "regenerate.sh: expected Node 20, got $version" >&2; exit 1 ;;
esac

cd "$here"
"$node" corpus.js > corpus.stdout 2> corpus.stderr
echo "regenerated corpus.stdout and corpus.stderr with node $version"
