"""Writes the golden reference fixtures that `mvn verify` checks strobe against, without torch.

Builds make_pipeline.py's "tiny" random-weight SDXL-structured pipeline, exports it the way users
do (optimum's text-to-image ONNX export, and trt-engines/scripts/export_unet_onnx.py for the
per-sample [B] timestep UNet in fp32, with its weights in model.onnx_data, and in fp16), imports it
with ./strobe import-optimum, and runs diffusers on every case: the final 8-bit images and the final
latents. Into server/src/test/resources/reference/ (or --out):

    tiny/                 the export strobe serves (model.json, the four ONNX components,
                          unet_b/ and unet_b16/; the tokenizer folders keep their configs but not
                          vocab.json/merges.txt, which strobe then takes from its built-in copy of
                          the same CLIP files)
    diffusers.json.gz     per case: prompt, size, steps, prediction, seeds, images (uint8 HWC),
                          latents (float32 NCHW), and a header with the package versions

    $(reference/venv.sh)/bin/python reference/fixtures.py [--out DIR]
Read by server/src/test/java/dev/strobe/reference/DiffusersFixtureTest.java.
"""
import argparse
import base64
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "fidelity"))
import common  # noqa: E402  (reference/fidelity/common.py: header and reproducible gzip JSON)
import make_pipeline  # noqa: E402

PROMPT = "a red fox in the snow, morning light"
LONG_PROMPT = ("a very detailed painting of an old lighthouse on a rocky coast at dusk, waves crashing on black "
               "stones, seagulls circling in a violet and orange sky, a small wooden boat with a red sail, warm "
               "light in the keeper's window, pine trees bending in the wind, fog rolling in from the sea, oil "
               "on canvas, thick brush strokes, in the style of a nineteenth century romantic landscape")

# name, steps, width, height, prompt, seeds
CASES = [
    ("1 step (sample)", 1, 128, 128, PROMPT, [1]),
    ("2 steps", 2, 128, 128, PROMPT, [2]),
    ("4 steps", 4, 128, 128, PROMPT, [3]),
    ("8 steps", 8, 128, 128, PROMPT, [4]),
    ("4 steps, 192x128, prompt over 77 tokens", 4, 192, 128, LONG_PROMPT, [5]),
    ("4 steps, 128x192, two images (seed + i)", 4, 128, 192, PROMPT, [6, 7]),
]
KEEP = ["model_index.json", "scheduler/scheduler_config.json", "text_encoder/model.onnx",
        "text_encoder_2/model.onnx", "unet/model.onnx", "vae_decoder/model.onnx", "vae_decoder/config.json",
        "tokenizer/tokenizer_config.json", "tokenizer/special_tokens_map.json",
        "tokenizer_2/tokenizer_config.json", "tokenizer_2/special_tokens_map.json",
        "unet_b/model.onnx", "unet_b/model.onnx_data", "unet_b16/model.onnx", "unet_b16/model.onnx_data",
        "model.json"]


def b64(array):
    return base64.b64encode(np.ascontiguousarray(array).tobytes()).decode("ascii")


def run_case(pipes, steps, width, height, prompt, seeds):
    pipe = pipes["sample" if steps == 1 else "epsilon"]
    generators = [torch.Generator("cpu").manual_seed(s) for s in seeds]
    final = {}

    def keep(p, i, t, kwargs):
        final["latents"] = kwargs["latents"].detach().clone()
        return kwargs
    with torch.no_grad():
        out = pipe(prompt=prompt, num_inference_steps=steps, guidance_scale=0.0, width=width, height=height,
                   num_images_per_prompt=len(seeds), generator=generators, output_type="pil",
                   callback_on_step_end=keep, callback_on_step_end_tensor_inputs=["latents"])
    images = np.stack([np.asarray(im.convert("RGB"), dtype=np.uint8) for im in out.images])
    return images, final["latents"].float().numpy().astype("<f4")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(REPO, "server", "src", "test", "resources", "reference"))
    ap.add_argument("--seed", type=int, default=0, help="seed of the random weights")
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    from diffusers import EulerDiscreteScheduler, StableDiffusionXLPipeline
    from optimum.exporters.onnx import main_export
    with tempfile.TemporaryDirectory() as tmp:
        pipeline_dir = os.path.join(tmp, "pipeline")
        export = os.path.join(tmp, "export")
        pipe = make_pipeline.build("tiny", args.seed, "epsilon", os.path.join(tmp, "clip"))
        pipe.save_pretrained(pipeline_dir)
        main_export(model_name_or_path=pipeline_dir, output=export, task="text-to-image", do_validation=False)
        script = os.path.join(REPO, "trt-engines", "scripts", "export_unet_onnx.py")
        for folder, extra in (("unet_b", []), ("unet_b16", ["--fp16"])):
            subprocess.run([sys.executable, script, "--unet", os.path.join(pipeline_dir, "unet"),
                            "--out", os.path.join(export, folder)] + extra, check=True, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        subprocess.run([os.path.join(REPO, "strobe"), "import-optimum", "--dir", export, "--name", "reference-tiny",
                        "--steps", "4", "--min-size", "128", "--default-size", "128", "--max-size", "256"],
                       check=True)
        target = os.path.join(args.out, "tiny")
        shutil.rmtree(target, ignore_errors=True)
        for f in KEEP:
            os.makedirs(os.path.dirname(os.path.join(target, f)), exist_ok=True)
            shutil.copyfile(os.path.join(export, f), os.path.join(target, f))
            if f.endswith(".json"):
                # optimum records the temporary folder it read; keep the fixtures reproducible
                with open(os.path.join(target, f), encoding="utf-8") as fh:
                    text = fh.read()
                with open(os.path.join(target, f), "w", encoding="utf-8") as fh:
                    fh.write(text.replace(tmp, "."))

        eps = StableDiffusionXLPipeline.from_pretrained(pipeline_dir)
        sample = StableDiffusionXLPipeline.from_pretrained(pipeline_dir)
        sample.scheduler = EulerDiscreteScheduler.from_config(sample.scheduler.config, prediction_type="sample")
        pipes = {"epsilon": eps, "sample": sample}
        for p in pipes.values():
            p.set_progress_bar_config(disable=True)
        cases = []
        for name, steps, width, height, prompt, seeds in CASES:
            images, latents = run_case(pipes, steps, width, height, prompt, seeds)
            cases.append(dict(name=name, steps=steps, prediction="sample" if steps == 1 else "epsilon",
                              width=width, height=height, prompt=prompt, seeds=seeds,
                              images=b64(images), latents=b64(latents)))
            print("%-45s image std %.1f" % (name, images.astype(np.float64).std()))
    head = common.header("../fixtures.py", ["torch", "diffusers", "transformers", "optimum", "optimum-onnx",
                                            "onnx", "onnxruntime", "numpy", "pillow", "ftfy"],
                         weights_seed=args.seed, preset="tiny")
    head["generator"] = "reference/fixtures.py"
    head["regenerate"] = "reference/fixtures.py (see reference/README.md)"
    common.write(args.out, "diffusers.json.gz", {"header": head, "cases": cases})


if __name__ == "__main__":
    main()
