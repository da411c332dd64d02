"""Tests of ghz_summary.py and run-ghz.sh. Run: python3 -m unittest discover -s loadtest/ghz -p 'test_*.py'

The converter is tested on sample-ghz-report.json, a report written by hand in ghz's documented JSON
layout (ghz is not installable on the build machines). run-ghz.sh is tested with a stand-in `ghz` on the
PATH that records its config and writes the sample report where the config says.
"""

import copy
import json
import math
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
BASH = shutil.which("bash") or "/bin/bash"
sys.path.insert(0, HERE)
import ghz_summary  # noqa: E402

with open(os.path.join(HERE, "sample-ghz-report.json"), encoding="utf-8") as _f:
    SAMPLE = json.load(_f)


def read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def ok_latencies_ms():
    return sorted(d["latency"] / 1e6 for d in SAMPLE["details"] if d["status"] == "OK")


class SummarizeTest(unittest.TestCase):

    def test_errors_come_from_the_status_code_distribution_with_canonical_names(self):
        s = ghz_summary.summarize(SAMPLE)
        self.assertEqual(SAMPLE["statusCodeDistribution"]["OK"], s["completed"])
        self.assertEqual({"DEADLINE_EXCEEDED": 1, "RESOURCE_EXHAUSTED": 2}, s["errors"])
        self.assertAlmostEqual(3 / 12, s["error_ratio"], places=3)
        self.assertEqual(12, s["sent"])

    def test_latency_percentiles_use_only_successful_calls(self):
        s = ghz_summary.summarize(SAMPLE)
        ok = ok_latencies_ms()
        self.assertEqual(ok[math.ceil(0.5 * len(ok)) - 1], s["latency_p50_ms"])
        self.assertEqual(ok[-1], s["latency_p99_ms"])
        self.assertLess(s["latency_max_ms"], 20000, "the 20 s deadline failure is not a latency sample")

    def test_ghz_cannot_see_previews(self):
        s = ghz_summary.summarize(SAMPLE)
        self.assertIsNone(s["ttfp_p50_ms"])
        self.assertIsNone(s["ttfp_p99_ms"])

    def test_throughput_counts_images_of_completed_calls_over_the_run(self):
        s = ghz_summary.summarize(SAMPLE)
        total_s = SAMPLE["total"] / 1e9
        self.assertAlmostEqual(9 / total_s, s["images_per_s"], places=3)
        report = copy.deepcopy(SAMPLE)
        report["options"]["data"]["num_images"] = 4
        self.assertAlmostEqual(36 / total_s, ghz_summary.summarize(report)["images_per_s"], places=3)
        self.assertAlmostEqual(18 / total_s, ghz_summary.summarize(SAMPLE, num_images=2)["images_per_s"], places=3)

    def test_without_details_the_latency_distribution_is_used(self):
        report = copy.deepcopy(SAMPLE)
        del report["details"]
        s = ghz_summary.summarize(report)
        by_pct = {e["percentage"]: e["latency"] / 1e6 for e in SAMPLE["latencyDistribution"]}
        self.assertEqual(by_pct[50], s["latency_p50_ms"])
        self.assertEqual(by_pct[99], s["latency_p99_ms"])

    def test_a_run_where_every_call_failed_has_no_latency(self):
        report = copy.deepcopy(SAMPLE)
        report["statusCodeDistribution"] = {"Unavailable": 12}
        report["details"] = [dict(d, status="Unavailable", error="rpc error: code = Unavailable") for d in report["details"]]
        report["latencyDistribution"] = None
        s = ghz_summary.summarize(report)
        self.assertEqual(0, s["completed"])
        self.assertEqual({"UNAVAILABLE": 12}, s["errors"])
        self.assertIsNone(s["latency_p50_ms"])
        self.assertEqual(0.0, s["images_per_s"])

    def test_go_code_names_map_to_grpc_names(self):
        self.assertEqual("RESOURCE_EXHAUSTED", ghz_summary.canonical_code("ResourceExhausted"))
        self.assertEqual("CANCELLED", ghz_summary.canonical_code("Canceled"))
        self.assertEqual("UNAUTHENTICATED", ghz_summary.canonical_code("Unauthenticated"))
        self.assertEqual("UNKNOWN", ghz_summary.canonical_code(""))
        self.assertEqual("DEADLINE_EXCEEDED", ghz_summary.canonical_code("DEADLINE_EXCEEDED"))

    def test_the_command_prints_the_json_object_last(self):
        out = subprocess.run([sys.executable, os.path.join(HERE, "ghz_summary.py"),
                              os.path.join(HERE, "sample-ghz-report.json")],
                             capture_output=True, text=True, check=True).stdout
        last = json.loads(out.strip().splitlines()[-1])
        self.assertEqual(["completed", "ttfp_p50_ms", "ttfp_p99_ms", "latency_p50_ms", "latency_p99_ms",
                          "images_per_s", "errors"], list(last)[:7])

    def test_the_command_refuses_a_file_that_is_no_ghz_report(self):
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump({"hello": 1}, f)
        try:
            result = subprocess.run([sys.executable, os.path.join(HERE, "ghz_summary.py"), f.name],
                                    capture_output=True, text=True)
            self.assertEqual(2, result.returncode)
            self.assertIn("not a ghz JSON report", result.stderr)
        finally:
            os.unlink(f.name)


FAKE_GHZ = """#!/usr/bin/env python3
# Stand-in for ghz: records its arguments and config, writes the sample report to the config's output.
import json, shutil, sys
args = sys.argv[1:]
config = json.load(open(args[args.index("--config") + 1]))
json.dump({"args": args, "config": config}, open(%(record)r, "w"))
shutil.copy(%(sample)r, config["output"])
"""


class RunGhzTest(unittest.TestCase):

    def setUp(self):
        self.dir = tempfile.mkdtemp()
        self.bin = os.path.join(self.dir, "bin")
        os.mkdir(self.bin)
        self.record = os.path.join(self.dir, "record.json")

    def tearDown(self):
        shutil.rmtree(self.dir)

    def install_fake_ghz(self):
        path = os.path.join(self.bin, "ghz")
        with open(path, "w") as f:
            f.write(FAKE_GHZ % {"record": self.record, "sample": os.path.join(HERE, "sample-ghz-report.json")})
        os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)

    def run_script(self, *args, with_system_path=True):
        path = self.bin + (os.pathsep + "/usr/bin:/bin" if with_system_path else "")
        env = dict(os.environ, PATH=path, PYTHON=sys.executable)
        return subprocess.run([BASH, os.path.join(HERE, "run-ghz.sh"), *args], capture_output=True, text=True,
                              env=env, cwd=self.dir)

    def test_without_ghz_it_says_so_and_exits_127(self):
        result = self.run_script("--target", "localhost:1", with_system_path=False)
        self.assertEqual(127, result.returncode)
        self.assertIn("ghz is not on the PATH", result.stderr)

    def test_it_composes_the_config_and_converts_the_report(self):
        self.install_fake_ghz()
        protoset = os.path.join(self.dir, "strobe.protoset")
        open(protoset, "wb").close()
        result = self.run_script("--target", "127.0.0.1:6000", "--protoset", protoset, "--total", "12",
                                 "--concurrency", "3", "--out", "out", "--max-errors", "0.5")
        self.assertEqual(0, result.returncode, result.stderr)
        config = read_json(self.record)["config"]
        self.assertEqual("127.0.0.1:6000", config["host"])
        self.assertEqual(protoset, config["protoset"])
        self.assertEqual(12, config["total"])
        self.assertNotIn("duration", config)
        self.assertEqual(3, config["concurrency"])
        self.assertEqual("json", config["format"])
        self.assertEqual("strobe.v1.ImageGenerator/Generate", config["call"])
        last = json.loads(result.stdout.strip().splitlines()[-1])
        self.assertEqual(9, last["completed"])
        self.assertTrue(os.path.exists(os.path.join(self.dir, "out", "summary.json")))

    def test_reflection_is_the_default(self):
        self.install_fake_ghz()
        self.run_script("--out", "out", "--max-errors", "0.5")
        config = read_json(self.record)["config"]
        self.assertNotIn("protoset", config)
        self.assertNotIn("proto", config)

    def test_errors_above_the_limit_fail_the_run_although_ghz_exited_zero(self):
        self.install_fake_ghz()
        result = self.run_script("--out", "out")
        self.assertEqual(1, result.returncode)
        self.assertIn("error ratio 0.250 exceeds --max-errors 0.010", result.stderr)

    def test_bad_arguments_exit_2(self):
        self.assertEqual(2, self.run_script("--duration", "10s", "--total", "5").returncode)
        self.assertEqual(2, self.run_script("--protoset", "/nonexistent.protoset").returncode)


if __name__ == "__main__":
    unittest.main()
