#!/usr/bin/env python3
"""The replica tests CI runs (.ci/deploy.sh): 3 strobe replicas on loopback, nginx in front, ghz and
./strobe loadtest through nginx and with client-side round_robin (a host:port list). Scenarios:
spread, rolling restart (SIGTERM), a full replica (RESOURCE_EXHAUSTED + client retries), SIGKILL.
Prints the figures and, last, one JSON object; exits 1 when a check fails.

    python3 deploy/local/scenarios.py        # needs nginx (/usr/sbin/nginx) and ghz on the PATH
"""

import json
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cluster import ROOT, Cluster  # noqa: E402

FAILURES = []
PASSED = []
FIGURES = {}


def check(ok, what):
    print(("  ok   " if ok else "  FAIL ") + what, flush=True)
    (PASSED if ok else FAILURES).append(what)


def loadtest(target, *args, background=False):
    cmd = [os.path.join(ROOT, "strobe"), "loadtest", "run", "--target", target, "--size", "256x256",
           "--warmup", "0s", "--drain-timeout", "60s", "--deadline", "60s"] + list(args)
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ, STROBE_JAVA_OPTS="-Xmx512m"))
    return proc if background else finish(proc)


def finish(proc, timeout=240):
    out, err = proc.communicate(timeout=timeout)  # a hang fails the scenario with TimeoutExpired
    lines = out.strip().splitlines()
    if not lines:
        raise RuntimeError("loadtest printed nothing: " + err)
    return json.loads(lines[-1])


def ghz(target, data, total, concurrency):
    out = os.path.join(ROOT, "target", "deploy-local", "ghz")
    r = subprocess.run(["bash", os.path.join(ROOT, "loadtest", "ghz", "run-ghz.sh"), "--target", target,
                        "--data", data, "--total", str(total), "--concurrency", str(concurrency), "--out", out,
                        "--max-errors", "1"], capture_output=True, text=True, timeout=300)
    return json.loads(r.stdout.strip().splitlines()[-1])


def ok_counts(cluster):
    return [r.requests("OK") for r in cluster.replicas]


def share(before, after):
    d = [a - b for a, b in zip(after, before)]
    total = sum(d) or 1
    return [round(x / total, 3) for x in d], d


def figure(name, summary, shares=None):
    FIGURES[name] = {k: summary.get(k) for k in ("completed", "errors", "ttfp_p50_ms", "ttfp_p99_ms",
                                                   "latency_p50_ms", "latency_p99_ms")}
    if shares is not None:
        FIGURES[name]["replica_share"] = shares
    print("  %-34s %s" % (name, json.dumps(FIGURES[name])), flush=True)


def spread(c, data):
    print("== 1. load spreads over every replica", flush=True)
    for name, target in (("loadtest via nginx", c.balancer), ("loadtest client round_robin", c.direct)):
        before = ok_counts(c)
        s = loadtest(target, "--concurrency", "6", "--duration", "10s")
        shares, d = share(before, ok_counts(c))
        figure(name, s, shares)
        check(s["errors"] == {} and s["completed"] > 0, name + ": no error")
        check(all(x > 0 for x in d), name + ": every replica served a share %s" % d)
    before = ok_counts(c)
    g = ghz(c.balancer, data, 30, 6)
    shares, d = share(before, ok_counts(c))
    figure("ghz via nginx", g, shares)
    check(g["errors"] == {} and g["completed"] == 30, "ghz via nginx: 30 calls, no error")
    check(all(x > 0 for x in d), "ghz via nginx: every replica served a share %s" % d)


def rolling_restart(c):
    print("== 2. rolling restart: SIGTERM replica 0 under load", flush=True)
    victim = c.replicas[0]
    runs = {"restart via nginx": loadtest(c.balancer, "--concurrency", "4", "--duration", "20s", background=True),
            "restart client round_robin": loadtest(c.direct, "--concurrency", "4", "--duration", "20s",
                                                   background=True)}
    time.sleep(6)  # let both runs reach every replica before the signal
    served_before = victim.requests("OK")
    victim.signal(signal.SIGTERM)
    check(victim.wait_exit(120) == 0, "replica 0 drained and exited 0")
    with open(victim.log) as f:
        check("stopped: every stream finished" in f.read(), "replica 0 finished every stream it had accepted")
    c.restart(victim)
    for name, proc in runs.items():
        s = finish(proc)
        figure(name, s)
        check(s["errors"] == {} and s["completed"] > 0, name + ": 0 failed requests")
    check(served_before > 0, "replica 0 served before the SIGTERM")
    s = loadtest(c.direct, "--concurrency", "6", "--duration", "6s")
    check(victim.requests("OK") > 0 and s["errors"] == {}, "replica 0 came back and takes load again")


def full_replica(c):
    print("== 3. a full replica answers RESOURCE_EXHAUSTED, the client retries elsewhere", flush=True)
    small = c.replicas[2]
    small.signal(signal.SIGTERM)
    small.wait_exit(120)
    small.extra = ["--queue-size", "1", "--max-active-images", "4"]
    c.restart(small)
    for name, target in (("full replica via nginx", c.balancer), ("full replica client round_robin", c.direct)):
        shed = small.requests("RESOURCE_EXHAUSTED")
        # 36 streams over 3 replicas put about 12 on the small one, which holds 5 (4 active, 1 queued);
        # a client's round_robin may start on the replicas that were ready first, so the run lasts
        # long enough for its calls to reach the small one too.
        s = loadtest(target, "--concurrency", "36", "--duration", "15s", "--retries", "8")
        figure(name, s)
        check(small.requests("RESOURCE_EXHAUSTED") > shed, name + ": the small replica refused requests")
        check(s["errors"] == {}, name + ": no client error (refusals retried on another replica)")
    small.signal(signal.SIGTERM)  # back to the normal size for what follows
    small.wait_exit(120)
    small.extra = []
    c.restart(small)


def sigkill(c):
    print("== 4. SIGKILL one replica under load", flush=True)
    victim, others = c.replicas[1], [c.replicas[0], c.replicas[2]]
    # One load run per kill: with both runs at once, the replica's open streams may all belong to one
    # of them, and the other would see nothing fail. Through nginx a stream cut mid-way reaches the
    # client as nginx's RST_STREAM(INTERNAL_ERROR), which gRPC reports as INTERNAL; a stream nginx had
    # not yet answered is retried or UNAVAILABLE. The direct client sees the connection drop: UNAVAILABLE.
    for name, target, allowed in (("sigkill client round_robin", c.direct, {"UNAVAILABLE"}),
                                  ("sigkill via nginx", c.balancer, {"UNAVAILABLE", "INTERNAL"})):
        if victim.proc.poll() is not None:
            c.restart(victim)
        # 9 streams: about 3 on each replica, so the kill finds several in flight (a stream may end
        # between the gauge's reading and the signal).
        run = loadtest(target, "--concurrency", "9", "--duration", "15s", background=True)
        # Kill it while it holds streams of this run (the driver takes a few seconds to start).
        deadline = time.time() + 60
        while victim.gauge("strobe_open_streams") < 3 and time.time() < deadline:
            time.sleep(0.2)
        in_flight = victim.gauge("strobe_open_streams")
        check(in_flight >= 2, "%s: replica 1 holds streams when it is killed (%d open)" % (name, in_flight))
        before = [r.requests("OK") for r in others]
        victim.signal(signal.SIGKILL)
        victim.wait_exit(30)
        s = finish(run)  # finish() times out on a hang
        figure(name, s)
        failed = sum(s["errors"].values())
        check(failed >= 1 and set(s["errors"]) <= allowed,
              "%s: the killed replica's streams failed (%d failed, it held %d) and were counted as %s: %s"
              % (name, failed, in_flight, "/".join(sorted(allowed)), s["errors"]))
        check(all(r.requests("OK") > b for r, b in zip(others, before)), name + ": the other replicas kept serving")


def main():
    data = os.path.join(ROOT, "target", "deploy-local", "ghz-data.json")
    c = Cluster(3)
    os.makedirs(c.workdir, exist_ok=True)
    with open(data, "w") as f:
        json.dump({"prompt": "a lighthouse at dusk", "width": 256, "height": 256,
                   "preview": {"format": "PREVIEW_FORMAT_JPEG"}, "request_id": "ghz-{{.RequestNumber}}"}, f)
    started = time.time()
    try:
        c.start()
        spread(c, data)
        rolling_restart(c)
        full_replica(c)
        sigkill(c)
    finally:
        c.stop()
    print("%d passed, %d failed" % (len(PASSED), len(FAILURES)))
    print(json.dumps({"figures": FIGURES, "failures": FAILURES, "seconds": round(time.time() - started)}))
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
