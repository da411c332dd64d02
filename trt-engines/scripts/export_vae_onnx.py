#!/usr/bin/env python3
"""Export an SDXL VAE decoder to ONNX for strobe, by default the fp16-fix VAE.

The stock SDXL VAE overflows in float16: its decoder's activations exceed 65504, the output turns
into NaN, and strobe refuses such images (INTERNAL, counted in strobe_vae_nonfinite_images_total)
rather than deliver them black. Two ways out:

  * the fp16-fix VAE (madebyollin/sdxl-vae-fp16-fix): SDXL's VAE with rescaled weights whose
    activations stay in float16 range; same latent space, same scaling factor (0.13025). Export it
    and build its plan with --fp16;
  * the stock VAE in float32 (--vae stock): build its plan without --fp16, or serve the ONNX on
    ONNX Runtime.

The export has optimum's interface for vae_decoder: latent_sample [B,4,h,w] -> sample [B,3,8h,8w],
dynamic batch, height and width, and writes config.json beside model.onnx (scaling_factor, read by
import-optimum).

    pip install torch==2.15.0 diffusers==0.42.1 safetensors==0.8.0 huggingface_hub==2.4.0 onnx==1.23.2 onnxruntime==1.31.1
    python export_vae_onnx.py --out /models/sdxl-lightning-4step/vae_decoder          # fp16-fix, fp32 weights
    python export_vae_onnx.py --out /models/sdxl-lightning-4step/vae_decoder --fp16   # fp16-fix in fp16 (CUDA)
    python export_vae_onnx.py --out /models/sdxl-lightning-4step/vae_decoder --vae stock   # keep fp32!
    python export_vae_onnx.py --out /tmp/vae --tiny-random --check                    # offline self-test

Then build the plan on the GPU that serves it (fp16 only for the fp16-fix VAE):

    ./strobe build-engine --onnx /models/sdxl-lightning-4step/vae_decoder/model.onnx --batch 1:1:4 \
        --size 512:1024:1536 --fp16
"""
import argparse
import json
import os
import sys

BASE = "stabilityai/stable-diffusion-xl-base-1.0"
FP16_FIX = "madebyollin/sdxl-vae-fp16-fix"
SCALING_FACTOR = 0.13025
# a VAE with SDXL's structure but four small blocks: random weights, for the offline self-test
TINY_CONFIG = {
    "in_channels": 3,
    "out_channels": 3,
    "latent_channels": 4,
    "down_block_types": ["DownEncoderBlock2D"] * 4,
    "up_block_types": ["UpDecoderBlock2D"] * 4,
    "block_out_channels": [8, 8, 16, 16],
    "layers_per_block": 1,
    "norm_num_groups": 4,
    "sample_size": 64,
    "scaling_factor": SCALING_FACTOR,
}


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="output folder; model.onnx (+ model.onnx_data) and config.json")
    ap.add_argument("--vae", choices=["fp16-fix", "stock"], default="fp16-fix",
                    help="fp16-fix: madebyollin/sdxl-vae-fp16-fix (default); stock: SDXL base's VAE (fp32 only)")
    ap.add_argument("--fp16", action="store_true", help="export in float16 (needs CUDA; fp16-fix only)")
    ap.add_argument("--tiny-random", action="store_true",
                    help="a small random-weight VAE with SDXL's structure, no download: for testing the export")
    ap.add_argument("--check", action="store_true",
                    help="run the export once with ONNX Runtime (pip install onnxruntime) and report NaN/inf")
    ap.add_argument("--opset", type=int, default=17)
    args = ap.parse_args(argv)
    if args.fp16 and args.vae == "stock":
        ap.error("the stock SDXL VAE overflows in float16 (NaN, black images): export it in fp32, or use --vae fp16-fix")
    return args


def decoder_config(vae_config):
    """The config.json written beside the export: what import-optimum and diffusers read."""
    keep = ("in_channels", "out_channels", "latent_channels", "block_out_channels", "layers_per_block",
            "norm_num_groups", "up_block_types", "sample_size")
    out = {k: vae_config[k] for k in keep if k in vae_config}
    out["_class_name"] = "AutoencoderKL"
    out["scaling_factor"] = float(vae_config.get("scaling_factor", SCALING_FACTOR))
    return out


def load_vae(args):
    import torch
    from diffusers import AutoencoderKL

    if args.tiny_random:
        torch.manual_seed(0)
        return AutoencoderKL(**TINY_CONFIG)
    if args.vae == "fp16-fix":
        return AutoencoderKL.from_pretrained(FP16_FIX)
    return AutoencoderKL.from_pretrained(BASE, subfolder="vae")


def export(args):
    import torch

    if args.fp16 and not torch.cuda.is_available():
        raise SystemExit("--fp16 needs a CUDA GPU (half-precision convolutions on CPU are not reliable)")
    device = "cuda" if args.fp16 else "cpu"
    dtype = torch.float16 if args.fp16 else torch.float32
    vae = load_vae(args).to(device=device, dtype=dtype).eval()

    class Decoder(torch.nn.Module):
        def __init__(self, vae):
            super().__init__()
            self.vae = vae

        def forward(self, latent_sample):
            return self.vae.decode(latent_sample, return_dict=False)[0]

    os.makedirs(args.out, exist_ok=True)
    onnx_path = os.path.join(args.out, "model.onnx")
    # batch 2 and a non-square latent, so the tracer keeps batch and size dynamic
    latent = torch.randn(2, 4, 32, 24, dtype=dtype, device=device)
    with torch.no_grad():
        torch.onnx.export(
            Decoder(vae), (latent,), onnx_path, opset_version=args.opset,
            input_names=["latent_sample"], output_names=["sample"],
            dynamic_axes={"latent_sample": {0: "batch", 2: "height", 3: "width"},
                          "sample": {0: "batch", 2: "image_height", 3: "image_width"}},
            do_constant_folding=True, dynamo=False)
    with open(os.path.join(args.out, "config.json"), "w") as f:
        json.dump(decoder_config(dict(vae.config)), f, indent=2)
    print(f"wrote {onnx_path} ({'fp16' if args.fp16 else 'fp32'}, "
          f"{'tiny random' if args.tiny_random else args.vae} VAE): latent_sample [B,4,h,w] -> sample [B,3,8h,8w]")
    return onnx_path


def check(onnx_path, fp16):
    import numpy as np
    import onnxruntime as ort

    session = ort.InferenceSession(onnx_path, providers=["CPUExecutionProvider"])
    latent = np.random.default_rng(0).standard_normal((1, 4, 32, 32)).astype(np.float16 if fp16 else np.float32)
    (image,) = session.run(["sample"], {"latent_sample": latent})
    bad = int(np.size(image) - np.isfinite(image).sum())
    print(f"check: sample {list(image.shape)}, {bad} non-finite values")
    return bad


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    onnx_path = export(args)
    if args.check and check(onnx_path, args.fp16) > 0:
        raise SystemExit("the exported VAE decoder produced NaN or infinity: do not serve it in this precision")


if __name__ == "__main__":
    main()
