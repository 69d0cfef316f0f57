#!/usr/bin/python3
"""Renders bench/run's results.json as a PNG: throughput, p99 latency and the servers' CPU per request, by
scenario and configuration.

Usage: plot.py RESULTS_JSON OUTPUT_PNG   (bench/run calls it; needs Debian's python3-matplotlib)
"""
import json
import sys

import matplotlib

matplotlib.use("Agg")  # no display: render straight to a file
import matplotlib.pyplot as plt  # noqa: E402


def main(results_path, png_path):
    with open(results_path, encoding="utf-8") as f:
        results = json.load(f)
    scenarios = [s["name"] for s in results["scenarios"]]
    configurations = [c["name"] for c in results["configurations"]]
    by_key = {(m["configuration"], m["scenario"]): m for m in results["measurements"]}
    colours = {"stateless": "#2b6cb0", "stateful": "#9c9c9c", "stock-redis": "#dd6b20"}

    figure, (throughput, p99, cpu) = plt.subplots(1, 3, figsize=(18, 5.4))
    width = 0.8 / len(configurations)
    for index, configuration in enumerate(configurations):
        xs = [i + (index - (len(configurations) - 1) / 2) * width for i in range(len(scenarios))]
        rates = [by_key.get((configuration, s), {}).get("requestsPerSecond", 0) for s in scenarios]
        latencies = [by_key.get((configuration, s), {}).get("p99Milliseconds", 0) for s in scenarios]
        cpu_ms = [by_key.get((configuration, s), {}).get("serverCpuMillisecondsPerRequest", 0) for s in scenarios]
        colour = colours.get(configuration)
        bars = throughput.bar(xs, rates, width, label=configuration, color=colour)
        throughput.bar_label(bars, fmt="%.0f", fontsize=7, padding=1)
        bars = p99.bar(xs, latencies, width, label=configuration, color=colour)
        p99.bar_label(bars, fmt="%.1f", fontsize=7, padding=1)
        bars = cpu.bar(xs, cpu_ms, width, label=configuration, color=colour)
        cpu.bar_label(bars, fmt="%.2f", fontsize=7, padding=1)

    for axis, title, unit in ((throughput, "Throughput, median of rounds (higher is better)", "requests/s"),
                              (p99, "p99 latency, median of rounds (lower is better)", "ms"),
                              (cpu, "Server CPU per request: app + proxy + Redis + PostgreSQL\n(counted by the kernel; lower is better)", "ms")):
        axis.set_title(title)
        axis.set_ylabel(unit)
        axis.set_xticks(range(len(scenarios)))
        axis.set_xticklabels(scenarios)
        axis.grid(axis="y", alpha=0.3)
        axis.legend(fontsize=8)

    settings, before, after = results["settings"], results["before"], results["after"]
    hours, minutes, seconds = (float(part) for part in settings["duration"].split(":"))
    duration = f"{hours * 3600 + minutes * 60 + seconds:.0f} s"
    figure.suptitle(
        f"StatelessApp, one app instance behind HAProxy, wrk {settings['connections']} connections, "
        f"{settings['rounds']} round{'s' if settings['rounds'] != 1 else ''} of {duration} per scenario — {before['cores']} cores, load {before['loadAverage']} → {after['loadAverage']}, "
        f"{before['takenAt'][:16].replace('T', ' ')} UTC",
        fontsize=9)
    figure.tight_layout()
    figure.savefig(png_path, dpi=110)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
