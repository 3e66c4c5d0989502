#!/usr/bin/env bash
# Last step of the GitHub Action: fail the job by the exit policy the lint step decided,
# after the findings were uploaded (an upload step after a failed step would not run).
set -euo pipefail
echo "$VERDICT"
exit "${EXIT_CODE:?the lint step did not report an exit code}"
