"""Tests of export_vae_onnx.py: argument rules and config.json without torch; the real export of a
tiny random VAE only where torch, diffusers and onnxruntime are installed (skipped otherwise)."""
import importlib.util
import os
import tempfile
import unittest

import export_vae_onnx as ev


def have(*modules):
    return all(importlib.util.find_spec(m) is not None for m in modules)


class ArgumentsTest(unittest.TestCase):
    def test_fp16_fix_is_the_default(self):
        self.assertEqual("fp16-fix", ev.parse_args(["--out", "x"]).vae)

    def test_stock_vae_in_fp16_is_refused(self):
        with self.assertRaises(SystemExit):
            ev.parse_args(["--out", "x", "--vae", "stock", "--fp16"])

    def test_config_keeps_the_scaling_factor_import_optimum_reads(self):
        c = ev.decoder_config({"latent_channels": 4, "scaling_factor": 0.13025, "force_upcast": True})
        self.assertEqual(0.13025, c["scaling_factor"])
        self.assertEqual(4, c["latent_channels"])
        self.assertNotIn("force_upcast", c)


@unittest.skipUnless(have("torch", "diffusers", "onnxruntime", "onnx"), "needs torch, diffusers, onnx, onnxruntime")
class TinyExportTest(unittest.TestCase):
    def test_tiny_random_vae_exports_with_optimums_interface(self):
        import onnx

        with tempfile.TemporaryDirectory() as d:
            path = ev.export(ev.parse_args(["--out", d, "--tiny-random"]))
            model = onnx.load(path)
            self.assertEqual(["latent_sample"], [i.name for i in model.graph.input])
            self.assertEqual(["sample"], [o.name for o in model.graph.output])
            self.assertEqual(0, ev.check(path, False))
            self.assertTrue(os.path.isfile(os.path.join(d, "config.json")))


if __name__ == "__main__":
    unittest.main()
