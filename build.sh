#!/usr/bin/env bash
# Entry point for every build: ./build.sh --target=<target> [--configuration=Release] [--runtime=linux-x64]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# Reuse the compiled build.cake (in tools/, git-ignored) while the script is unchanged.
export CAKE_SETTINGS_ENABLESCRIPTCACHE=true
# Plain text when the output is captured (CI logs, pipes), so lines such as the test summary read exactly.
[[ -t 1 ]] || export NO_COLOR=1

dotnet tool restore
exec dotnet tool run dotnet-cake build.cake "$@"
