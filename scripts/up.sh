#!/usr/bin/env bash
# README, first command: install everything, load the demo province and serve the web app.
#   ./scripts/up.sh            -> http://127.0.0.1:8000/   (DANGVU_BIND=0.0.0.0:8000 to change)
# Data lives in ./var (SQLite) unless DATABASE_URL says otherwise. DANGVU_DEMO=0 keeps existing data.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

started=$SECONDS
ensure_install
export PATH="$VENV/bin:$PATH"

log "Cập nhật cấu trúc cơ sở dữ liệu (migrate)"
dangvu migrate --noinput -v0
if [ "${DANGVU_DEMO:-1}" != "0" ]; then
    log "Nạp dữ liệu mẫu (dangvu demo)"
    dangvu demo
fi
log "Thu thập tệp tĩnh (collectstatic)"
dangvu collectstatic --noinput -v0

bind="${DANGVU_BIND:-127.0.0.1:8000}"
log "Sẵn sàng sau $((SECONDS - started)) giây. Mở http://${bind}/ — Ctrl+C để dừng."
export DANGVU_BIND="$bind"
exec dangvu serve
