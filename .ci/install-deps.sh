#!/usr/bin/env bash
# Installs what deckreel needs to build, test and run on Debian 12 (bookworm),
# from Debian's archive only: Chromium (the headless shell for the fast
# beginFrame path, full Chromium for the screenshot fallback), ffmpeg, the
# fonts pages expect, CA certificates, tini, the voices of --narrate
# (festival with its HTS voice for English, espeak-ng for other languages;
# a render without --narrate runs without them), poppler (PDF decks: pages
# to SVG, outline and text) and LibreOffice Impress (PowerPoint and ODP
# decks, converted to PDF; optional at run time, deckreel says when it is
# missing). Then, unless --runtime-only,
# it checks that Go is new enough to build the module.
#
# Idempotent and quick when nothing is missing: it asks dpkg what is
# installed, and runs apt-get update and apt-get install only for packages
# that are missing. Runs as root (as in the Dockerfile) or through sudo.
#
# Usage: .ci/install-deps.sh [--runtime-only]
#   --runtime-only  skip the Go check (for the Docker runtime image)
set -euo pipefail

packages=(
	chromium-headless-shell
	chromium
	ffmpeg
	fonts-dejavu-core
	fonts-noto-core
	fonts-noto-cjk
	fonts-noto-color-emoji
	ca-certificates
	tini
	festival
	festvox-us-slt-hts
	espeak-ng
	poppler-utils
	libreoffice-impress
)
# The programs deckreel runs, checked after installing.
binaries=(chromium-headless-shell chromium ffmpeg ffprobe tini text2wave espeak-ng pdftocairo pdfinfo pdftotext soffice)

say() { printf 'install-deps: %s\n' "$*"; }
die() {
	printf 'install-deps: error: %s\n' "$*" >&2
	exit 1
}

runtime_only=false
for arg in "$@"; do
	case $arg in
	--runtime-only) runtime_only=true ;;
	-h | --help)
		sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
		exit 0
		;;
	*)
		printf 'install-deps: unknown argument %q (see --help)\n' "$arg" >&2
		exit 2
		;;
	esac
done

# --- Debian packages -------------------------------------------------------

installed() {
	[[ $(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null) == installed ]]
}

if command -v dpkg-query >/dev/null 2>&1; then
	missing=()
	for p in "${packages[@]}"; do
		installed "$p" || missing+=("$p")
	done
	if ((${#missing[@]} == 0)); then
		say "all ${#packages[@]} packages present"
	else
		command -v apt-get >/dev/null 2>&1 || die "missing packages (${missing[*]}) and no apt-get to install them"
		sudo=()
		if ((EUID != 0)); then
			command -v sudo >/dev/null 2>&1 || die "missing packages (${missing[*]}): run this script as root"
			sudo=(sudo)
		fi
		say "installing ${missing[*]}"
		export DEBIAN_FRONTEND=noninteractive
		"${sudo[@]}" apt-get update -q
		"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
	fi
else
	# Not Debian: nothing to install with, but a machine that already has the
	# programs can still build and render.
	say "no dpkg here: only Debian 12 is set up automatically; checking PATH"
fi

absent=()
for b in "${binaries[@]}"; do
	command -v "$b" >/dev/null 2>&1 || absent+=("$b")
done
((${#absent[@]} == 0)) || die "not found on PATH: ${absent[*]}"

# --- Go ----------------------------------------------------------------------

if [[ $runtime_only == true ]]; then
	exit 0
fi

# The minimum is the major.minor of go.mod's go directive: a go command of
# that release fetches a newer patch toolchain itself if go.mod asks for one.
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
want=1.26
if [[ -f $repo_root/go.mod ]]; then
	v=$(sed -n 's/^go \([0-9][0-9]*\.[0-9][0-9]*\).*/\1/p' "$repo_root/go.mod" | head -n 1)
	[[ -n $v ]] && want=$v
fi
need_go="Go $want or newer is needed to build deckreel. Debian 12's golang package is too old, and this script installs only from Debian's archive: install Go $want+ under /usr/local/go (the official tarball) and run it again."

# at_least HAVE WANT: HAVE >= WANT, comparing version numbers field by field.
at_least() {
	[[ $(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n 1) == "$2" ]]
}

go_bin=
if command -v go >/dev/null 2>&1; then
	go_bin=$(command -v go)
elif [[ -x /usr/local/go/bin/go ]]; then
	go_bin=/usr/local/go/bin/go
	say "Go is at /usr/local/go but not on PATH: add it with"
	say "  export PATH=/usr/local/go/bin:\$PATH"
	say "(the Makefile and .ci/run add it themselves)"
else
	die "$need_go"
fi

have=$("$go_bin" env GOVERSION 2>/dev/null || true)
have=${have#go}
have=${have%%[!0-9.]*} # go1.27rc1 -> 1.27
[[ -n $have ]] || die "cannot tell the version of $go_bin. $need_go"
at_least "$have" "$want" || die "$go_bin is Go $have. $need_go"
say "Go $have at $go_bin"
