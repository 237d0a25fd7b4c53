# shellcheck shell=bash
# Shared helpers for scripts/*: repo root, logging, privilege, build dirs.
# Source it; do not execute it.

# The repository root, from this file's location (scripts/lib/common.sh).
AR_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export AR_ROOT

# --- logging ---------------------------------------------------------------
if [[ -t 1 && -z "${NO_COLOR:-}" ]]; then
  AR_C_OK=$'\e[32m' AR_C_WARN=$'\e[33m' AR_C_ERR=$'\e[31m' AR_C_DIM=$'\e[2m' AR_C_OFF=$'\e[0m'
else
  AR_C_OK='' AR_C_WARN='' AR_C_ERR='' AR_C_DIM='' AR_C_OFF=''
fi

ok()   { printf '%s✓%s %s\n' "$AR_C_OK" "$AR_C_OFF" "$*"; }
step() { printf '%s→%s %s\n' "$AR_C_DIM" "$AR_C_OFF" "$*"; }
warn() { printf '%s!%s %s\n' "$AR_C_WARN" "$AR_C_OFF" "$*" >&2; }
die()  { printf '%s✗%s %s\n' "$AR_C_ERR" "$AR_C_OFF" "$*" >&2; exit 1; }

# --- privilege -------------------------------------------------------------
# as_root CMD...: run CMD as root (directly when we are root, else through sudo).
as_root() {
  if [[ "$(id -u)" -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "need root for: $* (run as root or install sudo)"
  fi
}

# --- PATH ------------------------------------------------------------------
# cargo-installed tools (wasm-bindgen, geckodriver) live in $CARGO_HOME/bin.
ar_cargo_bin="${CARGO_HOME:-$HOME/.cargo}/bin"
case ":$PATH:" in
  *":$ar_cargo_bin:"*) ;;
  *) PATH="$ar_cargo_bin:$PATH" ;;
esac
export PATH
unset ar_cargo_bin

# --- build settings --------------------------------------------------------
# Persistent target dir on CI (fresh clone every run, same machine): reuse builds.
# Locally (or when CARGO_TARGET_DIR is already set) cargo's default applies.
if [[ -z "${CARGO_TARGET_DIR:-}" && "${CI:-}" == "true" ]]; then
  export CARGO_TARGET_DIR="$HOME/.cache/autoresume/target"
  # Every CI run is a fresh clone: incremental caches only grow (17 GB after ten runs).
  export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
fi
# sqlx macros read the committed .sqlx/ data, never a live database.
export SQLX_OFFLINE=true

# ar_target_dir: absolute path of cargo's target dir.
ar_target_dir() {
  local dir="${CARGO_TARGET_DIR:-target}"
  [[ "$dir" == /* ]] || dir="$AR_ROOT/$dir"
  printf '%s\n' "$dir"
}

# ar_now_us: wall clock in microseconds (bash 5 EPOCHREALTIME).
ar_now_us() { local t="${EPOCHREALTIME/[.,]/}"; printf '%s\n' "$t"; }

# ar_fmt_secs MICROSECONDS: "12.3"
ar_fmt_secs() {
  local us="$1"
  printf '%d.%d\n' "$((us / 1000000))" "$(((us % 1000000) / 100000))"
}
