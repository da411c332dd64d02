"""Shared by the fidelity generators: where fixtures go, their header, and writing them.

A fixture is one gzip-compressed JSON object: {"header": {...}, ...data}. The header names the
generator, the Python version and the version of every package that produced the numbers, so a
test failure or a regenerated fixture that differs can be traced to a reference upgrade.
Fixtures are written byte-for-byte reproducibly (sorted keys, fixed separators, gzip mtime 0).
"""
import argparse
import base64
import gzip
import importlib.metadata
import json
import os
import platform
import struct
import sys

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURES = os.path.join(REPO, "server", "src", "test", "resources", "fidelity")
CLIP_MERGES = os.path.join(
    REPO, "trt-engines", "src", "main", "resources", "dev", "strobe", "model", "clip",
    "bpe_simple_vocab_16e6.txt.gz")


def header(generator, packages, **extra):
    """The header: generator path, Python major.minor and the exact versions of `packages`."""
    h = {
        "generator": "reference/fidelity/" + generator,
        "python": "%d.%d" % sys.version_info[:2],
        "machine": platform.machine(),
        "packages": {p: importlib.metadata.version(p) for p in packages},
        "regenerate": "reference/fidelity/.venv/bin/python reference/fidelity/" + generator,
    }
    h.update(extra)
    return h


def out_dir():
    """--out DIR (default: the committed fixtures folder)."""
    p = argparse.ArgumentParser()
    p.add_argument("--out", default=FIXTURES, help="folder to write the fixture into")
    return p.parse_args().out


def write(directory, name, obj):
    os.makedirs(directory, exist_ok=True)
    data = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True,
                      allow_nan=False).encode("ascii")
    path = os.path.join(directory, name)
    with open(path, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
            gz.write(data)
    print("wrote %s (%d bytes, %d uncompressed)" % (os.path.relpath(path, REPO),
                                                    os.path.getsize(path), len(data)))


def f32_b64(values):
    """float32 values as base64 of their little-endian bytes (exact, compact)."""
    return base64.b64encode(struct.pack("<%df" % len(values), *values)).decode("ascii")


KERNELS = ["default", "avx2", "avx512"]


def per_kernel(script, *args):
    """Runs `script --child ARGS` once per ATEN_CPU_CAPABILITY this CPU supports (torch reads the
    variable when it loads, hence a process each); returns {capability: the child's JSON stdout}."""
    import json
    import subprocess
    out = {}
    for k in KERNELS:
        env = dict(os.environ, ATEN_CPU_CAPABILITY=k)
        proc = subprocess.run([sys.executable, "-W", "ignore", script, "--child", *args], env=env,
                              check=True, capture_output=True, text=True)
        res = json.loads(proc.stdout)
        if res["capability"].lower() != k:
            print("kernel %s: this CPU runs %s instead; left out" % (k, res["capability"]))
            continue
        out[res["capability"]] = res["result"]
    return out
