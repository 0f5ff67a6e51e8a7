# shellcheck shell=bash
# Shared steps of scripts/up.sh and scripts/test.sh: Debian packages, the virtualenv, the install.
# Sourced, not run. Idempotent and fast when everything is already there.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PYTHON="${PYTHON:-python3}"
_APT_UPDATED=""

log() { printf '\033[1;34m==>\033[0m \033[1m%s\033[0m\n' "$*" >&2; }
warn() { printf '\033[1;33m!!  %s\033[0m\n' "$*" >&2; }
die() { printf '\033[1;31mLỖI: %s\033[0m\n' "$*" >&2; exit 1; }

# Run a command as root: directly when we are root, else through sudo.
as_root() {
    if [ "$(id -u)" = 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        warn "Cần quyền root (hoặc sudo) để chạy: $*"
        return 1
    fi
}

# Install the Debian packages among the arguments that are not installed yet.
apt_install() {
    local missing=() pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if ! command -v apt-get >/dev/null 2>&1; then
        warn "Không có apt-get: hãy tự cài ${missing[*]}"
        return 1
    fi
    log "Cài gói Debian: ${missing[*]}"
    if [ -z "$_APT_UPDATED" ]; then
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq || return 1
        _APT_UPDATED=1
    fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# Debian packages, .venv, and `pip install -e ".[dev]"` (skipped when pyproject.toml is unchanged).
ensure_install() {
    command -v "$PYTHON" >/dev/null 2>&1 || apt_install python3 || die "Không tìm thấy $PYTHON"
    "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || die "Cần Python ≥ 3.11 ($PYTHON)."
    # PyICU (Vietnamese collation) is built from source against the system ICU.
    local packages=(libicu-dev pkg-config)
    command -v g++ >/dev/null 2>&1 || packages+=(g++)
    "$PYTHON" -c 'import sysconfig, os, sys; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' \
        || packages+=(python3-dev)
    if [ ! -x "$VENV/bin/python" ]; then
        "$PYTHON" -c 'import venv, ensurepip' 2>/dev/null || packages+=(python3-venv)
    fi
    if command -v dpkg-query >/dev/null 2>&1; then
        apt_install "${packages[@]}" || die "Không cài được gói Debian cần thiết."
    fi
    if [ ! -x "$VENV/bin/python" ]; then
        log "Tạo môi trường ảo .venv"
        "$PYTHON" -m venv "$VENV" || die "Không tạo được .venv"
    fi
    local stamp="$VENV/.dangvu-install" want
    want="$(sha256sum <"$ROOT/pyproject.toml" | cut -d' ' -f1) $("$VENV/bin/python" -V 2>&1)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$VENV/bin/dangvu" ]; then
        return 0
    fi
    log "Cài đặt dangvu và các thư viện vào .venv (lần đầu mất vài phút: PyICU được biên dịch)"
    "$VENV/bin/python" -m pip install --disable-pip-version-check -q -e "$ROOT[dev]" || die "pip install thất bại."
    printf '%s' "$want" >"$stamp"
}

# Debian's Chromium for the browser tests (never a browser downloaded by Playwright).
ensure_chromium() {
    [ -x /usr/bin/chromium ] && return 0
    apt_install chromium || warn "Không cài được chromium: các kiểm thử trình duyệt sẽ bị bỏ qua."
}

# Debian's LibreOffice Writer (headless), poppler-utils and the Liberation fonts (metric twins of Times
# New Roman, with the Vietnamese letters) for the test that converts the Word report to PDF.
ensure_libreoffice() {
    apt_install libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils fonts-liberation2 \
        || warn "Không cài được LibreOffice: kiểm thử chuyển báo cáo Word sang PDF và tệp .xls mẫu sẽ bị bỏ qua."
}
