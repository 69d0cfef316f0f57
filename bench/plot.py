#!/usr/bin/python3
"""Renders bench/run's results.json as a PNG: each configuration's throughput relative to the stateful build measured
in the same round (a dot per round, a bar at their median), against the 0.9x target; and the same ratio predicted
from the servers' CPU per request. Draws only what results.json holds (roundRatios, ratioTarget): the arithmetic is
bench/StatelessApp.Bench/RoundRatios.cs, unit-tested.

Usage: plot.py RESULTS_JSON OUTPUT_PNG   (bench/run calls it; needs Debian's python3-matplotlib)
"""
import json
import math
import sys

import matplotlib

matplotlib.use("Agg")  # no display: render straight to a file
import matplotlib.pyplot as plt  # noqa: E402

COLOURS = {"stateless": "#2b6cb0", "stock-redis": "#dd6b20"}


def draw(axis, series, scenarios, configurations, values_key, median_key, target, baseline, title):
    width = 0.8 / len(configurations)
    by_key = {(s["configuration"], s["scenario"]): s for s in series}
    for index, configuration in enumerate(configurations):
        colour = COLOURS.get(configuration, "#555555")
        for x, scenario in enumerate(scenarios):
            one = by_key.get((configuration, scenario))
            if one is None:
                continue
            centre = x + (index - (len(configurations) - 1) / 2) * width
            values = [r["value"] for r in one[values_key] if isinstance(r["value"], (int, float)) and math.isfinite(r["value"])]
            spread = [centre + (i - (len(values) - 1) / 2) * width * 0.18 for i in range(len(values))]
            axis.scatter(spread, values, s=22, color=colour, alpha=0.75, zorder=3,
                         label=f"{configuration}, each round" if x == 0 else None)
            median = one[median_key]
            if isinstance(median, (int, float)) and math.isfinite(median):
                axis.hlines(median, centre - width * 0.4, centre + width * 0.4, colors=colour, linewidth=3, zorder=4,
                            label=f"{configuration}, median of rounds" if x == 0 else None)
                axis.annotate(f"{median:.2f}x", (centre + width * 0.4, median), xytext=(2, 0), textcoords="offset points",
                              ha="left", va="center", fontsize=7, color=colour)
    axis.axhline(1.0, color="#9c9c9c", linewidth=1, zorder=1, label=f"{baseline} (= 1)")
    axis.axhline(target, color="#c53030", linestyle="--", linewidth=1.2, zorder=2, label=f"target {target:.1f}x (stateless)")
    axis.set_title(title)
    axis.set_ylabel(f"relative to {baseline}, same round")
    axis.set_xticks(range(len(scenarios)))
    axis.set_xticklabels(scenarios)
    axis.grid(axis="y", alpha=0.3)


def main(results_path, png_path):
    with open(results_path, encoding="utf-8") as f:
        results = json.load(f)
    series = results["roundRatios"]
    target = results["ratioTarget"]
    scenarios = [s["name"] for s in results["scenarios"] if any(r["scenario"] == s["name"] for r in series)]
    configurations = [c["name"] for c in results["configurations"] if any(r["configuration"] == c["name"] for r in series)]
    baseline = series[0]["baseline"] if series else "stateful"

    figure, (throughput, cpu) = plt.subplots(1, 2, figsize=(16, 5.6))
    draw(throughput, series, scenarios, configurations, "throughput", "throughputMedian", target, baseline,
         "Throughput (req/s) over the stateful build's in the same round\n(higher is better)")
    draw(cpu, series, scenarios, configurations, "cpuPredicted", "cpuPredictedMedian", target, baseline,
         "Throughput predicted from server CPU per request (app + proxy + Redis + PostgreSQL)\n"
         "= stateful's CPU per request over the build's; counted by the kernel, steadier under load")

    settings, before, after = results["settings"], results["before"], results["after"]
    hours, minutes, seconds = (float(part) for part in settings["duration"].split(":"))
    duration = f"{hours * 3600 + minutes * 60 + seconds:.0f} s"
    figure.suptitle(
        f"StatelessApp, one app instance behind HAProxy, wrk {settings['connections']} connections, "
        f"{settings['rounds']} round{'s' if settings['rounds'] != 1 else ''} of {duration} per scenario — "
        f"{before['cores']} cores, load {before['loadAverage']} → {after['loadAverage']}, "
        f"{before['takenAt'][:16].replace('T', ' ')} UTC",
        fontsize=9)
    handles, labels = throughput.get_legend_handles_labels()
    figure.legend(handles, labels, loc="lower center", ncol=len(labels), fontsize=8, frameon=False)
    figure.tight_layout(rect=(0, 0.06, 1, 1))
    figure.savefig(png_path, dpi=110)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
