#!/usr/bin/env bash
# Installs a software Vulkan driver (Mesa 25's lavapipe from bookworm-backports) into .cache/vulkan/
# so that ONNX Runtime's WebGPU provider (Dawn over Vulkan) finds an adapter on a machine without a GPU.
# Debian 12's own Mesa 22.3 lavapipe is refused by Dawn (missing shaderSampledImageArrayDynamicIndexing).
#
# Nothing outside .cache/vulkan changes: apt runs with a private sources list, lists, cache and lock
# directories, reads the machine's dpkg status only to skip packages that are already installed, and the
# packages are unpacked with `dpkg-deb -x` (never installed). The ICD JSON gets an absolute
# `library_path`, and .cache/vulkan/env.sh exports VK_DRIVER_FILES and LD_LIBRARY_PATH for a process
# that should see the driver. Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/../.."
VK="${TESTTUNE_VULKAN_DIR:-$PWD/.cache/vulkan}"
ROOT="$VK/root"
APT="$VK/apt"
MESA_VERSION_PREFIX=25.
ARCH_TRIPLET=x86_64-linux-gnu
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
MIRROR="${TESTTUNE_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
ICD="$VK/lvp_icd.json"
t0=$(date +%s)

write_env() {
  # Mesa caches compiled shaders under XDG_CACHE_HOME by default; the sidecar tests point that at a fresh
  # temporary folder, and a cold cache costs ~100 s of LLVM compilation, so the cache lives here instead.
  cat > "$VK/env.sh" <<ENV
# Source this (or pass these to a child process) to let Vulkan and Dawn find lavapipe.
export VK_DRIVER_FILES="$ICD"
export VK_ICD_FILENAMES="$ICD"
export LD_LIBRARY_PATH="$ROOT/usr/lib/$ARCH_TRIPLET\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}"
export MESA_SHADER_CACHE_DIR="$VK/shader-cache"
ENV
}

if [ -f "$ICD" ] && [ -f "$(sed -n 's/.*"library_path": *"\([^"]*\)".*/\1/p' "$ICD")" ]; then
  write_env
  echo "install-vulkan-lavapipe: already in $VK"
  exit 0
fi

mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" "$APT/sources.list.d" "$ROOT"
cat > "$APT/sources.list" <<LIST
deb [signed-by=$KEYRING] $MIRROR bookworm main
deb [signed-by=$KEYRING] $MIRROR bookworm-backports main
LIST
opts=(
  -o "Dir::Etc::SourceList=$APT/sources.list"
  -o "Dir::Etc::SourceParts=$APT/sources.list.d"
  -o "Dir::State::Lists=$APT/lists"
  -o "Dir::Cache=$APT/cache"
  -o "Dir::State::status=/var/lib/dpkg/status"
  -o "Debug::NoLocking=1"
  -o "APT::Sandbox::User=root"
  -o "Acquire::Retries=2"
)
if ! apt-get "${opts[@]}" update -qq; then
  echo "install-vulkan-lavapipe: cannot reach $MIRROR bookworm-backports (apt-get update failed); WebGPU tests cannot run here" >&2
  exit 2
fi
# --download-only resolves the dependencies against the machine's dpkg status and fetches only what
# is missing (here: the Vulkan loader libvulkan1, and the newer libdrm and Mesa libraries Mesa 25 needs).
apt-get "${opts[@]}" install -y -qq --download-only --no-install-recommends -t bookworm-backports mesa-vulkan-drivers libvulkan1
shopt -s nullglob
debs=("$APT/cache/archives/"*.deb)
for deb in "${debs[@]}"; do dpkg-deb -x "$deb" "$ROOT"; done
echo "install-vulkan-lavapipe: unpacked ${#debs[@]} packages into $ROOT"

mesa=$(ls "$APT/cache/archives/" | grep -o "mesa-vulkan-drivers_[^_]*" | head -1 || true)
case "$mesa" in
  *"_$MESA_VERSION_PREFIX"*) ;;
  *) echo "install-vulkan-lavapipe: expected Mesa ${MESA_VERSION_PREFIX}x from bookworm-backports, got '${mesa:-nothing}'" >&2; exit 3 ;;
esac
LIB="$ROOT/usr/lib/$ARCH_TRIPLET/libvulkan_lvp.so"
[ -f "$LIB" ] || { echo "install-vulkan-lavapipe: $LIB missing after unpacking" >&2; exit 3; }
# The packaged ICD JSON names the library relative to the system's library path; point it at ours.
sed "s#\"library_path\": *\"[^\"]*\"#\"library_path\": \"$LIB\"#" "$(ls "$ROOT"/usr/share/vulkan/icd.d/lvp_icd*.json | head -1)" > "$ICD"
write_env
echo "install-vulkan-lavapipe: $mesa ready in $(( $(date +%s) - t0 )) s ($ICD)"
