"""Turns the benchmark's raw measurements into medians, ratios, targets and a printed table."""

from __future__ import annotations

import statistics
from typing import Any

from . import nights, year
from .nightly import describe, describe_refresh

MB = 1024 * 1024
WARM_AFTER = 1000
"""Resets after which the host counts as warm, for its growth per operation."""


def _median(values: list[float]) -> float:
    return float(statistics.median(values))


def _by_path(runs: list[dict[str, Any]], path: str, key: str) -> list[float]:
    return [r[key] for r in runs if r["path"] == path and key in r]


def _own_cpu(runs: list[dict[str, Any]], roles: tuple[str, ...]) -> list[float]:
    """Per round: CPU ms per reset of the real provider's path minus the minimal provider's."""
    per_round: dict[int, dict[str, float]] = {}
    for r in runs:
        if r["path"] in ("provider", "minimal"):
            per_round.setdefault(r["round"], {})[r["path"]] = sum(r[f"cpu_ms_per_reset_{x}"] for x in roles)
    return [d["provider"] - d["minimal"] for d in per_round.values() if len(d) == 2]


def _per_round_ratio(runs: list[dict[str, Any]]) -> list[float]:
    rates: dict[int, dict[str, float]] = {}
    for r in runs:
        rates.setdefault(r["round"], {})[r["path"]] = r["resets_per_s"]
    return [d["provider"] / d["minimal"] for d in rates.values() if "provider" in d and "minimal" in d]


def evaluate(results: dict[str, Any]) -> dict[str, Any]:
    """Medians, ratios and the issue's targets, each with its measured value."""
    runs = results["runs"]
    s: dict[str, Any] = {"paths": {}}
    for path in ("provider", "minimal", "boto3"):
        s["paths"][path] = {key: _median(_by_path(runs, path, key)) for key in (
            "resets_per_s", "cpu_ms_per_reset_host", "cpu_ms_per_reset_caller", "cpu_ms_per_reset_moto")
            if _by_path(runs, path, key)}
    rate = {p: s["paths"][p]["resets_per_s"] for p in s["paths"]}
    s["wall_ratio_1_2"] = rate["provider"] / rate["minimal"]
    s["wall_ratio_1_3"] = rate["provider"] / rate["boto3"]
    s["wall_ratio_2_3"] = rate["minimal"] / rate["boto3"]
    s["own_cpu_ms_host_and_caller"] = _median(_own_cpu(runs, ("host", "caller")))
    s["own_cpu_ms_host"] = _median(_own_cpu(runs, ("host",)))
    s["wall_ratio_1_2_per_round"] = _median(_per_round_ratio(runs))
    inter = results.get("interleaved")
    if inter:
        s["interleaved_own_cpu_ms"] = sum(inter["provider"][f"cpu_ms_per_reset_{r}"] - inter["minimal"][
            f"cpu_ms_per_reset_{r}"] for r in ("host", "caller"))
        s["interleaved_wall_ratio_1_2"] = inter["provider"]["resets_per_s"] / inter["minimal"]["resets_per_s"]
    if "own_code_us" in results:
        s["own_code_us"] = results["own_code_us"]
    targets: list[dict[str, Any]] = [
        {"target": "provider's own CPU per reset over the minimal provider (host + caller), ms",
         "value": s["own_cpu_ms_host_and_caller"], "limit": 1.0, "stretch": 0.3},
    ]

    cli = results.get("cli", {})
    if "direct_s" in cli:
        s["cli_s_per_reset"] = _median(cli["direct_s"])
        s["shell_s_per_reset"] = _median(cli["shell_s"])
        s["cli_over_provider"] = s["cli_s_per_reset"] * rate["provider"]
        s["shell_over_provider"] = s["shell_s_per_reset"] * rate["provider"]
        targets.append({"target": "provider path faster than the AWS CLI loop, times", "value": s["cli_over_provider"],
                        "minimum": 50.0})
    else:
        s["cli_skipped"] = cli.get("skipped", "not run")

    s["register"] = {}
    for n in sorted({r["n"] for r in results["register"]}):
        kinds = {r["kind"]: r for r in results["register"] if r["n"] == n}
        s["register"][n] = {"reset_s": kinds["reset"]["seconds"], "user_s": kinds["user"]["seconds"],
                            "wall_ratio": kinds["reset"]["seconds"] / kinds["user"]["seconds"],
                            "reset_cpu_s": kinds["reset"]["cpu_s"], "user_cpu_s": kinds["user"]["cpu_s"],
                            "ratio": kinds["reset"]["cpu_s"] / kinds["user"]["cpu_s"],
                            "reset_peak_mb": kinds["reset"]["peak_rss_kb"] / 1024,
                            "user_peak_mb": kinds["user"]["peak_rss_kb"] / 1024}
    if s["register"]:
        biggest = max(s["register"])
        targets.append({"target": f"registering {biggest} resets over {biggest} aws.cognito.User, CPU times",
                        "value": s["register"][biggest]["ratio"], "limit": 1.5})

    mem = results["host_memory"]
    last = mem[-1]
    warm = next(m for m in mem if m["resets"] >= min(WARM_AFTER, last["resets"]))
    s["host_rss_mb"] = last["rss_bytes"] / MB
    s["host_resets"] = last["resets"]
    s["host_growth_bytes_per_op"] = ((last["rss_bytes"] - warm["rss_bytes"]) / (last["resets"] - warm["resets"])
                                     if last["resets"] > warm["resets"] else 0.0)
    targets.append({"target": f"provider host resident after {last['resets']} resets, MB", "value": s["host_rss_mb"],
                    "limit": 150.0})
    if "nightly" in results:
        targets.append({"target": "nightly run: provider's own CPU per resource (Check + Diff) over the minimal "
                                  "provider, ms", "value": results["nightly"]["own_cpu_ms_per_resource"], "limit": 0.3})
    if "refresh" in results:
        r = results["refresh"]
        targets.append({"target": f"refresh of {r['n']}: held to {r['read_rate_per_s']:g} reads/s, wall s",
                        "value": r["wall_s"], "minimum": r["floor_s"]})
    for f in results.get("nights", {}).get("fleets", []):
        if f["above_mean_due"]:
            targets.append({"target": f"consecutive nights, cap {f['cap']} above the mean due a day "
                                      f"({results['nights']['mean_due']:.1f}): the night no user waits any more "
                                      f"(a steady drain predicts {f['predicted_drain_night']})",
                            "value": f["drained_on_night"] or float("inf"), "limit": f["predicted_drain_night"] + 2})
    for t in targets:
        t["met"] = t["value"] >= t["minimum"] if "minimum" in t else t["value"] <= t["limit"]
    s["targets"] = targets
    return s


def table(results: dict[str, Any]) -> str:
    """The human-readable summary, printed at the end of ``make bench``."""
    s = results["summary"]
    lines = [f"\nCognitoPasswordReset benchmark  {results['date']}  CPUs: {results['cpu_count']}  "
             f"python {results['python']}  N={results['n']} x {results['rounds']} rounds (medians)", ""]
    lines.append(f"{'path':44s} {'resets/s':>9s} {'host ms':>8s} {'caller ms':>9s} {'moto ms':>8s}")
    names = {"provider": "1 CognitoPasswordReset via provider host", "minimal": "2 minimal provider via provider host",
             "boto3": "3 boto3 loop, 1 client, 4 threads"}
    for path, label in names.items():
        p = s["paths"][path]
        host = f"{p['cpu_ms_per_reset_host']:8.2f}" if "cpu_ms_per_reset_host" in p else f"{'-':>8s}"
        lines.append(f"{label:44s} {p['resets_per_s']:9.1f} {host} {p['cpu_ms_per_reset_caller']:9.2f} "
                     f"{p['cpu_ms_per_reset_moto']:8.2f}")
    lines.append("(CPU ms per reset, from /proc/PID/stat; the caller is the driver or the boto3 loop)")
    lines.append("")
    lines.append(f"wall ratios (throughput): (1)/(2) {s['wall_ratio_1_2']:.2f}   (1)/(3) {s['wall_ratio_1_3']:.2f}   "
                 f"(2)/(3) {s['wall_ratio_2_3']:.2f}")
    lines.append(f"provider's own CPU per reset over (2): {s['own_cpu_ms_host_and_caller']:.2f} ms host + caller, "
                 f"{s['own_cpu_ms_host']:.2f} ms host alone (median of per-round differences)")
    spread = sorted(_own_cpu(results["runs"], ("host", "caller")))
    lines.append(f"  per round: own CPU {', '.join(f'{x:.2f}' for x in spread)} ms; "
                 f"(1)/(2) wall ratio median {s['wall_ratio_1_2_per_round']:.2f}")
    if "interleaved_own_cpu_ms" in s:
        lines.append(f"  interleaved in chunks of 50 (same background load): {s['interleaved_own_cpu_ms']:.2f} ms "
                     f"own CPU per reset, (1)/(2) wall ratio {s['interleaved_wall_ratio_1_2']:.2f}")
    if "own_code_us" in s:
        lines.append(f"  provider code alone (check + create, stub client, in-process): "
                     f"{s['own_code_us']['provider']:.0f} us vs minimal {s['own_code_us']['minimal']:.0f} us per reset")
    if "cli_s_per_reset" in s:
        lines.append(f"4 AWS CLI per reset: {s['cli_s_per_reset'] * 1000:.0f} ms "
                     f"({s['cli_over_provider']:.0f}x path 1); through sh -c (command.local.Command): "
                     f"{s['shell_s_per_reset'] * 1000:.0f} ms "
                     f"({s['shell_over_provider']:.0f}x path 1)")
    else:
        lines.append(f"4 AWS CLI: skipped: {s['cli_skipped']}")
    for n, r in s["register"].items():
        lines.append(f"5 register {n:5d}: CognitoPasswordReset {r['reset_s']:5.1f} s ({r['reset_cpu_s']:5.1f} s CPU), "
                     f"{r['reset_peak_mb']:4.0f} MB peak; aws.cognito.User {r['user_s']:5.1f} s "
                     f"({r['user_cpu_s']:5.1f} s CPU), {r['user_peak_mb']:4.0f} MB peak; CPU ratio {r['ratio']:.2f}, "
                     f"wall {r['wall_ratio']:.2f}")
    lines.append(f"6 provider host after {s['host_resets']} resets: {s['host_rss_mb']:.1f} MB resident, "
                 f"{s['host_growth_bytes_per_op']:.1f} bytes/reset growth after {WARM_AFTER}")
    if "nightly" in results:
        lines.append(describe(results["nightly"]))
    if "refresh" in results:
        lines.append(describe_refresh(results["refresh"]))
    if "nights" in results:
        lines.append(nights.describe(results["nights"]))
    if "year" in results:
        lines.append(year.describe(results["year"]))
    lines.append("")
    for t in s["targets"]:
        bound = f">= {t['minimum']:g}" if "minimum" in t else f"<= {t['limit']:g}"
        lines.append(f"[{'met ' if t['met'] else 'MISS'}] {t['target']}: {t['value']:.2f} (target {bound})")
    return "\n".join(lines)
