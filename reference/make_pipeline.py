"""Builds a random-weight StableDiffusionXLPipeline with SDXL's structure, scaled down in width and depth.

The classes are diffusers' and transformers' real ones (UNet2DConditionModel, CLIPTextModel,
CLIPTextModelWithProjection, AutoencoderKL, EulerDiscreteScheduler, CLIPTokenizer); only the sizes
shrink, so every code path a real SDXL-Lightning export takes (two encoders' penultimate hidden
states, the pooled projection, text_time conditioning, a VAE with 4 levels, SDXL's scaling factor)
is exercised without downloading weights.

- UNet: SDXL's block types (DownBlock2D, CrossAttnDownBlock2D x2, CrossAttnUpBlock2D x2,
  UpBlock2D), transformer_layers_per_block > 1 in the lower blocks, linear projections,
  addition_embed_type "text_time" with projection_class_embeddings_input_dim =
  6 * addition_time_embed_dim + text_encoder_2's projection_dim (as SDXL: 6 * 256 + 1280).
- Text encoders: a few layers each (so the penultimate hidden state is not SDXL's 11 / 31),
  vocabulary 49408, quick_gelu (ViT-L) and gelu (bigG), eos_token_id 2 like SDXL's configs (the
  pooled token is the argmax of the ids).
- Tokenizers: CLIP's real vocabulary and merges, derived from OpenAI's bpe_simple_vocab_16e6
  (the copy strobe ships); padding "<|endoftext|>" (tokenizer) and "!" (tokenizer_2), as SDXL.
- VAE: 4 levels (latent = image / 8), scaling_factor 0.13025, 4 latent channels.
- Scheduler: EulerDiscreteScheduler, SDXL's training schedule, timestep_spacing "trailing",
  prediction_type epsilon (2, 4, 8 steps) or sample (1 step), as SDXL-Lightning.

    python make_pipeline.py --out DIR [--preset small|tiny] [--seed 0] [--prediction epsilon|sample]
"""
import argparse
import gzip
import json
import os

import torch

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
CLIP_MERGES = os.path.join(REPO, "trt-engines", "src", "main", "resources", "dev", "strobe", "model", "clip",
                           "bpe_simple_vocab_16e6.txt.gz")

# Widths and depths per preset. "small" is the live comparison's; "tiny" makes the golden fixtures
# that `mvn verify` runs (a few MB, mostly the two 49408-row embedding tables).
PRESETS = {
    "small": dict(
        te1=dict(hidden=32, layers=3, heads=4, intermediate=64),
        te2=dict(hidden=64, layers=4, heads=4, intermediate=128, projection=64),
        unet=dict(channels=(32, 64, 128), layers=2, transformer_layers=(1, 2, 2), heads=(2, 4, 8),
                  time_embed=16, groups=32),
        vae=dict(channels=(16, 32, 32, 32), layers=1, groups=16),
    ),
    "tiny": dict(
        te1=dict(hidden=8, layers=2, heads=2, intermediate=16),
        te2=dict(hidden=8, layers=3, heads=2, intermediate=16, projection=8),
        unet=dict(channels=(8, 16, 16), layers=1, transformer_layers=(1, 1, 2), heads=(1, 2, 2),
                  time_embed=4, groups=8),
        vae=dict(channels=(8, 8, 8, 8), layers=1, groups=8),
    ),
}


def bytes_to_unicode():
    """CLIP's reversible map from the 256 byte values to printable unicode characters."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("\xa1"), ord("\xac") + 1)) \
        + list(range(ord("\xae"), ord("\xff") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


def write_clip_files(folder):
    """vocab.json and merges.txt in transformers' CLIPTokenizer format, from CLIP's merge list."""
    with gzip.open(CLIP_MERGES, "rt", encoding="utf-8") as f:
        merges = f.read().split("\n")[1:49152 - 256 - 2 + 1]
    symbols = list(bytes_to_unicode().values())
    vocab = symbols + [s + "</w>" for s in symbols] + ["".join(m.split()) for m in merges]
    vocab += ["<|startoftext|>", "<|endoftext|>"]
    assert len(vocab) == 49408
    os.makedirs(folder, exist_ok=True)
    vocab_file = os.path.join(folder, "vocab.json")
    merges_file = os.path.join(folder, "merges.txt")
    with open(vocab_file, "w", encoding="utf-8") as f:
        json.dump({t: i for i, t in enumerate(vocab)}, f, ensure_ascii=False)
    with open(merges_file, "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n" + "\n".join(merges) + "\n")
    return vocab_file, merges_file


def text_encoders(p):
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTextModelWithProjection

    def config(c, act, projection):
        return CLIPTextConfig(
            vocab_size=49408, hidden_size=c["hidden"], intermediate_size=c["intermediate"],
            num_hidden_layers=c["layers"], num_attention_heads=c["heads"], max_position_embeddings=77,
            hidden_act=act, projection_dim=projection, bos_token_id=0, eos_token_id=2, pad_token_id=1,
            layer_norm_eps=1e-5)

    te1 = CLIPTextModel(config(p["te1"], "quick_gelu", 768))
    te2 = CLIPTextModelWithProjection(config(p["te2"], "gelu", p["te2"]["projection"]))
    return te1, te2


def unet(p, cross_attention_dim, pooled_dim):
    from diffusers import UNet2DConditionModel
    u = p["unet"]
    return UNet2DConditionModel(
        sample_size=32, in_channels=4, out_channels=4,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"),
        block_out_channels=u["channels"], layers_per_block=u["layers"],
        transformer_layers_per_block=u["transformer_layers"], attention_head_dim=u["heads"],
        norm_num_groups=u["groups"], cross_attention_dim=cross_attention_dim, use_linear_projection=True,
        addition_embed_type="text_time", addition_time_embed_dim=u["time_embed"],
        projection_class_embeddings_input_dim=6 * u["time_embed"] + pooled_dim)


def vae(p):
    from diffusers import AutoencoderKL
    v = p["vae"]
    return AutoencoderKL(
        in_channels=3, out_channels=3, latent_channels=4,
        down_block_types=("DownEncoderBlock2D",) * 4, up_block_types=("UpDecoderBlock2D",) * 4,
        block_out_channels=v["channels"], layers_per_block=v["layers"], norm_num_groups=v["groups"],
        sample_size=256, scaling_factor=0.13025, force_upcast=True)


def scheduler(prediction):
    from diffusers import EulerDiscreteScheduler
    return EulerDiscreteScheduler(
        num_train_timesteps=1000, beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear",
        timestep_spacing="trailing", prediction_type=prediction, steps_offset=1, interpolation_type="linear",
        use_karras_sigmas=False)


def build(preset="small", seed=0, prediction="epsilon", tokenizer_dir=None):
    """The pipeline (random weights from `seed`); `tokenizer_dir` holds CLIP's vocab.json/merges.txt."""
    from diffusers import StableDiffusionXLPipeline
    from transformers import CLIPTokenizer
    p = PRESETS[preset]
    torch.manual_seed(seed)
    te1, te2 = text_encoders(p)
    u = unet(p, p["te1"]["hidden"] + p["te2"]["hidden"], p["te2"]["projection"])
    v = vae(p)
    for m in (te1, te2, u, v):
        m.eval()
    vocab, merges = write_clip_files(tokenizer_dir)
    tok1 = CLIPTokenizer(vocab, merges, pad_token="<|endoftext|>", model_max_length=77)
    tok2 = CLIPTokenizer(vocab, merges, pad_token="!", model_max_length=77)
    return StableDiffusionXLPipeline(
        vae=v, text_encoder=te1, text_encoder_2=te2, tokenizer=tok1, tokenizer_2=tok2, unet=u,
        scheduler=scheduler(prediction), force_zeros_for_empty_prompt=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="folder the diffusers pipeline is saved into")
    ap.add_argument("--preset", default="small", choices=sorted(PRESETS))
    ap.add_argument("--seed", type=int, default=0, help="seed of the random weights")
    ap.add_argument("--prediction", default="epsilon", choices=["epsilon", "sample"])
    args = ap.parse_args()
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        pipe = build(args.preset, args.seed, args.prediction, tmp)
        pipe.save_pretrained(args.out)
    n = {k: sum(x.numel() for x in getattr(pipe, k).parameters())
         for k in ("text_encoder", "text_encoder_2", "unet", "vae")}
    print("wrote %s (preset %s, seed %d, %s; parameters %s)" % (args.out, args.preset, args.seed, args.prediction, n))


if __name__ == "__main__":
    main()
