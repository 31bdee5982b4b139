#!/usr/bin/env bash
# The action's run step: runs pyfix in the mode asked for and sets the
# step's outputs `changed` and `summary-file` (see action.yml).
set -uo pipefail

mode="${PYFIX_MODE:-check}"
summary="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/pyfix-summary.md"
args=()
case "$mode" in
  check) args+=(--output-format github) ;;
  diff) args+=(--diff --summary "$summary") ;;
  # The pull request is the outcome of a write: findings without a fix
  # must not fail the job before it is opened.
  write) args+=(--write --summary "$summary" --exit-zero) ;;
  *)
    echo "::error::mode must be check, diff or write, not '$mode'"
    exit 2
    ;;
esac
[ "${PYFIX_UNSAFE_FIXES:-false}" = "true" ] && args+=(--unsafe-fixes)
[ -n "${PYFIX_SELECT:-}" ] && args+=(--select "$PYFIX_SELECT")
read -r -a extra <<< "${PYFIX_ARGS:-}"
read -r -a paths <<< "${PYFIX_PATHS:-.}"
[ "${#paths[@]}" -eq 0 ] && paths=(.)

pyfix "${args[@]}" "${extra[@]}" -- "${paths[@]}"
status=$?

changed=false
if [ "$mode" = write ] && [ -n "$(git status --porcelain --untracked-files=no)" ]; then
  changed=true
fi
if [ "$mode" != check ] && [ -f "$summary" ]; then
  [ -n "${GITHUB_STEP_SUMMARY:-}" ] && cat "$summary" >> "$GITHUB_STEP_SUMMARY"
  echo "summary-file=$summary" >> "${GITHUB_OUTPUT:-/dev/null}"
fi
echo "changed=$changed" >> "${GITHUB_OUTPUT:-/dev/null}"
exit "$status"
