#!/usr/bin/env bash
# Screenshots of the main screens, desktop (1280×800) and phone (390×844), into docs/screenshots/ (README: "Screenshots").
# Builds the app, starts it on loopback with a fresh data folder, seeds an account with documents, a request waiting
# for others, a completed one and a draft, and photographs sign-in, dashboard, documents, prepare, request pages and
# the signer's page in Debian's Chromium. Usage: tools/screenshots/run.sh [output folder]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
out="$(realpath -m "${1:-docs/screenshots}")"
dotnet build tools/screenshots/ESignWeb.Screenshots.csproj -c Release --nologo -v quiet
dotnet tools/screenshots/bin/Release/net10.0/ESignWeb.Screenshots.dll "$out"
