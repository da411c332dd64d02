#!/usr/bin/env python3
"""Export the SDXL-Lightning UNet to ONNX for strobe's TensorRT route.

The export has a per-sample timestep [B] (so requests at different denoising steps can share one
UNet call) and dynamic batch, height and width axes. Input and output names follow optimum's SDXL
export: sample, timestep, encoder_hidden_states, text_embeds, time_ids -> out_sample.

    pip install torch diffusers safetensors huggingface_hub onnx
    python export_unet_onnx.py --out /models/sdxl-lightning-4step/unet            # fp32, ~10 GB, CPU is fine
    python export_unet_onnx.py --out /models/sdxl-lightning-4step/unet --fp16     # fp16, ~5 GB (CUDA if present)
    python export_unet_onnx.py --unet DIR/unet --out OUT/unet                      # a local diffusers UNet folder

Every size (latent channels, text width, pooled width, number of time ids) is read from the UNet's
config, so any UNet2DConditionModel with addition_embed_type "text_time" exports (reference/ runs
this on a random-weight SDXL-structured UNet).

Then build the engine plan on the GPU that will serve it:

    build-engine --onnx /models/sdxl-lightning-4step/unet/model.onnx --batch 1:4:8 --size 512:1024:1536 --fp16
"""
import argparse
import os
import shutil

import torch
from diffusers import UNet2DConditionModel

BASE = "stabilityai/stable-diffusion-xl-base-1.0"
LIGHTNING = "ByteDance/SDXL-Lightning"
CHECKPOINTS = {
    1: "sdxl_lightning_1step_unet_x0.safetensors",
    2: "sdxl_lightning_2step_unet.safetensors",
    4: "sdxl_lightning_4step_unet.safetensors",
    8: "sdxl_lightning_8step_unet.safetensors",
}


class UNetForExport(torch.nn.Module):
    """Flattens diffusers' keyword interface into the five positional inputs strobe feeds."""

    def __init__(self, unet):
        super().__init__()
        self.unet = unet

    def forward(self, sample, timestep, encoder_hidden_states, text_embeds, time_ids):
        # UNet2DConditionModel broadcasts a [B] timestep tensor per sample; a 0-d tensor would be
        # shared by the whole batch, which is what strobe must avoid when it batches requests
        # that sit at different steps.
        return self.unet(
            sample,
            timestep,
            encoder_hidden_states=encoder_hidden_states,
            added_cond_kwargs={"text_embeds": text_embeds, "time_ids": time_ids},
            return_dict=False,
        )[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="output folder; model.onnx and model.onnx_data are written there")
    ap.add_argument("--steps", type=int, default=4, choices=sorted(CHECKPOINTS), help="Lightning checkpoint (default 4)")
    ap.add_argument("--unet", help="a local diffusers UNet folder (config.json + weights) instead of the"
                    " SDXL-Lightning checkpoint from the Hugging Face hub")
    ap.add_argument("--fp16", action="store_true", help="export in float16 (on CUDA when present, else traced on"
                    " the CPU); build with --strongly-typed or --fp16")
    ap.add_argument("--opset", type=int, default=17)
    args = ap.parse_args()

    device = "cuda" if args.fp16 and torch.cuda.is_available() else "cpu"
    dtype = torch.float16 if args.fp16 else torch.float32

    if args.unet:
        unet = UNet2DConditionModel.from_pretrained(args.unet)
    else:
        from huggingface_hub import hf_hub_download
        from safetensors.torch import load_file
        unet = UNet2DConditionModel.from_config(UNet2DConditionModel.load_config(BASE, subfolder="unet"))
        weights = hf_hub_download(LIGHTNING, CHECKPOINTS[args.steps])
        missing, unexpected = unet.load_state_dict(load_file(weights), strict=False)
        if missing or unexpected:
            raise SystemExit(f"Lightning weights do not match the SDXL UNet: missing {missing[:5]},"
                             f" unexpected {unexpected[:5]}")
    cfg = unet.config
    if cfg.addition_embed_type != "text_time":
        raise SystemExit(f"the UNet's addition_embed_type is {cfg.addition_embed_type!r}, not 'text_time':"
                         " it is not an SDXL UNet (no text_embeds / time_ids inputs)")
    unet = unet.to(device=device, dtype=dtype).eval()
    # plain attention exports to ONNX ops TensorRT fuses itself
    unet.set_default_attn_processor()

    # sizes from the config: SDXL has 4 latent channels, 2048 text width, 1280 pooled, 6 time ids
    channels = cfg.in_channels
    text_width = cfg.cross_attention_dim
    pooled_width = cfg.projection_class_embeddings_input_dim - 6 * cfg.addition_time_embed_dim
    # batch 2 and a non-square latent, so the tracer cannot fold batch or size into constants
    b, h, w = 2, 128, 96
    g = torch.Generator("cpu").manual_seed(0)
    inputs = (
        torch.randn(b, channels, h, w, generator=g).to(device=device, dtype=dtype),
        torch.tensor([999.0, 749.0], dtype=torch.float32, device=device),
        torch.randn(b, 77, text_width, generator=g).to(device=device, dtype=dtype),
        torch.randn(b, pooled_width, generator=g).to(device=device, dtype=dtype),
        torch.tensor([[1024.0, 1024.0, 0.0, 0.0, 1024.0, 1024.0]] * b, dtype=dtype, device=device),
    )
    names = ["sample", "timestep", "encoder_hidden_states", "text_embeds", "time_ids"]
    dynamic = {
        "sample": {0: "B", 2: "H", 3: "W"},
        "timestep": {0: "B"},
        "encoder_hidden_states": {0: "B"},
        "text_embeds": {0: "B"},
        "time_ids": {0: "B"},
        "out_sample": {0: "B", 2: "H", 3: "W"},
    }
    os.makedirs(args.out, exist_ok=True)
    tmp = os.path.join(args.out, "tmp")
    os.makedirs(tmp, exist_ok=True)
    raw = os.path.join(tmp, "model.onnx")
    with torch.no_grad():
        torch.onnx.export(
            UNetForExport(unet), inputs, raw,
            input_names=names, output_names=["out_sample"], dynamic_axes=dynamic,
            opset_version=args.opset, do_constant_folding=True,
            dynamo=False,  # the TorchScript exporter is the one that takes dynamic_axes
        )

    # above 2 GB the weights live outside the protobuf; gather them into one file beside it
    import onnx
    model = onnx.load(raw, load_external_data=True)
    out = os.path.join(args.out, "model.onnx")
    # onnx appends to an existing external-data file: start from none
    for old in (out, os.path.join(args.out, "model.onnx_data")):
        if os.path.exists(old):
            os.remove(old)
    onnx.save_model(model, out, save_as_external_data=True, all_tensors_to_one_file=True,
                    location="model.onnx_data", size_threshold=1024)
    shutil.rmtree(tmp)

    graph = onnx.load(out, load_external_data=False).graph
    for i in graph.input:
        dims = [d.dim_param or d.dim_value for d in i.type.tensor_type.shape.dim]
        print(f"input  {i.name} {dims}")
    for o in graph.output:
        dims = [d.dim_param or d.dim_value for d in o.type.tensor_type.shape.dim]
        print(f"output {o.name} {dims}")
    print(f"wrote {out} (+ model.onnx_data)")


if __name__ == "__main__":
    main()
