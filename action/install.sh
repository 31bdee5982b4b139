#!/usr/bin/env bash
# The action's install step: puts `pyfix` on PATH (see action.yml, input
# `version`). The PyPI distribution is `pyfix-lint`; the command is `pyfix`.
set -euo pipefail

version="${PYFIX_VERSION:-latest}"
case "$version" in
  none)
    command -v pyfix >/dev/null || { echo "::error::version 'none' needs pyfix on PATH"; exit 2; }
    ;;
  source)
    python3 -m pip install --quiet "${GITHUB_ACTION_PATH:?}"
    ;;
  latest)
    python3 -m pip install --quiet --only-binary pyfix-lint pyfix-lint
    ;;
  *)
    python3 -m pip install --quiet --only-binary pyfix-lint "pyfix-lint==$version"
    ;;
esac
pyfix --version
