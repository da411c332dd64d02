#!/usr/bin/env python3
"""Plots the samples of `./strobe loadtest soak --csv FILE` as one SVG: a small chart per gauge
(heap after GC, threads, open streams, active images, queue depth, ...) against time, so that a
gauge that grows without bound shows as a rising line. Standard library only.

    python3 loadtest/soak/plot_soak.py target/soak-samples.csv docs/soak-30min.svg --title "..."
"""
import argparse
import csv
import html
import sys

WIDTH, CHART_H, MARGIN_L, MARGIN_R, GAP = 760, 120, 90, 20, 34
UNITS = {"bytes": (1024 * 1024, "MiB")}


def read(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        raise SystemExit(f"{path}: no samples (was the soak run with --csv?)")
    columns = [c for c in rows[0] if c != "seconds"]
    t = [float(r["seconds"]) for r in rows]
    series = {}
    for c in columns:
        values = [float(r[c]) if r[c] not in ("", "null", "None") else None for r in rows]
        if any(v is not None for v in values):
            series[c] = values
    return t, series


def scale_of(name):
    for suffix, (div, unit) in UNITS.items():
        if name.endswith("_" + suffix):
            return div, unit
    return 1, ""


def chart(name, t, values, top):
    div, unit = scale_of(name)
    pts = [(x, v / div) for x, v in zip(t, values) if v is not None]
    t0, t1 = t[0], max(t[-1], t[0] + 1e-9)
    lo = 0.0
    hi = max(v for _, v in pts)
    hi = hi * 1.1 if hi > 0 else 1.0
    plot_w = WIDTH - MARGIN_L - MARGIN_R

    def px(x):
        return MARGIN_L + (x - t0) / (t1 - t0) * plot_w

    def py(v):
        return top + CHART_H - (v - lo) / (hi - lo) * CHART_H

    line = " ".join(f"{px(x):.1f},{py(v):.1f}" for x, v in pts)
    label = html.escape(name + (f" ({unit})" if unit else ""))
    first, last = pts[0][1], pts[-1][1]
    return "\n".join([
        f'<text x="{MARGIN_L}" y="{top - 8}" font-size="13">{label}: first {first:.4g}, last {last:.4g}, '
        f"max {max(v for _, v in pts):.4g}</text>",
        f'<rect x="{MARGIN_L}" y="{top}" width="{plot_w}" height="{CHART_H}" fill="none" stroke="#bbb"/>',
        f'<text x="{MARGIN_L - 6}" y="{top + 10}" font-size="11" text-anchor="end">{hi:.4g}</text>',
        f'<text x="{MARGIN_L - 6}" y="{top + CHART_H}" font-size="11" text-anchor="end">0</text>',
        f'<polyline points="{line}" fill="none" stroke="#1f6feb" stroke-width="1.5"/>',
    ])


def render(t, series, title):
    height = GAP + len(series) * (CHART_H + GAP) + 30
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
             f'font-family="sans-serif">',
             f'<rect width="100%" height="100%" fill="white"/>',
             f'<text x="{MARGIN_L}" y="20" font-size="15" font-weight="bold">{html.escape(title)}</text>']
    top = GAP + 20
    for name, values in series.items():
        parts.append(chart(name, t, values, top))
        top += CHART_H + GAP
    parts.append(f'<text x="{MARGIN_L}" y="{top - 10}" font-size="11">time: {t[0]:.0f} s to {t[-1]:.0f} s</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("csv")
    p.add_argument("svg")
    p.add_argument("--title", default="strobe soak")
    a = p.parse_args(argv)
    t, series = read(a.csv)
    with open(a.svg, "w") as f:
        f.write(render(t, series, a.title))
    print(f"{a.svg}: {len(series)} gauges, {len(t)} samples over {t[-1] - t[0]:.0f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
