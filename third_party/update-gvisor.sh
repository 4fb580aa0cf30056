#!/usr/bin/env bash
# Rebuilds third_party/gvisor: the gVisor packages nsemu imports (and what
# they import), copied from the pinned module in Go's module cache, with
# the patches of third_party/gvisor-patches applied in order. go.mod's
# `replace gvisor.dev/gvisor => ./third_party/gvisor` builds against it.
#
# Run it after changing the pinned version (GVISOR_VERSION below) or after
# importing a gVisor package nsemu did not use before (it finds the imports
# in the sources). Every patch is written to be sent upstream: see each
# patch's header and README.md ("Performance").
set -euo pipefail
GVISOR_VERSION=v0.0.0-20260905035102-160fafc42237
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
dst=$here/gvisor

src=$(cd "$root" && go mod download -json "gvisor.dev/gvisor@$GVISOR_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -d "$src" ] || { echo "update-gvisor: no module directory for $GVISOR_VERSION" >&2; exit 1; }

# imports prints the gVisor packages that the Go files of the given
# directories (relative to $2) import.
imports() {
  local base=$1; shift
  for d in "$@"; do
    find "$base/$d" -maxdepth 1 -name '*.go' ! -name '*_test.go' -print0 2>/dev/null |
      xargs -0 -r grep -hoE '"gvisor\.dev/gvisor/[^"]+"' || true
  done | tr -d '"' | sed 's|^gvisor\.dev/gvisor/||' | sort -u
}

# The packages nsemu imports, then their closure inside gVisor.
mapfile -t roots < <(cd "$root" && git ls-files '*.go' | grep -v '^third_party/' |
  xargs grep -hoE '"gvisor\.dev/gvisor/[^"]+"' | tr -d '"' | sed 's|^gvisor\.dev/gvisor/||' | sort -u)
all=$(printf '%s\n' "${roots[@]}")
todo=$all
while [ -n "$todo" ]; do
  # shellcheck disable=SC2086
  next=$(imports "$src" $todo)
  todo=$(comm -13 <(echo "$all") <(echo "$next") | grep . || true)
  all=$(printf '%s\n%s\n' "$all" "$todo" | grep . | sort -u)
done

rm -rf "$dst"
mkdir -p "$dst"
cp "$src/LICENSE" "$src/AUTHORS" "$dst/"
for d in $all; do
  mkdir -p "$dst/$d"
  find "$src/$d" -maxdepth 1 -type f \( -name '*.go' -o -name '*.s' \) ! -name '*_test.go' -exec cp {} "$dst/$d/" \;
done
chmod -R u+w "$dst"
cat > "$dst/go.mod" <<MOD
// A part of gvisor.dev/gvisor $GVISOR_VERSION: the packages nsemu uses,
// with third_party/gvisor-patches applied (third_party/update-gvisor.sh).
module gvisor.dev/gvisor

go 1.26.3

require (
	github.com/google/btree v1.1.2
	golang.org/x/sys v0.47.0
	golang.org/x/time v0.15.0
)
MOD
for p in "$here"/gvisor-patches/*.patch; do
  [ -e "$p" ] || continue
  echo "update-gvisor: applying $(basename "$p")"
  patch -s -p1 -d "$dst" < "$p"
done
echo "update-gvisor: $(echo "$all" | wc -l) packages in $dst"
