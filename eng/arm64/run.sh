#!/usr/bin/env bash
# Runs the published linux-arm64 edgeagent under user-mode QEMU on an x86-64 Debian host, from the repository root:
#
#   eng/arm64/run.sh models verify
#   eng/arm64/run.sh infer --model blazeface --input artifacts/demo/inputs/astronaut.png
#   eng/arm64/run.sh --install-only      # only install what it needs and check the mount namespace, then exit
#
# Publish it first: ./build.sh --target=PublishArm64 (the Test and Arm64 targets do). The exit code is the agent's;
# 125 means this script could not start it (or, with --install-only, that this machine cannot run it), with the reason
# on stderr. The script execs the agent, so its process is the agent's: SIGTERM to it is SIGTERM to the agent.
#
# How it runs:
# - qemu-aarch64-static (Debian qemu-user-static) runs the ARM64 apphost directly; no binfmt registration is needed.
#   Its -L / makes the host root the ARM64 sysroot: Debian multiarch puts the ARM64 loader at
#   /lib/ld-linux-aarch64.so.1 and the ARM64 libraries under /usr/lib/aarch64-linux-gnu.
# - ONNX Runtime detects CPU features from /proc/cpuinfo and fails on the host's x86 one, so a Cortex-A76 cpuinfo
#   is bind-mounted over it inside a private mount namespace (unshare -m): nothing outside this process tree sees it.
#   That is why root is required.
# - DOTNET_EnableWriteXorExecute=0: the runtime's W^X double mapping of JIT code is not workable under QEMU.
#
# ARM64 libraries needed (Debian's arm64 architecture): libc6, libstdc++6 (pulls libgcc-s1) and libssl3 (the runtime
# loads OpenSSL for SHA-256 of the models). ICU is not needed (the agent runs with InvariantGlobalization), nor zlib
# (.NET's compression library carries its own), nor fontconfig (SkiaSharp's native library is the no-dependencies one).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
agent="$repo/artifacts/publish/linux-arm64/edgeagent/edgeagent"
arm64_packages=(libc6:arm64 libstdc++6:arm64 libssl3:arm64)

die() {
    echo "eng/arm64/run.sh: $*" >&2
    exit 125
}

invocation="eng/arm64/run.sh $*"
install_only=false
if [[ "${1:-}" == --install-only ]]; then
    install_only=true
    shift
    [[ $# -eq 0 ]] || die "--install-only takes no agent command"
elif [[ $# -eq 0 ]]; then
    die "usage: eng/arm64/run.sh <edgeagent command and arguments> (e.g. models verify), or eng/arm64/run.sh --install-only"
fi

if [[ "$(id -u)" != 0 ]]; then
    die "needs root: it bind-mounts an ARM64 /proc/cpuinfo in a private mount namespace (unshare -m) and installs Debian packages when missing. Run it as root (sudo $invocation)."
fi

if ! namespace_error="$(unshare --mount --propagation private -- true 2>&1)"; then
    die "unshare --mount was refused (${namespace_error:-no message}): this machine does not allow a private mount namespace, which the ARM64 /proc/cpuinfo needs. In a container, run it with CAP_SYS_ADMIN (e.g. docker run --privileged)."
fi

if [[ "$install_only" == false && ! -x "$agent" ]]; then
    die "$agent is missing; publish it first: ./build.sh --target=PublishArm64"
fi

# ---------------------------------------------------------------------------------------------------------
# Debian packages: qemu-user-static, and the ARM64 libraries through the arm64 foreign architecture.
# ---------------------------------------------------------------------------------------------------------

installed() {
    [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == "install ok installed" ]]
}

command -v dpkg-query >/dev/null || die "this script installs what it needs with apt on Debian or Ubuntu only."

missing=()
installed qemu-user-static || missing+=(qemu-user-static)
for package in "${arm64_packages[@]}"; do
    installed "$package" || missing+=("$package")
done

if [[ ${#missing[@]} -gt 0 ]]; then
    for package in "${missing[@]}"; do
        case "$package" in
            qemu-user-static) why="runs the ARM64 executable on this $(uname -m) host" ;;
            libc6:arm64) why="the ARM64 C library and loader /lib/ld-linux-aarch64.so.1" ;;
            libstdc++6:arm64) why="the ARM64 C++ runtime (and libgcc_s) of the .NET host, CoreCLR and ONNX Runtime" ;;
            libssl3:arm64) why="the ARM64 OpenSSL that .NET uses for the models' SHA-256" ;;
            *) why="" ;;
        esac
        echo "eng/arm64/run.sh: installing $package ($why) with apt-get" >&2
    done

    if ! dpkg --print-foreign-architectures | grep -qx arm64; then
        echo "eng/arm64/run.sh: adding Debian's arm64 architecture (dpkg --add-architecture arm64) for the ARM64 libraries" >&2
        dpkg --add-architecture arm64
    fi

    # Progress goes to stderr so that the agent's output stays alone on stdout.
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >&2 || die "apt-get update failed; run by hand: dpkg --add-architecture arm64 && apt-get update"
    apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 \
        || die "apt-get install failed; run by hand: apt-get install -y --no-install-recommends ${missing[*]}"
fi

if [[ "$install_only" == true ]]; then
    echo "eng/arm64/run.sh: ready: qemu-user-static and the ARM64 libraries are installed and a private mount namespace works" >&2
    exit 0
fi

# ---------------------------------------------------------------------------------------------------------
# An ARM64 /proc/cpuinfo: one Cortex-A76 entry per host core (the agent sizes its thread pools from the core count).
# ---------------------------------------------------------------------------------------------------------

cpuinfo="$(mktemp /tmp/edgeagent-arm64-cpuinfo.XXXXXX)"
cores="$(nproc)"
{
    for ((i = 0; i < cores; i++)); do
        cat <<EOF
processor	: $i
BogoMIPS	: 50.00
Features	: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp
CPU implementer	: 0x41
CPU architecture: 8
CPU variant	: 0x4
CPU part	: 0xd0b
CPU revision	: 1

EOF
    done
} >"$cpuinfo"

# ---------------------------------------------------------------------------------------------------------
# Run. exec, so that this script's process becomes the agent: a SIGTERM sent to it (as systemd or a test sends one)
# reaches the agent, and the exit code is the agent's. unshare makes the mount namespace private (no propagation back
# to the host); the inner shell bind-mounts the cpuinfo, deletes the file (the mount keeps it alive until the
# namespace ends, so nothing is left behind), then execs QEMU.
# ---------------------------------------------------------------------------------------------------------

cd "$repo"
exec unshare --mount --propagation private -- /bin/sh -c '
    mount --bind "$1" /proc/cpuinfo || { rm -f "$1"; exit 125; }
    rm -f "$1"
    shift
    exec "$@"
' run.sh "$cpuinfo" \
    env DOTNET_EnableWriteXorExecute=0 qemu-aarch64-static -L / "$agent" "$@"
