#!/usr/bin/env bash
# The action's pull-request step: commits what pyfix changed on one branch
# and opens a pull request from it, or updates the one that is open. A
# branch whose last pull request was merged or closed gets a new one: only
# open pull requests are looked up.
set -euo pipefail

branch="${PYFIX_BRANCH:?the pull-request-branch input is empty}"
title="${PYFIX_TITLE:-}"
[ -z "$title" ] && title="pyfix: fix ${PYFIX_SELECT:-all rules}"
body="${PYFIX_SUMMARY:-}"
if [ -z "$body" ] || [ ! -f "$body" ]; then
  body="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/pyfix-pull-request.md"
  echo "Fixes by pyfix." > "$body"
fi

if git diff --quiet; then
  echo "pyfix changed nothing: no pull request"
  exit 0
fi
# The pull request's base: the branch the workflow checked out.
base="$(git rev-parse --abbrev-ref HEAD)"
[ "$base" = HEAD ] && base="${GITHUB_BASE_REF:-${GITHUB_REF_NAME:?cannot tell the base branch}}"

git config user.name >/dev/null || git config user.name "github-actions[bot]"
git config user.email >/dev/null ||
  git config user.email "41898282+github-actions[bot]@users.noreply.github.com"
git switch --quiet -C "$branch"
git commit --quiet --all --message "$title"
# The branch is pyfix's own: each run rebuilds it from the base.
git push --quiet --force origin "$branch"

number="$(gh pr list --head "$branch" --state open --json number --jq '.[0].number // empty')"
if [ -n "$number" ]; then
  gh pr edit "$number" --title "$title" --body-file "$body" >/dev/null
  echo "updated pull request #$number"
else
  url="$(gh pr create --base "$base" --head "$branch" --title "$title" --body-file "$body")"
  number="${url##*/}"
  echo "opened pull request #$number: $url"
fi
echo "number=$number" >> "${GITHUB_OUTPUT:-/dev/null}"
