"""The real ghz against a live strobe server, through run-ghz.sh. CI runs it from .ci/deploy.sh:

    STROBE_GHZ_TARGET=127.0.0.1:54001 STROBE_GHZ_METRICS=127.0.0.1:54101 \\
    STROBE_PROTOSET=proto/target/protoset/strobe.protoset \\
    python3 -m unittest loadtest/ghz/live_test_ghz.py

ghz must be on the PATH. Every run is bounded (a few calls, loopback only). Not picked up by the
unit-test discovery (test_*.py), which must pass without a server.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
BASH = shutil.which("bash") or "/bin/bash"


def required_env(name):
    value = os.environ.get(name)
    if not value:
        raise RuntimeError("%s is not set; see the docstring of live_test_ghz.py" % name)
    return value


def read_json(path):
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def scrape(metrics, name, labels=""):
    """The sum of a Prometheus counter's samples whose label text contains `labels`."""
    with urllib.request.urlopen("http://%s/metrics" % metrics, timeout=10) as response:
        text = response.read().decode()
    total = 0.0
    for line in text.splitlines():
        m = re.match(r"^%s(\{[^}]*\})? ([0-9.eE+-]+)$" % re.escape(name), line)
        if m and labels in (m.group(1) or ""):
            total += float(m.group(2))
    return total


class LiveGhzTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.target = required_env("STROBE_GHZ_TARGET")
        cls.metrics = required_env("STROBE_GHZ_METRICS")
        cls.protoset = required_env("STROBE_PROTOSET")
        if not shutil.which("ghz"):
            raise RuntimeError("ghz is not on the PATH")

    def setUp(self):
        self.out = tempfile.mkdtemp(prefix="ghz-live-")

    def tearDown(self):
        shutil.rmtree(self.out)

    def run_ghz(self, *args):
        result = subprocess.run([BASH, os.path.join(HERE, "run-ghz.sh"), "--out", self.out, *args],
                                capture_output=True, text=True, env=dict(os.environ, PYTHON=sys.executable),
                                timeout=300)
        return result, read_json(os.path.join(self.out, "ghz-config.json")), \
            read_json(os.path.join(self.out, "ghz-report.json"))

    def test_through_reflection_streams_with_previews_and_the_kit_timeout(self):
        previews_before = scrape(self.metrics, "strobe_time_to_first_preview_seconds_count")
        result, config, report = self.run_ghz("--target", self.target, "--total", "6", "--concurrency", "3")
        self.assertEqual(0, result.returncode, result.stderr)
        self.assertNotIn("protoset", config, "the service is found through server reflection")
        self.assertEqual(120e9, report["options"]["timeout"], "the kit's timeout, not ghz's 20 s")
        self.assertTrue(report["options"]["count-errors"])
        self.assertEqual({"OK": 6}, report["statusCodeDistribution"])
        summary = json.loads(result.stdout.strip().splitlines()[-1])
        self.assertEqual(6, summary["completed"])
        self.assertEqual({}, summary["errors"])
        self.assertGreater(summary["latency_p50_ms"], 0)
        self.assertIsNone(summary["ttfp_p50_ms"], "ghz sees no preview")
        # The streams did carry previews: the server timed a first preview for each call.
        self.assertGreaterEqual(scrape(self.metrics, "strobe_time_to_first_preview_seconds_count") - previews_before, 6)

    def test_with_the_protoset_and_another_request_body(self):
        result, config, report = self.run_ghz("--target", self.target, "--protoset", self.protoset,
                                              "--data", os.path.join(HERE, "data.json"), "--total", "4",
                                              "--concurrency", "2", "--timeout", "90s")
        self.assertEqual(0, result.returncode, result.stderr)
        self.assertEqual(os.path.abspath(self.protoset), config["protoset"])
        self.assertEqual(90e9, report["options"]["timeout"])
        self.assertEqual({"OK": 4}, report["statusCodeDistribution"])
        self.assertEqual("a red fox in fresh snow, morning light, telephoto", report["options"]["data"]["prompt"])

    def test_failed_calls_fail_the_run_although_ghz_exits_zero(self):
        # A loopback port nothing listens on: every call fails with UNAVAILABLE (with the protoset, since
        # through reflection ghz would stop before making any call).
        result, _, report = self.run_ghz("--target", "127.0.0.1:1", "--protoset", self.protoset, "--total", "3",
                                         "--concurrency", "1")
        self.assertEqual(1, result.returncode)
        self.assertIn("no call completed", result.stderr)
        self.assertEqual({"Unavailable": 3}, report["statusCodeDistribution"])


if __name__ == "__main__":
    unittest.main()
