"""torch.randn(shape, generator=torch.manual_seed(seed)) on the CPU, for every kernel this CPU runs.

PyTorch picks the build of its normal kernel from the CPU's best instruction set; the environment
variable ATEN_CPU_CAPABILITY=default|avx2|avx512 forces one. Each kernel runs in its own process
(the variable is read when torch loads). For every case (seed, shape) the fixture holds the SHA-256
of the float32 little-endian bytes, and the values themselves (stored once per distinct draw) for
cases of at most FULL_VALUES values: server/src/test/java/dev/strobe/pipeline/noise/
TorchNoiseFixtureTest compares strobe's TorchCpuNoise with them.

Usage: python noise.py [--out DIR]      writes DIR/noise.json.gz
"""
import base64
import hashlib
import json
import random
import sys

import common

FULL_VALUES = 4096


def cases():
    """(seed, shape) of every draw; seeds are unsigned 64-bit like torch.manual_seed's."""
    out = []
    # Every size from 1 to 40: the scalar double path below 16, ragged tails above.
    for n in range(1, 41):
        out.append((0, [n]))
    # Seeds at the edges of 32 and 64 bits (only the low 32 bits seed the generator).
    seeds = [0, 1, 7, 42, 1234, 2**31 - 1, 2**31, 2**32 - 1, 2**32, 2**32 + 7, 5 * 2**32 + 2**20,
             2**63, 2**63 + 12345, 2**64 - 1]
    for s in seeds:
        for shape in ([1, 4, 8, 8], [1, 4, 3, 5], [5], [17]):
            out.append((s, shape))
    # Random seeds and latent shapes, from a fixed seed.
    rng = random.Random(20261202)
    for _ in range(60):
        out.append((rng.getrandbits(64), [1, 4, rng.randint(1, 48), rng.randint(1, 48)]))
    # A batch of two drawn at once (ComfyUI's batch_size 2): compare with two single draws.
    out.append((42, [2, 4, 8, 8]))
    out.append((43, [1, 4, 8, 8]))
    # TinySamplingTest: seed 1234 at 256x192.
    out.append((1234, [1, 4, 24, 32]))
    # SDXL latents (hashes only).
    out.append((0, [1, 4, 128, 128]))
    out.append((1234, [1, 4, 96, 160]))      # 768x1280
    out.append((2**64 - 1, [1, 4, 144, 256]))  # 1152x2048
    out.append((987654321, [1, 4, 152, 80]))   # 1216x640
    return out


def draw(kernel):
    """Runs in a child process with ATEN_CPU_CAPABILITY set: every case's bytes, as hex."""
    import torch
    result = {"capability": torch.backends.cpu.get_cpu_capability(), "draws": []}
    for seed, shape in cases():
        t = torch.randn(shape, generator=torch.manual_seed(seed), dtype=torch.float32)
        result["draws"].append(t.contiguous().numpy().astype("<f4").tobytes().hex())
    return result


def main():
    out = common.out_dir()
    import torch  # noqa: F401 (imported for the version in the header)
    kernels = {}
    values = {}
    for k in common.runnable_kernels():
        res = common.run_child(__file__, k, "--draw", k)
        if res["capability"].lower() != k:
            print("kernel %s: this CPU runs %s instead; left out" % (k, res["capability"]))
            continue
        hashes = []
        for hexdata in res["draws"]:
            data = bytes.fromhex(hexdata)
            digest = hashlib.sha256(data).hexdigest()
            hashes.append(digest)
            if len(data) // 4 <= FULL_VALUES:
                values[digest] = base64.b64encode(data).decode("ascii")
        kernels[res["capability"]] = hashes
        print("kernel %s: %d values" % (res["capability"],
                                        sum(len(bytes.fromhex(h)) // 4 for h in res["draws"])))
    fixture = {
        "header": common.header("noise.py", ["torch"],
                                call="torch.randn(shape, generator=torch.manual_seed(seed))"),
        "cases": [{"seed": str(s), "shape": shape} for s, shape in cases()],
        "kernels": kernels,
        "values": values,
    }
    common.write(out, "noise.json.gz", fixture)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--draw":
        json.dump(draw(sys.argv[2]), sys.stdout)
    else:
        main()
