# shellcheck shell=bash
# Tool pins and idempotent "ensure" functions used by scripts/setup.
# Each ensure_* checks the tool by VERSION and installs/upgrades only when wrong,
# printing one short line. Source after common.sh.

# --- pins --------------------------------------------------------------------
# wasm-bindgen CLI must equal the crate pin in Cargo.toml exactly (schema check).
WASM_BINDGEN_VERSION="$(sed -n 's/^wasm-bindgen *= *"=\([0-9.]*\)".*/\1/p' "$AR_ROOT/Cargo.toml" | head -n1)"
WASM_BINDGEN_VERSION="${WASM_BINDGEN_VERSION:-0.2.130}"
GECKODRIVER_VERSION="0.37.1"
CARGO_FUZZ_VERSION="0.13.2"
PG_MAJOR="15"
PG_BINDIR="/usr/lib/postgresql/$PG_MAJOR/bin"   # Debian's server binaries, not /usr/local/bin
NODE_MIN_MAJOR="20"
WASM_OPT_MIN="108"                              # Debian bookworm's binaryen

# shellcheck disable=SC2034  # used by scripts/setup
APT_RUN_PACKAGES=(build-essential pkg-config libssl-dev ca-certificates curl git binaryen)
# shellcheck disable=SC2034  # used by scripts/setup
APT_TEST_PACKAGES=(chromium chromium-driver firefox-esr postgresql shellcheck)

# Resumes as PDF (companion feature `tex`): the C libraries tectonic's engines build against,
# the Debian TeX Live and font files scripts/tex-bundle traces into the offline bundle, and
# poppler-utils (pdftotext, pdftoppm) for the tests and previews. Installed without
# recommends: TeX Live's recommends are hundreds of MB the bundle never reads.
# shellcheck disable=SC2034  # used by scripts/setup and scripts/tex-bundle
APT_TEX_PACKAGES=(libicu-dev libfontconfig1-dev libgraphite2-dev libpng-dev zlib1g-dev
  texlive-latex-base texlive-latex-recommended texlive-xetex texlive-fonts-recommended
  fonts-noto-core poppler-utils)

# --- apt ---------------------------------------------------------------------
AR_APT_UPDATED=0

apt_missing() { # PKG... -> prints the ones not installed, space separated
  local pkg status missing=()
  declare -A have=()
  while read -r pkg status; do
    [[ "$status" == "installed" ]] && have[$pkg]=1
  done < <(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "$@" 2>/dev/null || true)
  for pkg in "$@"; do
    [[ -n "${have[$pkg]:-}" ]] || missing+=("$pkg")
  done
  printf '%s\n' "${missing[*]}"
}

apt_install() { # PKG...: install (or upgrade) with one `apt-get update` per run at most
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found: this script supports Debian 12 only (need: $*)"
  local apt=(env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -y -q)
  if [[ "$AR_APT_UPDATED" -eq 0 ]]; then
    as_root "${apt[@]}" update >/dev/null
    AR_APT_UPDATED=1
  fi
  # shellcheck disable=SC2086  # the optional flags are words
  as_root "${apt[@]}" install ${AR_APT_INSTALL_FLAGS:-} "$@" >/dev/null
}

ensure_apt() { # PKG...
  local missing
  missing="$(apt_missing "$@")"
  if [[ -z "$missing" ]]; then
    ok "apt: $# packages present"
    return
  fi
  local est="about 15 s"
  [[ " $missing " == *" chromium "* ]] && est="about 1-2 min"
  step "installing apt packages: $missing ($est)…"
  # shellcheck disable=SC2086  # word splitting of the package list is intended
  apt_install $missing
  missing="$(apt_missing "$@")"
  [[ -z "$missing" ]] || die "apt packages still missing after install: $missing"
  ok "apt: $# packages present"
}

ensure_tex() {
  local missing
  missing="$(apt_missing "${APT_TEX_PACKAGES[@]}")"
  if [[ -z "$missing" ]]; then
    ok "tex: ${#APT_TEX_PACKAGES[@]} packages present"
    return
  fi
  step "installing TeX Live, fonts and build libraries: $missing (about 1-2 min)…"
  # shellcheck disable=SC2086  # word splitting of the package list is intended
  AR_APT_INSTALL_FLAGS=--no-install-recommends apt_install $missing
  missing="$(apt_missing "${APT_TEX_PACKAGES[@]}")"
  [[ -z "$missing" ]] || die "apt packages still missing after install: $missing"
  ok "tex: ${#APT_TEX_PACKAGES[@]} packages present"
}

# --- browsers, drivers, binaryen, postgres, node --------------------------------

# Browser versions come from dpkg, not `--version`: starting a browser binary just to
# print its version can take seconds when it is not in the page cache.
deb_version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null | sed 's/^[0-9]*://' || true; }

ensure_chromium() {
  local cv dv
  cv="$(deb_version chromium)"; dv="$(deb_version chromium-driver)"
  if [[ ! -x /usr/bin/chromium || ! -x /usr/bin/chromedriver || -z "$cv" || "${cv%%.*}" != "${dv%%.*}" ]]; then
    step "chromium ${cv:-none} / chromedriver ${dv:-none}: installing matching versions (about 1 min)…"
    apt_install chromium chromium-driver
    cv="$(deb_version chromium)"; dv="$(deb_version chromium-driver)"
    [[ -n "$cv" && "${cv%%.*}" == "${dv%%.*}" ]] || die "chromium ($cv) and chromedriver ($dv) majors still differ"
  fi
  ok "chromium ${cv%%-*} + chromedriver ${dv%%-*}"
}

# The unprivileged system user a companion running as root starts Chromium as: Chromium's
# sandbox does not start as root, and the companion never runs it without (the name is
# companion/src/browser/sandbox.rs's BROWSER_USER).
ensure_browser_user() {
  local user=autoresume-browser
  if ! getent passwd "$user" >/dev/null; then
    step "creating the system user $user (headless Chromium runs as it when the companion is root)…"
    as_root useradd --system --user-group --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin "$user"
  fi
  ok "system user $user"
}

ensure_firefox() {
  local v
  v="$(deb_version firefox-esr)"
  if [[ -z "$v" || ! -x /usr/bin/firefox-esr ]]; then
    step "installing firefox-esr (about 15 s)…"
    apt_install firefox-esr
    v="$(deb_version firefox-esr)"
    [[ -n "$v" && -x /usr/bin/firefox-esr ]] || die "firefox-esr missing after install"
  fi
  ok "firefox-esr ${v%%-*}"
}

ensure_wasm_opt() {
  local v
  v="$(wasm-opt --version 2>/dev/null | grep -oE '[0-9]+' | head -n1 || true)"
  if [[ -z "$v" || "$v" -lt "$WASM_OPT_MIN" ]]; then
    step "installing binaryen (wasm-opt ≥ $WASM_OPT_MIN, have ${v:-none})…"
    apt_install binaryen
    v="$(wasm-opt --version 2>/dev/null | grep -oE '[0-9]+' | head -n1 || true)"
    [[ -n "$v" && "$v" -ge "$WASM_OPT_MIN" ]] || die "wasm-opt ${v:-missing} < $WASM_OPT_MIN"
  fi
  ok "wasm-opt $v"
}

ensure_postgres() {
  local v
  v="$("$PG_BINDIR/postgres" --version 2>/dev/null | grep -oE '[0-9]+\.[0-9]+' | head -n1 || true)"
  if [[ "${v%%.*}" != "$PG_MAJOR" || ! -x "$PG_BINDIR/initdb" || ! -x "$PG_BINDIR/pg_ctl" ]]; then
    step "installing postgresql $PG_MAJOR (about 20 s)…"
    apt_install "postgresql-$PG_MAJOR"
    v="$("$PG_BINDIR/postgres" --version 2>/dev/null | grep -oE '[0-9]+\.[0-9]+' | head -n1 || true)"
    [[ "${v%%.*}" == "$PG_MAJOR" ]] || die "PostgreSQL $PG_MAJOR server not found in $PG_BINDIR"
  fi
  id -u postgres >/dev/null 2>&1 || die "system user 'postgres' missing (the postgresql package creates it)"
  ok "postgresql $v ($PG_BINDIR)"
}

ensure_shellcheck() {
  local v
  v="$(shellcheck --version 2>/dev/null | sed -n 's/^version: //p' || true)"
  if [[ -z "$v" ]]; then
    step "installing shellcheck…"
    apt_install shellcheck
    v="$(shellcheck --version 2>/dev/null | sed -n 's/^version: //p' || true)"
    [[ -n "$v" ]] || die "shellcheck does not run after install"
  fi
  ok "shellcheck $v"
}

ensure_node() {
  local v
  v="$(node --version 2>/dev/null | tr -d v || true)"
  if [[ -z "$v" ]]; then
    step "installing nodejs from Debian (about 20 s)…"
    apt_install nodejs
    v="$(node --version 2>/dev/null | tr -d v || true)"
    [[ -n "$v" ]] || die "node does not run after install"
  fi
  if [[ "${v%%.*}" -lt "$NODE_MIN_MAJOR" ]]; then
    warn "node $v is older than $NODE_MIN_MAJOR; the extension build and the e2e tests may not work"
  fi
  ok "node $v"
}

ensure_npm() {
  local v
  v="$(npm --version 2>/dev/null || true)"
  if [[ -z "$v" ]]; then
    step "installing npm from Debian (about 30 s)…"
    apt_install npm
    v="$(npm --version 2>/dev/null || true)"
    [[ -n "$v" ]] || die "npm does not run after install"
  fi
  ok "npm $v"
}

# npm deps for tests/: `npm ci` only when tests/package-lock.json changed
# (its sha256 is stamped into tests/node_modules/).
ensure_npm_deps() {
  local lock="$AR_ROOT/tests/package-lock.json"
  local stamp="$AR_ROOT/tests/node_modules/.autoresume-lock.sha256"
  if [[ ! -f "$lock" ]]; then
    ok "npm deps: no tests/package-lock.json yet (nothing to install)"
    return
  fi
  local hash
  hash="$(sha256sum "$lock" | cut -d' ' -f1)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$hash" ]]; then
    ok "npm deps (tests/, lock ${hash:0:12})"
    return
  fi
  step "npm ci in tests/ (about 10 s)…"
  (cd "$AR_ROOT/tests" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  printf '%s\n' "$hash" >"$stamp"
  ok "npm deps (tests/, lock ${hash:0:12})"
}

# --- Rust ----------------------------------------------------------------------
toolchain_field() { # KEY -> the values of KEY in rust-toolchain.toml, one per line
  sed -n "s/^$1 *= *//p" "$AR_ROOT/rust-toolchain.toml" | grep -oE '"[^"]+"' | tr -d '"'
}

ensure_rust() {
  local channel
  channel="$(toolchain_field channel | head -n1)"
  [[ -n "$channel" ]] || die "no channel in rust-toolchain.toml"
  if ! command -v rustup >/dev/null 2>&1; then
    command -v curl >/dev/null 2>&1 || die "rustup missing and curl not available"
    step "installing rustup (needs https://sh.rustup.rs)…"
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs \
      | sh -s -- -y --profile minimal --default-toolchain none >/dev/null \
      || die "rustup install failed (no internet?); install Rust $channel by hand"
    PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
  fi
  local comps=() targets=() c
  mapfile -t comps < <(toolchain_field components)
  mapfile -t targets < <(toolchain_field targets)
  if ! rustup toolchain list 2>/dev/null | grep -q "^$channel-"; then
    step "installing Rust $channel (about 1 min)…"
    local args=()
    for c in "${comps[@]}"; do args+=(-c "$c"); done
    for c in "${targets[@]}"; do args+=(-t "$c"); done
    rustup toolchain install "$channel" --profile minimal "${args[@]}" >/dev/null
  fi
  local installed
  installed="$(rustup component list --installed --toolchain "$channel" 2>/dev/null)"
  for c in "${comps[@]}"; do
    grep -q "^$c\(-preview\)\?-" <<<"$installed" || { step "rustup component add $c…"; rustup component add --toolchain "$channel" "$c" >/dev/null; }
  done
  for c in "${targets[@]}"; do
    grep -q "^rust-std-$c\$" <<<"$installed" || { step "rustup target add $c…"; rustup target add --toolchain "$channel" "$c" >/dev/null; }
  done
  local v
  v="$(cd "$AR_ROOT" && rustc --version 2>/dev/null | cut -d' ' -f2)"
  [[ "$v" == "$channel" ]] || die "rustc in the repo is '$v', expected $channel (rust-toolchain.toml)"
  ok "rust $v (+${comps[*]}, ${targets[*]})"
}

# cargo_install_version BIN CRATE VERSION EST: install CRATE =VERSION unless
# `BIN --version` already reports exactly VERSION.
cargo_install_version() {
  local bin="$1" crate="$2" want="$3" est="$4" have
  have="$("$bin" --version 2>/dev/null | head -n1 | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -n1 || true)"
  if [[ "$have" != "$want" ]]; then
    step "installing $crate $want (have ${have:-none}; about $est)…"
    # No --locked: the registry mirror lacks some locked versions (webpki-roots).
    (cd "$AR_ROOT" && env -u CARGO_TARGET_DIR cargo install --quiet --force "$crate" --version "=$want")
    hash -r
    have="$("$bin" --version 2>/dev/null | head -n1 | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -n1 || true)"
    [[ "$have" == "$want" ]] || die "$bin reports '${have:-nothing}' after installing $crate $want (check PATH order)"
  fi
  ok "$bin $have"
}

ensure_wasm_bindgen() { cargo_install_version wasm-bindgen wasm-bindgen-cli "$WASM_BINDGEN_VERSION" "2 min"; }
ensure_geckodriver()  { cargo_install_version geckodriver geckodriver "$GECKODRIVER_VERSION" "90 s"; }
ensure_cargo_fuzz()   { cargo_install_version cargo-fuzz cargo-fuzz "$CARGO_FUZZ_VERSION" "1 min"; }

nextest_version() {
  (cd "$AR_ROOT" || exit 0; cargo nextest --version 2>/dev/null | head -n1 | cut -d' ' -f2) || true
}

ensure_nextest() {
  local v
  v="$(nextest_version)"
  if [[ -z "$v" ]]; then
    step "installing cargo-nextest (about 3 min)…"
    (cd "$AR_ROOT" && { env -u CARGO_TARGET_DIR cargo install --quiet --locked cargo-nextest \
      || env -u CARGO_TARGET_DIR cargo install --quiet cargo-nextest; })
    hash -r
    v="$(nextest_version)"
    [[ -n "$v" ]] || die "cargo nextest does not run after install"
  fi
  ok "cargo-nextest $v"
}
