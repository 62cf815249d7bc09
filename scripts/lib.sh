# Shared set-up logic for scripts/run and scripts/test. Source it; do not run it.
#
# Every `ensure_*` function checks what is installed and at which version, and installs only
# what is missing or wrong. Nothing here downloads a prebuilt binary or a browser: tools come
# from crates.io, npm and Debian only, so this works on a machine that reaches nothing else.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"

readonly TRUNK_VERSION="0.21.14"
readonly BINARYEN_VERSION="132"

step() { printf '\n==> %s\n' "$*"; }
fail() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Runs a named install step and reports how long it took, so slow steps are visible in CI logs.
timed() {
  local name="$1"; shift
  local start=$SECONDS
  "$@"
  printf '    (%s: %ds)\n' "$name" "$((SECONDS - start))"
}

# The wasm-bindgen version the web app links against; the CLI must match it exactly.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}

ensure_wasm_target() {
  if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    echo "wasm32-unknown-unknown target: present"
  else
    timed "rustup target add" rustup target add wasm32-unknown-unknown
  fi
}

ensure_trunk() {
  if [ "$(trunk --version 2>/dev/null)" = "trunk $TRUNK_VERSION" ]; then
    echo "trunk $TRUNK_VERSION: present"
  else
    # 0.22 needs a newer Rust than the fixed 1.95; --locked keeps its tested dependency set.
    timed "cargo install trunk" cargo install trunk --version "$TRUNK_VERSION" --locked
  fi
}

ensure_wasm_bindgen_cli() {
  local want; want="$(wasm_bindgen_version)"
  [ -n "$want" ] || fail "no wasm-bindgen in Cargo.lock; run 'cargo generate-lockfile' first"
  if [ "$(wasm-bindgen --version 2>/dev/null)" = "wasm-bindgen $want" ]; then
    echo "wasm-bindgen-cli $want: present"
  else
    # Without --locked: its lock file pins a webpki-roots version that is no longer published.
    timed "cargo install wasm-bindgen-cli" cargo install wasm-bindgen-cli --version "$want" --force
  fi
}

# npm packages (binaryen's wasm-opt, esbuild, playwright-core, axe-core), pinned by package-lock.json.
# A stamp of the lock file's hash tells whether node_modules already matches it.
ensure_node_packages() {
  local stamp="$ROOT/node_modules/.yiye-lock-sha256"
  local want; want="$(sha256sum "$ROOT/package-lock.json" | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] \
      && wasm-opt --version 2>/dev/null | grep -q "version $BINARYEN_VERSION"; then
    echo "npm packages: present"
  else
    (cd "$ROOT" && timed "npm ci" npm ci --no-audit --no-fund --loglevel=error)
    echo "$want" > "$stamp"
  fi
}

# Debian's Chromium and ChromeDriver (test tools must never download a browser of their own),
# a CJK font so screenshots and rendering checks show Chinese text, and zbar's zbarimg, the
# independent QR decoder tests read screenshots with.
ensure_browser_tools() {
  if command -v chromium >/dev/null && command -v chromedriver >/dev/null \
      && command -v zbarimg >/dev/null && fc-list :lang=zh | grep -q . \
      && [ "$(chromium --version | awk '{print $2}')" = "$(chromedriver --version | awk '{print $2}')" ]; then
    echo "chromium $(chromium --version | awk '{print $2}'): present"
  else
    timed "apt-get install chromium, fonts, zbar" bash -c \
      'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-noto-cjk zbar-tools >/dev/null'
  fi
}

# Debian's PostgreSQL server, for the ledger's PostgreSQL tests.
ensure_postgres() {
  if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    echo "postgresql $(ls /usr/lib/postgresql | sort -V | tail -1): present"
  else
    timed "apt-get install postgresql" bash -c \
      'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null'
  fi
}

# Debian's nginx, for the test that runs server/deploy/nginx.conf in front of two instances.
ensure_nginx() {
  if command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; then
    echo "nginx: present"
  else
    timed "apt-get install nginx" bash -c \
      'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null'
  fi
}

# A private, throwaway PostgreSQL cluster for the tests: initdb in a temporary directory as the
# postgres user, a free loopback port, trust authentication for the `yiye` superuser. Exports
# YIYE_TEST_POSTGRES_URL (each test makes a database of its own there); stopped and removed
# by stop_test_postgres, which the caller traps on EXIT.
start_test_postgres() {
  local bin; bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  PG_TEST_DIR="$(mktemp -d /tmp/yiye-pg.XXXXXX)"
  chown postgres: "$PG_TEST_DIR"
  local port; port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  runuser -u postgres -- "$bin/initdb" -D "$PG_TEST_DIR/data" -A trust -U yiye >/dev/null
  runuser -u postgres -- "$bin/pg_ctl" -D "$PG_TEST_DIR/data" -l "$PG_TEST_DIR/log" -w \
    -o "-k $PG_TEST_DIR -p $port -c listen_addresses=127.0.0.1 -c max_connections=300" start >/dev/null
  PG_TEST_BIN="$bin"
  export YIYE_TEST_POSTGRES_URL="postgres://yiye@127.0.0.1:$port/postgres"
  echo "postgresql test cluster on 127.0.0.1:$port"
}

stop_test_postgres() {
  if [ -n "${PG_TEST_DIR:-}" ] && [ -d "$PG_TEST_DIR" ]; then
    runuser -u postgres -- "$PG_TEST_BIN/pg_ctl" -D "$PG_TEST_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$PG_TEST_DIR"
  fi
}

# Python packages for tests that use a third-party implementation (pycose) to check our
# credential format. A private venv keeps the system Python untouched.
ensure_python_test_packages() {
  local venv="$ROOT/.tools/venv"
  local requirements="$ROOT/tests/requirements.txt"
  local stamp="$venv/.yiye-requirements-sha256"
  local want; want="$(sha256sum "$requirements" | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    echo "python test packages: present"
  else
    [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
    timed "pip install" "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
    echo "$want" > "$stamp"
  fi
  export YIYE_PYTHON="$venv/bin/python"
}

ensure_build_tools() {
  step "Checking build tools"
  ensure_wasm_target
  ensure_node_packages
  ensure_wasm_bindgen_cli
  ensure_trunk
}

# Builds the applicant app into dist/, the inspector into dist/inspect/ and the back office
# into dist/office/ (each its own bundle) with the pinned tools, offline (see Trunk.toml,
# Trunk.inspector.toml, Trunk.office.toml), then the service worker that precaches exactly
# the files the applicant app and the inspector need (not the office's: staff work online).
# The root of trust the inspector pins at build time (its public keys, hex, comma-separated, in
# YIYE_TRUST_ROOTS). A deployment sets YIYE_TRUST_ROOTS to its province's root keys and gives the
# server the trust list signed with them (YIYE_TRUST_LIST). Otherwise a development root key is
# made once in YIYE_TRUST_ROOT_KEY (default data/trust-root), pinned, and handed to the server,
# which then signs a trust list of itself with it.
ensure_trust_root() {
  if [ -n "${YIYE_TRUST_ROOTS:-}" ]; then return; fi
  if [ -n "${YIYE_TRUST_LIST:-}" ]; then
    fail "YIYE_TRUST_LIST is set but YIYE_TRUST_ROOTS is not: pin the root keys that signed the list"
  fi
  local dir="${YIYE_TRUST_ROOT_KEY:-$ROOT/data/trust-root}"
  local signer="${CARGO_TARGET_DIR:-$ROOT/target}/debug/signer"
  (cd "$ROOT" && cargo build --locked -q -p signer --bin signer)
  if [ ! -f "$dir/signing-key.json" ]; then
    step "Making a development root key in $dir (pinned into the inspector)"
    "$signer" keygen --out "$dir" --issuer root --issuer-name "开发用信任根 (development root)"
  fi
  YIYE_TRUST_ROOT_KEY="$(cd "$dir" && pwd)"
  YIYE_TRUST_ROOTS="$("$signer" public-key --keys "$dir")"
  export YIYE_TRUST_ROOT_KEY YIYE_TRUST_ROOTS
}

build_web() {
  ensure_trust_root
  step "Building the web apps into dist/"
  # Panic locations carry source paths into the wasm: the registry's and the toolchain's
  # long prefixes go (about 0.2 KB gzip of the applicant's first load, which is at its budget).
  local registry toolchain
  registry="$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/ 2>/dev/null | head -1)"
  toolchain="/rustc/$(rustc -vV | sed -n 's/^commit-hash: //p')/"
  (cd "$ROOT" && export RUSTFLAGS="--remap-path-prefix=$registry= --remap-path-prefix=$toolchain=" \
    && trunk build --config Trunk.toml && trunk build --config Trunk.inspector.toml \
    && trunk build --config Trunk.office.toml)
  node "$ROOT/scripts/service-worker.mjs" "$ROOT/dist"
}

build_server() {
  step "Building the server"
  (cd "$ROOT" && cargo build --release -p server --bin server)
}
