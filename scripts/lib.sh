# Shared helpers for the project's scripts. Source it; do not run it.
#
# Go tools are built from the module proxy at pinned versions into .cache/bin
# (ignored by git), so a fresh machine needs nothing installed by hand.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOOLS="$ROOT/.cache/bin"
export PATH="$TOOLS:$PATH"

# Pinned tool versions.
STATICCHECK_VERSION=v0.8.2
TFLINT_VERSION=v0.64.0
# v2.30.0 does not build here: some of its dependencies are missing from the
# module proxy.
GOSEC_VERSION=v2.29.0
# The oldest Go the module supports (its go directive); scripts/test compiles
# everything with it, fetched from the module proxy as a toolchain module.
MIN_GO_TOOLCHAIN=go1.24.13

# go_tool NAME PACKAGE VERSION: build PACKAGE@VERSION into .cache/bin unless
# that version is already there.
go_tool() {
	local name=$1 pkg=$2 version=$3 stamp="$TOOLS/.$1.version"
	if [[ -x "$TOOLS/$name" && "$(cat "$stamp" 2>/dev/null)" == "$version" ]]; then
		return
	fi
	echo "--- building $name $version into .cache/bin"
	mkdir -p "$TOOLS"
	# "|| return": callers may run with set +e (scripts/test's fetch), and a
	# failed build must neither stamp the version nor report success.
	GOBIN="$TOOLS" GOFLAGS=-mod=mod go install "$pkg@$version" || return
	echo "$version" >"$stamp"
}

# step TITLE CMD...: run CMD with a header and its duration.
step() {
	local title=$1 start=$SECONDS
	shift
	echo "=== $title"
	"$@"
	echo "--- $title: ok ($((SECONDS - start))s)"
}
