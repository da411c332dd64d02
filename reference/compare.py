"""Compares strobe's images with diffusers' for the same weights, prompt, size, steps and seed.

diffusers runs the saved random-weight pipeline (make_pipeline.py) on the CPU with guidance 0 and
torch.Generator("cpu").manual_seed(seed + i) for image i; strobe runs, through its gRPC API, the
optimum export of that pipeline served by a live `./strobe serve --models`. Per case the maximum and
mean absolute difference of the final 8-bit images (in 1/255 units, every pixel and channel) is
printed as a table and written to --json.

    python compare.py --pipeline DIR --target localhost:PORT [--cases all|ci] [--json out.json]

Model names on the server (run.sh imports them): ref-1step (sample prediction), ref-2step,
ref-4step, ref-8step (epsilon, optimum's scalar timestep), ref-4step-b (UNet exported by
trt-engines/scripts/export_unet_onnx.py, per-sample [B] timestep), ref-4step-fp16 (the same in
float16).
"""
import argparse
import io
import json
import os
import sys
import threading
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)

PROMPT = "a red fox in the snow, morning light"
LONG_PROMPT = ("a very detailed painting of an old lighthouse on a rocky coast at dusk, waves crashing on black "
               "stones, seagulls circling in a violet and orange sky, a small wooden boat with a red sail, warm "
               "light in the keeper's window, pine trees bending in the wind, fog rolling in from the sea, oil "
               "on canvas, thick brush strokes, in the style of a nineteenth century romantic landscape, "
               "museum quality, dramatic clouds, reflections on wet sand")


def case(name, model, steps, width, height, prompt, seed, num_images=1, concurrent=1, ci=False, reference=None):
    return dict(name=name, model=model, steps=steps, width=width, height=height, prompt=prompt, seed=seed,
                num_images=num_images, concurrent=concurrent, ci=ci, reference=reference)


CASES = [
    case("1 step (sample), 512x512", "ref-1step", 1, 512, 512, PROMPT, 11, ci=True),
    case("2 steps, 512x512", "ref-2step", 2, 512, 512, PROMPT, 12, ci=True),
    case("4 steps, 512x512", "ref-4step", 4, 512, 512, PROMPT, 13, ci=True),
    case("8 steps, 512x512", "ref-8step", 8, 512, 512, PROMPT, 14, ci=True),
    case("4 steps, 768x512, prompt > 77 tokens", "ref-4step", 4, 768, 512, LONG_PROMPT, 15),
    case("4 steps, 512x768, batch of 3 (seed + i)", "ref-4step", 4, 512, 768, PROMPT, 16, num_images=3),
    case("4 steps, 3 concurrent requests (scalar timestep)", "ref-4step", 4, 512, 512, PROMPT, 17, concurrent=3),
    case("4 steps, [B] timestep (export_unet_onnx.py), 3 concurrent", "ref-4step-b", 4, 512, 512, LONG_PROMPT, 18,
         concurrent=3),
    case("4 steps, fp16 UNet (export_unet_onnx.py --fp16)", "ref-4step-fp16", 4, 512, 512, PROMPT, 19,
         reference="fp32"),
]


def diffusers_images(pipes, c, seed, prompt):
    import torch
    pipe = pipes["sample" if c["steps"] == 1 else "epsilon"]
    generators = [torch.Generator("cpu").manual_seed(seed + i) for i in range(c["num_images"])]
    with torch.no_grad():
        out = pipe(prompt=prompt, num_inference_steps=c["steps"], guidance_scale=0.0, width=c["width"],
                   height=c["height"], num_images_per_prompt=c["num_images"], generator=generators,
                   output_type="pil")
    return [np.asarray(im.convert("RGB"), dtype=np.int16) for im in out.images]


def strobe_images(stub, pb, c, seed, prompt):
    from PIL import Image
    request = pb.GenerateRequest(prompt=prompt, model=c["model"], width=c["width"], height=c["height"],
                                 steps=c["steps"], num_images=c["num_images"], seed=seed,
                                 preview=pb.PreviewOptions(format=pb.PREVIEW_FORMAT_NONE),
                                 output_format=pb.IMAGE_FORMAT_PNG, request_id="compare-%d" % seed)
    images = {}
    for event in stub.Generate(request, timeout=600):
        if event.WhichOneof("event") == "image":
            im = Image.open(io.BytesIO(event.image.data)).convert("RGB")
            images[event.image.image_index] = np.asarray(im, dtype=np.int16)
    return [images[i] for i in range(c["num_images"])]


def run_strobe(stub, pb, c):
    """Per request (seed, prompt) -> images; `concurrent` requests are sent at once."""
    jobs = [(c["seed"] + 100 * k, c["prompt"] if k % 2 == 0 else PROMPT + ", seen from above")
            for k in range(c["concurrent"])]
    results, errors = {}, []

    def one(job):
        try:
            results[job] = strobe_images(stub, pb, c, *job)
        except Exception as e:  # reported below, with the case
            errors.append(e)
    threads = [threading.Thread(target=one, args=(j,)) for j in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return jobs, results


def stub_modules():
    gen = os.path.join(HERE, ".gen")
    proto = os.path.join(REPO, "proto", "src", "main", "proto")
    target = os.path.join(gen, "strobe", "v1", "strobe_pb2_grpc.py")
    if not os.path.exists(target) or os.path.getmtime(target) < os.path.getmtime(
            os.path.join(proto, "strobe", "v1", "strobe.proto")):
        from grpc_tools import protoc
        os.makedirs(gen, exist_ok=True)
        if protoc.main(["protoc", "-I" + proto, "--python_out=" + gen, "--grpc_python_out=" + gen,
                        "strobe/v1/strobe.proto"]) != 0:
            sys.exit("compare.py: protoc failed on strobe.proto")
        for d in ("strobe", os.path.join("strobe", "v1")):
            open(os.path.join(gen, d, "__init__.py"), "a").close()
    sys.path.insert(0, gen)
    from strobe.v1 import strobe_pb2, strobe_pb2_grpc
    return strobe_pb2, strobe_pb2_grpc


def load_pipelines(folder):
    from diffusers import EulerDiscreteScheduler, StableDiffusionXLPipeline
    eps = StableDiffusionXLPipeline.from_pretrained(folder)
    eps.set_progress_bar_config(disable=True)
    sample = StableDiffusionXLPipeline.from_pretrained(folder)
    sample.scheduler = EulerDiscreteScheduler.from_config(sample.scheduler.config, prediction_type="sample")
    sample.set_progress_bar_config(disable=True)
    return {"epsilon": eps, "sample": sample}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pipeline", required=True, help="the diffusers folder make_pipeline.py wrote")
    ap.add_argument("--target", default="localhost:50051")
    ap.add_argument("--cases", default="all", choices=["all", "ci"], help="ci: one case per step count")
    ap.add_argument("--json", help="write the results here")
    ap.add_argument("--max", type=float, default=2.0, help="fp32 tolerance of the max difference, in 1/255")
    ap.add_argument("--mean", type=float, default=0.5, help="fp32 tolerance of the mean difference, in 1/255")
    args = ap.parse_args()
    import diffusers
    import grpc
    import torch
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    pb, pb_grpc = stub_modules()
    pipes = load_pipelines(args.pipeline)
    channel = grpc.insecure_channel(args.target, [("grpc.max_receive_message_length", 64 << 20)])
    grpc.channel_ready_future(channel).result(timeout=120)
    stub = pb_grpc.ImageGeneratorStub(channel)
    served = {m.name for m in stub.ListModels(pb.ListModelsRequest(), timeout=30).models}
    rows, failed = [], []
    for c in CASES:
        if args.cases == "ci" and not c["ci"]:
            continue
        if c["model"] not in served:
            rows.append(dict(case=c["name"], model=c["model"], skipped="not served"))
            print("%-58s skipped: %s is not served" % (c["name"], c["model"]), flush=True)
            continue
        t0 = time.monotonic()
        jobs, got = run_strobe(stub, pb, c)
        t1 = time.monotonic()
        diffs, alone, spread = [], [], []
        for job in jobs:
            want = diffusers_images(pipes, c, *job)
            for a, b in zip(got[job], want):
                diffs.append(np.abs(a - b))
                spread.append(float(b.std()))
            if c["concurrent"] > 1:
                # the same request alone: batching with others must not change its images
                single = dict(c, concurrent=1)
                for a, b in zip(strobe_images(stub, pb, single, *job), got[job]):
                    alone.append(int(np.abs(a - b).max()))
        t2 = time.monotonic()
        d = np.concatenate([x.ravel() for x in diffs])
        row = dict(case=c["name"], model=c["model"], steps=c["steps"], width=c["width"], height=c["height"],
                   images=len(diffs), max=int(d.max()), mean=float(d.mean()), image_std=min(spread),
                   strobe_s=round(t1 - t0, 2), diffusers_s=round(t2 - t1, 2))
        if alone:
            row["batched_vs_alone_max"] = max(alone)
        fp32 = c["reference"] is None
        row["within"] = bool(row["max"] <= args.max and row["mean"] <= args.mean) if fp32 else None
        if fp32 and not row["within"]:
            failed.append(c["name"])
        rows.append(row)
        print("%-58s max %3d/255  mean %.4f/255  (image std %.0f)  %s%s" % (
            c["name"], row["max"], row["mean"], row["image_std"],
            "ok" if row["within"] else ("OVER TOLERANCE" if fp32 else "(fp16: stated, not gated)"),
            "  batched vs alone max %d" % row["batched_vs_alone_max"] if alone else ""), flush=True)
    versions = {p: __import__(p).__version__ for p in ("diffusers", "transformers", "torch", "onnx", "onnxruntime")}
    import optimum.version
    versions["optimum"] = optimum.version.__version__
    print()
    print("| case | model | diffusers | max diff (1/255) | mean diff (1/255) |")
    print("|---|---|---|---|---|")
    for r in rows:
        if "skipped" in r:
            print("| %s | %s | %s | skipped | %s |" % (r["case"], r["model"], diffusers.__version__, r["skipped"]))
        else:
            print("| %s | %s | %s | %d | %.4f |" % (r["case"], r["model"], diffusers.__version__, r["max"], r["mean"]))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"versions": versions, "cases": rows}, f, indent=1)
    if failed:
        print("over the fp32 tolerance (max <= %g, mean <= %g): %s" % (args.max, args.mean, ", ".join(failed)))
        sys.exit(1)


if __name__ == "__main__":
    main()
