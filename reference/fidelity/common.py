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

# The CPU flags torch's ATen needs for each kernel (aten/src/ATen/cpu/vec); a kernel the CPU lacks
# is not tried: forcing it with ATEN_CPU_CAPABILITY dies with SIGILL on some operations.
KERNEL_FLAGS = {"default": set(), "avx2": {"avx2", "fma"},
                "avx512": {"avx512f", "avx512bw", "avx512vl", "avx512dq"}}


def cpu_flags():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def runnable_kernels():
    """The kernels of KERNELS this CPU can run, printing the ones it cannot."""
    flags = cpu_flags()
    out = []
    for k in KERNELS:
        if KERNEL_FLAGS[k] <= flags:
            out.append(k)
        else:
            print("kernel %s: this CPU lacks %s; left out (the committed fixture keeps it)"
                  % (k.upper(), " ".join(sorted(KERNEL_FLAGS[k] - flags))))
    return out


def run_child(script, kernel, *args):
    """Runs `script ARGS` with ATEN_CPU_CAPABILITY=kernel (torch reads it when it loads, hence a
    process each); returns its JSON stdout."""
    import json
    import subprocess
    env = dict(os.environ, ATEN_CPU_CAPABILITY=kernel)
    proc = subprocess.run([sys.executable, "-W", "ignore", script, *args], env=env,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit("%s with ATEN_CPU_CAPABILITY=%s failed (exit %d): %s"
                         % (os.path.basename(script), kernel, proc.returncode, proc.stderr.strip()[-2000:]))
    return json.loads(proc.stdout)


def per_kernel(script, *args):
    """Runs `script --child ARGS` once per kernel this CPU runs; returns {capability: result}."""
    out = {}
    for k in runnable_kernels():
        res = run_child(script, k, "--child", *args)
        if res["capability"].lower() != k:
            print("kernel %s: this CPU runs %s instead; left out" % (k, res["capability"]))
            continue
        out[res["capability"]] = res["result"]
    return out
