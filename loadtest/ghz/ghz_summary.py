#!/usr/bin/env python3
"""Turns a ghz JSON report (ghz -O json) into the summary JSON of strobe's load driver.

    python3 loadtest/ghz/ghz_summary.py ghz-report.json [--num-images N] [--offered-rate R]

Prints a few readable lines, then as the LAST line one JSON object with the driver's keys
(completed, ttfp_p50_ms, ttfp_p99_ms, latency_p50_ms, latency_p99_ms, images_per_s, errors, ...).

What ghz cannot see is reported as null: a server stream is one call to ghz, so there is no time to
first preview, and "latency" is the time to the end of the stream (the done event), which is the time
to the final image plus one message. Errors come from the status-code distribution, because ghz exits
0 even when every call failed. Python 3 standard library only.
"""

import argparse
import json
import math
import re
import sys

# Go's codes.Code.String() names, as ghz writes them, to the canonical gRPC names the driver uses.
_GO_SPECIAL = {"Canceled": "CANCELLED", "": "UNKNOWN"}


def canonical_code(go_name):
    """'ResourceExhausted' -> 'RESOURCE_EXHAUSTED'; 'Canceled' -> 'CANCELLED'; '' -> 'UNKNOWN'."""
    if go_name in _GO_SPECIAL:
        return _GO_SPECIAL[go_name]
    if go_name.isupper() or "_" in go_name:
        return go_name.upper()
    return re.sub(r"(?<!^)(?=[A-Z])", "_", go_name).upper()


def _nearest_rank(sorted_values, q):
    """The q-quantile (0..1) by nearest rank: the smallest value with at least q of the values <= it."""
    if not sorted_values:
        return None
    index = max(0, math.ceil(q * len(sorted_values)) - 1)
    return sorted_values[index]


def _ms(nanos):
    return None if nanos is None else round(nanos / 1e6, 3)


def _latency_percentiles(report):
    """p50/p90/p99 in ns of successful calls: from per-call details when present (exact), else from
    ghz's own latencyDistribution, which covers successful calls only unless ghz ran with
    --count-errors (then it mixes the failures' latencies in, so it is not used)."""
    none = {50: None, 90: None, 99: None}, None, None
    details = report.get("details")
    if details is not None:
        ok = sorted(d["latency"] for d in details if not d.get("error") and d.get("status", "OK") == "OK")
        if not ok:
            return none
        return {q: _nearest_rank(ok, q / 100.0) for q in (50, 90, 99)}, ok[-1], sum(ok) / len(ok)
    if (report.get("options") or {}).get("count-errors"):
        return none
    dist = {e.get("percentage"): e.get("latency") for e in (report.get("latencyDistribution") or [])
            if e and e.get("percentage")}
    if not dist:
        return none
    slowest = report.get("slowest") or None
    return {q: dist.get(q) for q in (50, 90, 99)}, slowest, None


def _images_per_request(report, override):
    if override is not None:
        return override
    data = (report.get("options") or {}).get("data")
    items = data if isinstance(data, list) else [data] if isinstance(data, dict) else []
    counts = [max(1, int(item.get("num_images", item.get("numImages", 1)) or 1)) for item in items] or [1]
    return sum(counts) / len(counts)


def summarize(report, num_images=None, offered_rate=None):
    """The driver-style summary dict of a parsed ghz report."""
    statuses = report.get("statusCodeDistribution") or {}
    completed = int(statuses.get("OK", 0))
    errors = {}
    for name, count in statuses.items():
        if name != "OK" and count:
            code = canonical_code(name)
            errors[code] = errors.get(code, 0) + int(count)
    total_s = (report.get("total") or 0) / 1e9
    per_request = _images_per_request(report, num_images)
    percentiles, slowest, mean = _latency_percentiles(report)
    options = report.get("options") or {}
    error_count = sum(errors.values())
    ended = completed + error_count
    rate = offered_rate if offered_rate is not None else (options.get("rps") or None)
    return {
        "completed": completed,
        "ttfp_p50_ms": None,
        "ttfp_p99_ms": None,
        "latency_p50_ms": _ms(percentiles[50]),
        "latency_p99_ms": _ms(percentiles[99]),
        "images_per_s": round(completed * per_request / total_s, 3) if total_s > 0 else None,
        "errors": dict(sorted(errors.items())),
        "mode": "closed" if not rate else "open",
        "offered_rate": rate,
        "concurrency": options.get("concurrency"),
        "duration_s": round(total_s, 3),
        "sent": int(report.get("count") or ended),
        "error_ratio": round(error_count / ended, 3) if ended else 0.0,
        "images": round(completed * per_request),
        "streams_per_s": round(completed / total_s, 3) if total_s > 0 else None,
        "latency_p90_ms": _ms(percentiles[90]),
        "latency_max_ms": _ms(slowest),
        "latency_mean_ms": _ms(mean),
        "queue_ms_p50": None,
        "end_reason": report.get("endReason"),
        "source": "ghz",
    }


def describe(summary):
    """Readable lines for people; the JSON line follows them."""
    errs = ", ".join("%s=%d" % kv for kv in summary["errors"].items()) or "none"
    lines = [
        "ghz: %d calls in %.1f s, %d completed, errors: %s (error ratio %.1f%%)" % (
            summary["sent"], summary["duration_s"], summary["completed"], errs, summary["error_ratio"] * 100),
        "throughput: %s images/s, %s streams/s" % (summary["images_per_s"], summary["streams_per_s"]),
        "time to end of stream (ms): p50 %s  p90 %s  p99 %s  max %s" % (
            summary["latency_p50_ms"], summary["latency_p90_ms"], summary["latency_p99_ms"], summary["latency_max_ms"]),
        "time to first preview: not visible to ghz (a server stream is one call)",
    ]
    return "\n".join(lines)


def main(argv):
    parser = argparse.ArgumentParser(description="Convert a ghz JSON report to strobe's load summary JSON.")
    parser.add_argument("report", help="ghz report written with -O json (or - for standard input)")
    parser.add_argument("--num-images", type=float, help="images per call (default: from the report's call data)")
    parser.add_argument("--offered-rate", type=float, help="the --rps ghz was given, if any")
    args = parser.parse_args(argv)
    try:
        if args.report == "-":
            report = json.load(sys.stdin)
        else:
            with open(args.report, encoding="utf-8") as f:
                report = json.load(f)
    except (OSError, ValueError) as e:
        print("error: cannot read the ghz report %s: %s" % (args.report, e), file=sys.stderr)
        return 2
    if not isinstance(report, dict) or "statusCodeDistribution" not in report:
        print("error: %s is not a ghz JSON report (no statusCodeDistribution); run ghz with -O json"
              % args.report, file=sys.stderr)
        return 2
    summary = summarize(report, args.num_images, args.offered_rate)
    print(describe(summary))
    print(json.dumps(summary, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
