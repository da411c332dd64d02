"""Euler schedules and steps as the references compute them.

1. diffusers' EulerDiscreteScheduler with SDXL's training schedule and timestep_spacing="trailing"
   (SDXL-Lightning's recipe), for every step count 1..100: timesteps, sigmas, init_noise_sigma.
   Step counts whose trailing arange does not have n elements are recorded as such (strobe refuses
   them rather than run a different count). Once per CPU kernel (ATEN_CPU_CAPABILITY), because
   torch.linspace rounds differently where its build fuses multiply-adds (AVX2, AVX-512).
2. Whole sampling runs through diffusers' own scale_model_input and step(), epsilon and sample
   prediction, with seeded stand-in model outputs: every intermediate tensor, to compare strobe's
   EulerSampler bit for bit.
3. ComfyUI's sgm_uniform for 1..50 steps. ComfyUI is not on PyPI, so this part is a transcription
   of its formulas (ModelSamplingDiscrete with a float64 beta table stored as float32 sigma and
   log-sigma, sigma(t) by log-linear interpolation, timestep(sigma) by nearest log-sigma, and
   sgm_uniform's linspace(start, end, n + 1)[:-1]) evaluated with torch's float32 operations, not
   ComfyUI itself.

Usage: python schedule.py [--out DIR]      writes DIR/schedule.json.gz
"""
import json
import sys

import numpy as np
import torch
from diffusers import EulerDiscreteScheduler

import common

# SDXL base's scheduler_config.json, with SDXL-Lightning's trailing spacing.
SDXL = dict(num_train_timesteps=1000, beta_start=0.00085, beta_end=0.012,
            beta_schedule="scaled_linear", steps_offset=1, interpolation_type="linear",
            use_karras_sigmas=False, timestep_spacing="trailing")
RUN_SHAPE = [1, 4, 4, 4]
RUNS = [("epsilon", n) for n in (1, 2, 3, 4, 8, 16, 50)] + [("sample", n) for n in (1, 2, 4, 8)]


def f32(t):
    return t.detach().to(torch.float32).contiguous().numpy().astype("<f4").ravel().tolist()


def trailing():
    out = []
    for n in range(1, 101):
        s = EulerDiscreteScheduler(prediction_type="epsilon", **SDXL)
        s.set_timesteps(n)
        out.append({
            "steps": n,
            "timesteps": f32(s.timesteps),
            "sigmas": common.f32_b64(f32(s.sigmas)),
            "init_noise_sigma": float(np.float32(s.init_noise_sigma)),
        })
    return out


def runs():
    out = []
    for prediction, n in RUNS:
        s = EulerDiscreteScheduler(prediction_type=prediction, **SDXL)
        s.set_timesteps(n)
        seed = 1000 * n + (1 if prediction == "sample" else 0)
        noise = torch.randn(RUN_SHAPE, generator=torch.manual_seed(seed))
        x = noise * s.init_noise_sigma  # StableDiffusionXLPipeline.prepare_latents
        run = {"prediction": prediction, "steps": n, "seed": seed, "shape": RUN_SHAPE,
               "initial": common.f32_b64(f32(x)), "steps_out": []}
        for k, t in enumerate(s.timesteps):
            model_in = s.scale_model_input(x, t)
            # A stand-in UNet output: seeded values, scaled like a real one for each prediction.
            model_out = torch.randn(RUN_SHAPE, generator=torch.manual_seed(seed + 1 + k))
            if prediction == "sample":
                model_out = model_out * 0.5
            res = s.step(model_out, t, x)
            run["steps_out"].append({
                "model_input": common.f32_b64(f32(model_in)),
                "model_output": common.f32_b64(f32(model_out)),
                "pred_original_sample": common.f32_b64(f32(res.pred_original_sample)),
                "prev_sample": common.f32_b64(f32(res.prev_sample)),
            })
            x = res.prev_sample
        out.append(run)
    return out


class ComfySampling:
    """ComfyUI's ModelSamplingDiscrete for SDXL's "linear" betas (transcribed, see the module doc)."""

    def __init__(self):
        betas = torch.linspace(0.00085 ** 0.5, 0.012 ** 0.5, 1000, dtype=torch.float64) ** 2
        alphas_cumprod = torch.cumprod(1.0 - betas, dim=0)
        sigmas = ((1 - alphas_cumprod) / alphas_cumprod) ** 0.5
        self.sigmas = sigmas.float()
        self.log_sigmas = sigmas.log().float()

    def sigma(self, t):
        t = torch.clamp(t.float(), min=0, max=len(self.sigmas) - 1)
        low, high, w = t.floor().long(), t.ceil().long(), t.frac()
        return ((1 - w) * self.log_sigmas[low] + w * self.log_sigmas[high]).exp()

    def timestep(self, sigma):
        dists = sigma.log() - self.log_sigmas[:, None]
        return dists.abs().argmin(dim=0).view(sigma.shape)


def sgm_uniform():
    m = ComfySampling()
    out = []
    for n in range(1, 51):
        start = m.timestep(m.sigmas[-1])
        end = m.timestep(m.sigmas[0])
        ts = torch.linspace(start, end, n + 1)[:-1]
        sigmas = torch.stack([m.sigma(t) for t in ts] + [torch.tensor(0.0)])
        model_ts = torch.stack([m.timestep(s).float() for s in sigmas[:-1]])
        # noise_scaling at full denoise: noise * sqrt(1 + sigma_0^2)
        init = torch.sqrt(1.0 + sigmas[0] ** 2.0)
        out.append({"steps": n, "timesteps": f32(ts), "sigmas": common.f32_b64(f32(sigmas)),
                    "model_timesteps": f32(model_ts), "init_noise_sigma": float(init)})
    return out


def main():
    out = common.out_dir()
    fixture = {
        "header": common.header("schedule.py", ["diffusers", "torch", "numpy"],
                                scheduler_config=SDXL,
                                runs_and_sgm_kernel=torch.backends.cpu.get_cpu_capability()),
        "trailing": common.per_kernel(__file__, "trailing"),
        "runs": runs(),
        "sgm_uniform_transcribed": sgm_uniform(),
    }
    common.write(out, "schedule.json.gz", fixture)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        json.dump({"capability": torch.backends.cpu.get_cpu_capability(), "result": trailing()},
                  sys.stdout)
    else:
        main()
