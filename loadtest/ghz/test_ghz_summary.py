"""Tests of ghz_summary.py and run-ghz.sh on reports recorded from the real ghz (v0.121.0) against a
strobe server. Run: python3 -m unittest discover -s loadtest/ghz -p 'test_*.py'

The fixtures in fixtures/ are unedited `ghz -O json --count-errors` reports (see fixtures/README.md for
the commands that made them). live_test_ghz.py runs the real binary against a live server; CI runs it
from .ci/deploy.sh.
"""

import copy
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures")
BASH = shutil.which("bash") or "/bin/bash"
sys.path.insert(0, HERE)
import ghz_summary  # noqa: E402


def fixture(name):
    with open(os.path.join(FIXTURES, name + ".json"), encoding="utf-8") as f:
        return json.load(f)


QUEUE_FULL = fixture("ghz-protoset-queue-full")
DEADLINES = fixture("ghz-protoset-deadlines")
REFLECTION = fixture("ghz-reflection-ok")
REFUSED = fixture("ghz-connection-refused")


def ok_latencies_ms(report):
    return sorted(d["latency"] / 1e6 for d in report["details"] if d["status"] == "OK")


def nearest_rank(values, q):
    return values[max(0, math.ceil(q * len(values)) - 1)]


class RealReportTest(unittest.TestCase):

    def test_errors_come_from_the_status_code_distribution_with_canonical_names(self):
        s = ghz_summary.summarize(QUEUE_FULL)
        self.assertEqual(QUEUE_FULL["statusCodeDistribution"]["OK"], s["completed"])
        self.assertEqual({"RESOURCE_EXHAUSTED": QUEUE_FULL["statusCodeDistribution"]["ResourceExhausted"]},
                         s["errors"])
        self.assertEqual(QUEUE_FULL["count"], s["sent"])
        self.assertAlmostEqual(round(5 / 33, 3), s["error_ratio"], places=3)
        d = ghz_summary.summarize(DEADLINES)
        self.assertEqual({"DEADLINE_EXCEEDED": 14}, d["errors"])

    def test_latency_percentiles_cover_successful_calls_only_although_ghz_counted_errors(self):
        self.assertTrue(QUEUE_FULL["options"]["count-errors"], "the fixture was recorded with --count-errors")
        s = ghz_summary.summarize(QUEUE_FULL)
        ok = ok_latencies_ms(QUEUE_FULL)
        self.assertEqual(round(nearest_rank(ok, 0.5), 3), s["latency_p50_ms"])
        self.assertEqual(round(ok[-1], 3), s["latency_p99_ms"])
        shed = [d["latency"] / 1e6 for d in QUEUE_FULL["details"] if d["status"] != "OK"]
        self.assertLess(max(shed), min(ok), "a full replica refuses at once, faster than any generation")
        # ghz's own distribution mixes those fast refusals in: its p10 is one of them.
        ghz_p10 = {e["percentage"]: e["latency"] / 1e6 for e in QUEUE_FULL["latencyDistribution"]}[10]
        self.assertLess(ghz_p10, min(ok))

    def test_a_call_cut_by_its_timeout_is_no_latency_sample(self):
        s = ghz_summary.summarize(DEADLINES)
        timeout_ms = DEADLINES["options"]["timeout"] / 1e6
        cut = [d for d in DEADLINES["details"] if d["error"].endswith("context deadline exceeded")]
        self.assertTrue(cut, "the fixture has calls that ghz's --timeout cut")
        self.assertLess(s["latency_max_ms"], timeout_ms)
        self.assertEqual(round(max(ok_latencies_ms(DEADLINES)), 3), s["latency_max_ms"])

    def test_without_details_a_count_errors_distribution_is_not_passed_off_as_success_latency(self):
        report = copy.deepcopy(DEADLINES)
        del report["details"]
        s = ghz_summary.summarize(report)
        self.assertIsNone(s["latency_p50_ms"])
        self.assertIsNone(s["latency_p99_ms"])
        report["options"]["count-errors"] = False
        by_pct = {e["percentage"]: e["latency"] / 1e6 for e in DEADLINES["latencyDistribution"]}
        s = ghz_summary.summarize(report)
        self.assertEqual(round(by_pct[50], 3), s["latency_p50_ms"])
        self.assertEqual(round(by_pct[99], 3), s["latency_p99_ms"])

    def test_ghz_cannot_see_previews(self):
        self.assertEqual("PREVIEW_FORMAT_JPEG", REFLECTION["options"]["data"]["preview"]["format"])
        s = ghz_summary.summarize(REFLECTION)
        self.assertIsNone(s["ttfp_p50_ms"])
        self.assertIsNone(s["ttfp_p99_ms"])

    def test_throughput_counts_images_of_completed_calls_over_the_run(self):
        s = ghz_summary.summarize(REFLECTION)
        total_s = REFLECTION["total"] / 1e9
        self.assertEqual(12, s["completed"])
        self.assertAlmostEqual(12 / total_s, s["images_per_s"], places=3)
        report = copy.deepcopy(REFLECTION)
        report["options"]["data"]["num_images"] = 4
        self.assertAlmostEqual(48 / total_s, ghz_summary.summarize(report)["images_per_s"], places=3)
        self.assertAlmostEqual(24 / total_s, ghz_summary.summarize(REFLECTION, num_images=2)["images_per_s"],
                               places=3)

    def test_a_paced_run_is_reported_as_open_loop_at_ghz_rps(self):
        s = ghz_summary.summarize(QUEUE_FULL)
        self.assertEqual("open", s["mode"])
        self.assertEqual(4, s["offered_rate"])
        self.assertEqual("closed", ghz_summary.summarize(REFLECTION)["mode"])

    def test_a_run_where_no_connection_could_be_made(self):
        s = ghz_summary.summarize(REFUSED)
        self.assertEqual(0, s["completed"])
        self.assertEqual({"UNAVAILABLE": 24}, s["errors"])
        self.assertIsNone(s["latency_p50_ms"])
        self.assertEqual(0.0, s["images_per_s"])
        self.assertEqual(1.0, s["error_ratio"])

    def test_go_code_names_map_to_grpc_names(self):
        self.assertEqual("RESOURCE_EXHAUSTED", ghz_summary.canonical_code("ResourceExhausted"))
        self.assertEqual("CANCELLED", ghz_summary.canonical_code("Canceled"))
        self.assertEqual("UNAUTHENTICATED", ghz_summary.canonical_code("Unauthenticated"))
        self.assertEqual("UNKNOWN", ghz_summary.canonical_code(""))
        self.assertEqual("DEADLINE_EXCEEDED", ghz_summary.canonical_code("DEADLINE_EXCEEDED"))

    def test_the_command_prints_the_json_object_last(self):
        out = subprocess.run([sys.executable, os.path.join(HERE, "ghz_summary.py"),
                              os.path.join(FIXTURES, "ghz-protoset-queue-full.json")],
                             capture_output=True, text=True, check=True).stdout
        last = json.loads(out.strip().splitlines()[-1])
        self.assertEqual(["completed", "ttfp_p50_ms", "ttfp_p99_ms", "latency_p50_ms", "latency_p99_ms",
                          "images_per_s", "errors"], list(last)[:7])
        self.assertEqual(28, last["completed"])
        self.assertIn("RESOURCE_EXHAUSTED=5", out)

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


class RunGhzArgumentsTest(unittest.TestCase):
    """What run-ghz.sh decides before ghz runs; live_test_ghz.py covers the runs themselves."""

    def run_script(self, *args, path="/usr/bin:/bin"):
        env = dict(os.environ, PATH=path, PYTHON=sys.executable)
        return subprocess.run([BASH, os.path.join(HERE, "run-ghz.sh"), *args], capture_output=True, text=True,
                              env=env, cwd=tempfile.gettempdir())

    def test_without_ghz_it_says_how_to_install_it_and_exits_127(self):
        empty = tempfile.mkdtemp()
        try:
            result = self.run_script("--target", "localhost:1", path=empty)
        finally:
            os.rmdir(empty)
        self.assertEqual(127, result.returncode)
        self.assertIn("ghz is not on the PATH", result.stderr)
        self.assertIn("go install github.com/bojand/ghz/cmd/ghz@v0.121.0", result.stderr)

    def test_bad_arguments_exit_2(self):
        self.assertEqual(2, self.run_script("--duration", "10s", "--total", "5").returncode)
        self.assertEqual(2, self.run_script("--protoset", "/nonexistent.protoset").returncode)
        self.assertEqual(2, self.run_script("--timeout").returncode)

    def test_the_kit_sets_a_stream_length_timeout_counts_errors_and_takes_large_images(self):
        with open(os.path.join(HERE, "ghz.json"), encoding="utf-8") as f:
            config = json.load(f)
        self.assertEqual("120s", config["timeout"], "ghz's default 20 s would cut long streams")
        self.assertTrue(config["count-errors"])
        self.assertEqual("64MiB", config["max-recv-message-size"])


if __name__ == "__main__":
    unittest.main()
