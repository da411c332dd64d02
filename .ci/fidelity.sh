#!/usr/bin/env bash
# Regenerates every fidelity fixture (server/src/test/resources/fidelity/) with the real reference
# packages (torch, diffusers, transformers, ftfy, regex) from PyPI and fails if any differs from
# the committed one: a reference upgrade or a different machine that changes a number is noticed
# here, and `mvn -B verify` keeps checking strobe against the committed numbers without torch.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== fidelity fixtures against the reference packages"
start=$SECONDS
kit=reference/fidelity
# one venv for this kit and reference/ (torch is installed once): see reference/venv.sh
venv=$(reference/venv.sh)
echo "venv ready after $((SECONDS - start)) s"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for generator in noise schedule tokens pretokenizer images; do
  "$venv/bin/python" -W ignore "$kit/$generator.py" --out "$out" | sed 's/^/  /'
done
"$venv/bin/python" - "$out" server/src/test/resources/fidelity <<'PY'
import gzip, os, sys
fresh, committed = sys.argv[1], sys.argv[2]
names = sorted(set(os.listdir(fresh)) | set(os.listdir(committed)))
bad = []
for n in names:
    a, b = os.path.join(fresh, n), os.path.join(committed, n)
    if not (os.path.exists(a) and os.path.exists(b)):
        bad.append(n + " (only in " + ("the regenerated set" if os.path.exists(a) else "the repository") + ")")
    elif gzip.open(a).read() != gzip.open(b).read():
        bad.append(n)
for n in names:
    print("  %-24s %s" % (n, "DIFFERS" if any(x.startswith(n) for x in bad) else "identical"))
if bad:
    print("fixtures differ from the committed ones: " + ", ".join(bad))
    print("see reference/fidelity/README.md: regenerate, check the Java tests, commit")
    sys.exit(1)
PY
echo "fidelity fixtures identical ($((SECONDS - start)) s)"
