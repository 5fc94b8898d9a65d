#!/usr/bin/env bash
set -euo pipefail
# Reads the release notes from the checkout: the step runs in the workspace's files.
echo "Building version $VERSION ($(head -n 1 data/release-notes.txt))"
echo "OUTPUT: {\"artifact\": \"app-$VERSION.tar.gz\"}"
