# shellcheck shell=bash
# Shared helpers for the project's scripts. Source it; do not run it.
#
# The scripts need bash 4.4 or later and the GNU tools (coreutils, findutils,
# grep, sed, xargs), as on any Linux; on macOS, install bash and those with
# Homebrew and put them first on PATH. Go tools are built from the module
# proxy at pinned versions into .cache/bin (ignored by git), so a fresh
# machine needs nothing installed by hand but Go and what scripts/test names.

if ((BASH_VERSINFO[0] < 4 || (BASH_VERSINFO[0] == 4 && BASH_VERSINFO[1] < 4))); then
	echo "${0##*/}: bash 4.4 or later is needed (this is $BASH_VERSION)" >&2
	exit 1
fi

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOOLS="$ROOT/.cache/bin"
export PATH="$TOOLS:$PATH"

# Pinned tool versions, used by the scripts that source this file.
# shellcheck disable=SC2034
{
	STATICCHECK_VERSION=v0.8.2
	TFLINT_VERSION=v0.64.0
	GOSEC_VERSION=v2.29.0
	# The Debian package of ShellCheck that shellcheck_tool installs.
	SHELLCHECK_VERSION=0.9.0
	SHELLCHECK_DEB_VERSION=0.9.0-1
	# The oldest Go the module supports (its go directive); scripts/test
	# compiles everything with it, fetched from the module proxy as a
	# toolchain module.
	MIN_GO_TOOLCHAIN=go1.24.13
}

# The Terraform provider mirror the Terraform checks install from (see
# examples/terraform/offline.tfrc, which names this default).
export TF_PLUGIN_MIRROR=${TF_PLUGIN_MIRROR:-/opt/tf-plugins}

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

# Prints the version of the shellcheck on PATH, or nothing.
# Succeeds either way, so that callers under set -e can assign it.
shellcheck_version() {
	if command -v shellcheck >/dev/null; then
		shellcheck --version | sed -n 's/^version: //p'
	fi
}

# Makes sure ShellCheck SHELLCHECK_VERSION is on PATH, installing the
# pinned Debian package with apt-get (as root, or through sudo) if it is not.
shellcheck_tool() {
	local have
	have=$(shellcheck_version)
	[[ "$have" == "$SHELLCHECK_VERSION" ]] && return
	local sudo=()
	if [[ $EUID -ne 0 ]]; then
		sudo=(sudo -n)
	fi
	if ! command -v apt-get >/dev/null || { [[ $EUID -ne 0 ]] && ! sudo -n true 2>/dev/null; }; then
		echo "shellcheck $SHELLCHECK_VERSION is needed (found: ${have:-none}); install it, e.g. apt-get install shellcheck=$SHELLCHECK_DEB_VERSION" >&2
		return 1
	fi
	echo "--- installing shellcheck $SHELLCHECK_DEB_VERSION (found: ${have:-none})"
	local install=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends --allow-downgrades "shellcheck=$SHELLCHECK_DEB_VERSION")
	# The package lists may be missing or older than the pinned version.
	"${install[@]}" >/dev/null || { "${sudo[@]}" apt-get update -q >/dev/null && "${install[@]}" >/dev/null; } || {
		echo "apt-get could not install shellcheck=$SHELLCHECK_DEB_VERSION (Debian 12's version); install shellcheck $SHELLCHECK_VERSION another way" >&2
		return 1
	}
	have=$(shellcheck_version)
	if [[ "$have" != "$SHELLCHECK_VERSION" ]]; then
		echo "shellcheck is $have after the install, want $SHELLCHECK_VERSION" >&2
		return 1
	fi
}

# Prints the module's bash scripts tracked by git (or new and not
# ignored), one per line.
shell_scripts() {
	local f
	git -C "$ROOT" ls-files --cached --others --exclude-standard -- scripts .ci | while read -r f; do
		if [[ $f == *.sh ]] || head -n 1 "$ROOT/$f" | grep -q '^#!.*bash'; then
			echo "$f"
		fi
	done
}

# step TITLE CMD...: run CMD with a header and its duration.
step() {
	local title=$1 start=$SECONDS
	shift
	echo "=== $title"
	"$@"
	echo "--- $title: ok ($((SECONDS - start))s)"
}
