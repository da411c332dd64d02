"""Compares freshly generated fidelity fixtures with the committed ones.

    python compare_fixtures.py FRESH_DIR COMMITTED_DIR

Identical means the same JSON, with one allowance: a CPU without AVX-512 (or AVX2) cannot run
torch's kernel for it, so the fresh fixture has no entry for that kernel. Such entries are kept
from the committed fixture and reported; every kernel this CPU ran must match exactly. The
header's record of the machine's best kernel (schedule.py's `runs_and_sgm_kernel`) may differ for
the same reason. Exit status 1 when anything else differs.
"""
import gzip
import json
import os
import sys

KERNEL_NAMES = {"DEFAULT", "AVX2", "AVX512"}


def load(path):
    with gzip.open(path) as f:
        return json.load(f)


def kernel_dicts(obj, path=()):
    """Paths of the dicts keyed by kernel name (noise.json's "kernels", schedule.json's "trailing")."""
    if isinstance(obj, dict):
        if obj and set(obj) <= KERNEL_NAMES:
            yield path
        for k, v in obj.items():
            yield from kernel_dicts(v, path + (k,))


def at(obj, path):
    for p in path:
        obj = obj[p]
    return obj


def align(fresh, committed):
    """Drops from `committed` what a CPU without some kernel cannot regenerate; returns the notes."""
    notes = []
    for path in list(kernel_dicts(committed)):
        try:
            fresh_kernels = at(fresh, path)
        except (KeyError, TypeError):
            continue
        committed_kernels = at(committed, path)
        for k in sorted(set(committed_kernels) - set(fresh_kernels)):
            dropped = committed_kernels.pop(k)
            notes.append("%s: kernel %s not run on this CPU, kept from the repository" % ("/".join(path), k))
            if path == ("kernels",) and "values" in committed:
                # noise.json: full values are keyed by digest; keep those another kernel also has
                still = {d for hashes in committed_kernels.values() for d in hashes}
                for digest in set(dropped) - still:
                    committed["values"].pop(digest, None)
    for h in (fresh, committed):
        if isinstance(h.get("header"), dict):
            h["header"].pop("runs_and_sgm_kernel", None)
    return notes


def main(fresh_dir, committed_dir):
    names = sorted(set(os.listdir(fresh_dir)) | set(os.listdir(committed_dir)))
    bad = []
    for n in names:
        a, b = os.path.join(fresh_dir, n), os.path.join(committed_dir, n)
        if not (os.path.exists(a) and os.path.exists(b)):
            where = "the regenerated set" if os.path.exists(a) else "the repository"
            print("  %-24s only in %s" % (n, where))
            bad.append(n)
            continue
        fresh, committed = load(a), load(b)
        notes = align(fresh, committed)
        same = fresh == committed
        print("  %-24s %s" % (n, "identical" if same else "DIFFERS"))
        for note in notes:
            print("      " + note)
        if not same:
            bad.append(n)
    if bad:
        print("fixtures differ from the committed ones: " + ", ".join(bad))
        print("see reference/fidelity/README.md: regenerate, check the Java tests, commit")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
