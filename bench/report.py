#!/usr/bin/env python3
"""Turns the records of one bench/run.sh run into bench/results/<stamp>.{md,json}.

    report.py records.jsonl out.md out.json

Record types (one JSON object per line): "run" (settings), "size" (dump/import/RSS/db
size), "probes" (one curl per scenario shape), "scenario" (wrk's BENCH_JSON for one
scenario of one size; scenario "baseline" is the fixed-response server).
Only the standard library is used.
"""
import json
import sys

MIB = 1024 * 1024

# The targets (bench/README.md "Targets"). Each returns (verdict, text) or None when it does not apply.
def target_for(scenario, row, size_rows, size_info):
    lat = row["latency_ms"]
    if scenario == "get_by_id":
        ok = row["ratio"] is not None and row["ratio"] >= 0.5 and lat["p99"] < 5
        return ok, ">=50% of baseline, p99 < 5 ms"
    if scenario == "list_filter_sort":
        return row["ratio"] is not None and row["ratio"] >= 0.2, ">=20% of baseline"
    if scenario == "list_substring":
        return lat["p50"] < 20, "p50 < 20 ms"
    if scenario == "deep_page":
        page1 = size_rows.get("page1")
        if not page1:
            return None
        return lat["p50"] <= 2 * page1["latency_ms"]["p50"], "p50 <= 2x page1 p50"
    if scenario == "post_create":
        return row["rps"] >= 10000, ">= 10k req/s"
    if scenario == "get_by_id_gated":
        # Within 15% of the ungated GET: its time per request at most 1.15x.
        ungated = size_rows.get("get_by_id")
        if not ungated or not ungated["rps"]:
            return None
        return row["rps"] * 1.15 >= ungated["rps"], f"req/s >= get_by_id / 1.15 (now {ungated['rps'] / row['rps']:.2f}x)" if row["rps"] else "req/s >= get_by_id / 1.15"
    return None


def fmt_num(v, digits=1):
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:,.{digits}f}"
    return f"{v:,}"


def main(records_path, md_path, json_path):
    run, sizes, probes, scenarios = {}, {}, {}, {}
    order = []
    with open(records_path) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            rec = json.loads(line)
            kind = rec.pop("type")
            if kind == "run":
                run = rec
            elif kind == "size":
                sizes[rec["size"]] = rec
            elif kind == "probes":
                probes[rec["size"]] = rec["probes"]
            elif kind == "scenario":
                if rec["size"] not in order:
                    order.append(rec["size"])
                scenarios.setdefault(rec["size"], {})[rec["scenario"]] = rec
    for s in sizes:
        if s not in order:
            order.append(s)

    rows = []
    for size in order:
        by_name = scenarios.get(size, {})
        base = (by_name.get("baseline") or {}).get("wrk") or {}
        base_rps = base.get("rps")
        size_rows = {}
        for name, rec in by_name.items():
            w = rec.get("wrk")
            if not w:
                rows.append({"size": size, "scenario": name, "failed": True})
                continue
            errors = w["errors"]
            row = {
                "size": size,
                "scenario": name,
                "requests": w["requests"],
                "rps": w["rps"],
                "ratio": (w["rps"] / base_rps) if base_rps and name != "baseline" else None,
                "latency_ms": w["latency_ms"],
                "non2xx": w["non2xx"],
                "statuses": w["statuses"],
                "socket_errors": errors["connect"] + errors["read"] + errors["write"] + errors["timeout"],
                "counters": w.get("counters") or {},
                "vm_hwm_kib": rec.get("vm_hwm_kib"),
                "server_alive": rec.get("server_alive", True),
                "loadavg": rec.get("loadavg"),
                "drain_s": rec.get("drain_s", 0),
            }
            size_rows[name] = row
            rows.append(row)
        for row in rows:
            if row["size"] == size and not row.get("failed"):
                t = target_for(row["scenario"], row, size_rows, sizes.get(size, {}))
                if t:
                    row["target"], row["target_met"] = t[1], bool(t[0]) and row["requests"] > 0

    summaries = []
    for size in order:
        info = sizes.get(size)
        if not info:
            continue
        hwm_mib = info["vm_hwm_kib"] / 1024 if info.get("vm_hwm_kib") else None
        summary = dict(info)
        summary["vm_hwm_mib"] = hwm_mib
        if info.get("users", 0) >= 1_000_000 and hwm_mib is not None:
            summary["rss_target"] = "< 200 MiB at 1M users"
            summary["rss_target_met"] = hwm_mib < 200
        summaries.append(summary)

    result = {"run": run, "sizes": summaries, "rows": rows, "probes": probes}
    with open(json_path, "w") as f:
        json.dump(result, f, indent=1)

    md = []
    md.append(f"# events benchmark {run.get('stamp', '')}")
    md.append("")
    md.append(f"backend **{run.get('backend')}**, wrk {run.get('threads')} threads / "
              f"{run.get('connections')} connections / {run.get('duration_s')} s per scenario, loopback, keep-alive; "
              f"commit {run.get('commit')}{' (+local changes)' if run.get('dirty') else ''}; "
              f"{run.get('cores')} cores ({run.get('cpu', '').strip()}) shared by server and wrk."
              + (f" Database server: {run['postgresql_cluster']}." if run.get("postgresql_cluster") else "")
              + (f" Schema: {run['schema']} (not the bundled sample)." if run.get("schema") else ""))
    md.append("")
    md.append("| size | scenario | req/s | vs baseline | p50 ms | p90 ms | p99 ms | non-2xx | socket err | load | target | met |")
    md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|")
    notes = []
    for row in rows:
        if row.get("failed"):
            md.append(f"| {row['size']} | {row['scenario']} | wrk failed | | | | | | | | | |")
            continue
        lat = row["latency_ms"]
        if row["requests"] == 0:
            md.append(f"| {row['size']} | {row['scenario']} | **no request completed** | | | | | | "
                      f"{row['socket_errors']} | {fmt_num(row['loadavg'])} | {row.get('target', '')} | **NO** |")
            continue
        ratio = f"{row['ratio'] * 100:.1f}%" if row["ratio"] is not None else ("100%" if row["scenario"] == "baseline" else "-")
        met = "-"
        if "target_met" in row:
            met = "yes" if row["target_met"] else "**NO**"
        non2xx = str(row["non2xx"])
        if row["non2xx"]:
            bad = {k: v for k, v in row["statuses"].items() if not k.startswith("2")}
            non2xx = f"**{row['non2xx']}** " + " ".join(f"{k}:{v}" for k, v in sorted(bad.items()))
        name = row["scenario"] if row["scenario"] != "baseline" else "*baseline*"
        md.append(f"| {row['size']} | {name} | {fmt_num(row['rps'], 0)} | {ratio} | {lat['p50']:.2f} | "
                  f"{lat['p90']:.2f} | {lat['p99']:.2f} | {non2xx} | {row['socket_errors']} | "
                  f"{fmt_num(row['loadavg'])} | {row.get('target', '')} | {met} |")
        exhausted = row["counters"].get("exhausted")
        if exhausted:
            notes.append(f"{row['size']} {row['scenario']}: {exhausted} of {row['requests']} requests reused an "
                         f"already deleted id (the dump has too few UserEvents for this duration); those answer 200 `data: {{}}`.")
        if row["drain_s"] and row["drain_s"] >= 2:
            notes.append(f"{row['size']} {row['scenario']}: after the run the server needed {row['drain_s']} s to finish "
                         f"the requests wrk had abandoned (each scenario starts only once it answers again within 100 ms).")
        if not row["server_alive"]:
            notes.append(f"{row['size']} {row['scenario']}: **the server died during this scenario**.")
    md.append("")
    md.append("`vs baseline` = req/s / the baseline server's req/s (same wrk settings and script, measured just "
              "before the scenarios of that size). `load` = 1-minute load average at the start of the "
              "measurement; above ~2 the machine was busy with other work and the numbers are pessimistic.")
    md.append("")
    md.append("| size | users | documents | dump MiB | import s | import docs/s | DB MiB after import | DB MiB at end | server peak RSS MiB | server |")
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for s in summaries:
        rate = s["documents"] / s["import_s"] if s.get("import_ok") and s.get("import_s") else None
        rss = fmt_num(s["vm_hwm_mib"]) if s["vm_hwm_mib"] is not None else "-"
        if "rss_target_met" in s:
            rss += " (target < 200: " + ("yes" if s["rss_target_met"] else "**NO**") + ")"
        md.append(f"| {s['size']} | {s['users']:,} | {s['documents']:,} | {s['dump_bytes'] / MIB:.1f} | "
                  f"{s['import_s']:.1f}{'' if s.get('import_ok') else ' **FAILED**'} | {fmt_num(rate, 0)} | "
                  f"{s['db_bytes_after_import'] / MIB:.1f} | {s['db_bytes_end'] / MIB:.1f} | {rss} | {s['server']} |")
    for s in summaries:
        if s.get("server") != "ok" or not s.get("import_ok"):
            tail = (s.get("serve_log_tail") or "").strip().splitlines()[-8:]
            notes.append(f"{s['size']}: import {'ok' if s.get('import_ok') else 'FAILED'}, server {s.get('server')}; "
                         f"end of the server log: `{' / '.join(tail) or '(empty)'}`")
    probe_lines = []
    for size, plist in probes.items():
        for p in plist:
            text = f"{size} {p['name']}: `GET {p['path']}` -> {p['status']}"
            if "total" in p:
                text += f", total {p['total']}"
            if "count" in p:
                text += f", {p['count']} docs"
            text += f", {p['bytes']} bytes"
            if p.get("envelope_status"):
                text += f", status `{p['envelope_status']}`"
            if p.get("body"):
                text += f" – `{p['body'][:200]}`"
            probe_lines.append(text)
    if probe_lines:
        md.append("")
        md.append("Probes (one request of each shape before the load):")
        md.extend(f"- {t}" for t in probe_lines)
    if notes:
        md.append("")
        md.append("Notes:")
        md.extend(f"- {n}" for n in notes)
    md.append("")
    with open(md_path, "w") as f:
        f.write("\n".join(md))


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
