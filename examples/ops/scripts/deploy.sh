#!/usr/bin/env bash
set -euo pipefail
environment="$1"
artifact="$2"
echo "Deploying $artifact to $environment"
echo "OUTPUT: {\"url\": \"https://$environment.example.com\"}"
