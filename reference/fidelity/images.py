"""diffusers' VaeImageProcessor.postprocess(output_type="pil"): VAE output to 8-bit RGB.

Inputs: seeded values around [-1, 1], the ends, values beyond them, and 85 values aimed at
k + 0.5 after (x / 2 + 0.5) * 255, 52 of which land on it exactly (numpy rounds those half to
even). NaN is left out: numpy's float-to-uint8 cast of NaN is undefined behaviour. The fixture holds the input [1, 3, H, W] and
the PIL image's bytes (H, W, 3): server/src/test/java/dev/strobe/pipeline/image/
VaeImageFixtureTest compares strobe's VaeImage with them.

Usage: python images.py [--out DIR]      writes DIR/images.json.gz
"""
import numpy as np
import torch
from diffusers.image_processor import VaeImageProcessor

import common

H, W = 24, 40


def inputs():
    x = torch.randn([1, 3, H, W], generator=torch.manual_seed(5)) * 0.7
    flat = x.view(-1)
    special = [-1.0, 1.0, 0.0, -0.0, -1.5, 1.5, 1e-8, -1e-8, 3.0e38, -3.0e38]
    # x aimed at (x / 2 + 0.5) * 255 = k + 0.5 in float32 (52 of the 85 hit it exactly)
    for k in range(0, 255, 3):
        special.append(float(np.float32((k + 0.5) / 255 * 2 - 1)))
    flat[:len(special)] = torch.tensor(special, dtype=torch.float32)
    return x


def main():
    out = common.out_dir()
    x = inputs()
    image = VaeImageProcessor(vae_scale_factor=8).postprocess(x, output_type="pil")[0]
    rgb = np.asarray(image, dtype=np.uint8)
    assert rgb.shape == (H, W, 3)
    fixture = {
        "header": common.header("images.py", ["diffusers", "torch", "numpy", "pillow"],
                                call='VaeImageProcessor(vae_scale_factor=8).postprocess(x, output_type="pil")'),
        "height": H, "width": W,
        "input": common.f32_b64(x.contiguous().view(-1).tolist()),
        "rgb": __import__("base64").b64encode(rgb.tobytes()).decode("ascii"),
    }
    common.write(out, "images.json.gz", fixture)


if __name__ == "__main__":
    main()
