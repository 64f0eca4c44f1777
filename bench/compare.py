#!/usr/bin/env python3
"""Prints the results of several bench/run.sh runs (one per backend) side by side.

    compare.py results/A.json results/B.json ... > side-by-side.md

For every size and scenario: req/s, ratio to the baseline measured in the same run, and
p50 of each backend; then import speed. The PostgreSQL column is also checked against
the PostgreSQL targets of bench/README.md. Only the standard library is used.
"""
import json
import sys


def pg_target(scenario, row, rows):
    """The PostgreSQL targets: (text, met) or None."""
    lat = row["latency_ms"]
    ratio = row.get("ratio")
    if scenario == "get_by_id":
        return ">= 35%", ratio is not None and ratio >= 0.35
    if scenario == "page1":
        return ">= 15%", ratio is not None and ratio >= 0.15
    if scenario == "deep_page":
        page1 = rows.get("page1")
        if page1:
            return "p50 <= 2x page1", lat["p50"] <= 2 * page1["latency_ms"]["p50"]
    if scenario == "list_filter_sort":
        return ">= 10%", ratio is not None and ratio >= 0.10
    if scenario == "list_substring":
        return "p50 < 50 ms (at 1M)", lat["p50"] < 50
    if scenario == "post_create":
        return ">= 3,000/s", row["rps"] >= 3000
    return None


def main(paths):
    runs = [json.load(open(p)) for p in paths]
    names = [r["run"].get("backend", "?") for r in runs]
    # The same backend twice (before/after): tell the columns apart by run stamp.
    if len(set(names)) < len(names):
        names = [f"{n} {r['run'].get('stamp', i)}" for i, (n, r) in enumerate(zip(names, runs))]
    tables = []   # per run: {size: {scenario: row}}
    sizes = []
    scenarios = []
    for r in runs:
        t = {}
        for row in r["rows"]:
            if row.get("failed"):
                continue
            t.setdefault(row["size"], {})[row["scenario"]] = row
            if row["size"] not in sizes:
                sizes.append(row["size"])
            if row["scenario"] not in scenarios:
                scenarios.append(row["scenario"])
        tables.append(t)
    out = ["# events benchmark, backends side by side", ""]
    for r, name in zip(runs, names):
        run = r["run"]
        source = f"binary {run['events_bin']}" if run.get("events_bin") else f"commit {run.get('commit')}"
        out.append(f"- **{name}**: run {run.get('stamp')}, {source}"
                   f"{' (+local changes)' if run.get('dirty') else ''}, {run.get('duration_s')} s per scenario, "
                   f"{run.get('connections')} connections"
                   + (f"; server: {run['postgresql_cluster']}" if run.get("postgresql_cluster") else ""))
    out.append("")
    head = "| size | scenario |" + "".join(f" {n} req/s | {n} vs baseline | {n} p50 ms |" for n in names)
    has_pg = any(n.startswith("postgresql") for n in names)
    if has_pg:
        head += " PostgreSQL target | met |"
    out.append(head)
    out.append("|---|---|" + "---:|---:|---:|" * len(names) + ("---|---|" if has_pg else ""))
    for size in sizes:
        for sc in scenarios:
            cells = []
            target = None
            for t, name in zip(tables, names):
                row = t.get(size, {}).get(sc)
                if not row:
                    cells.append(" - | - | - |")
                    continue
                ratio = f"{row['ratio'] * 100:.1f}%" if row.get("ratio") is not None else "-"
                cells.append(f" {row['rps']:,.0f} | {ratio} | {row['latency_ms']['p50']:.2f} |")
                if name.startswith("postgresql") and sc != "baseline":
                    target = pg_target(sc, row, t.get(size, {}))
            line = f"| {size} | {sc if sc != 'baseline' else '*baseline*'} |" + "".join(cells)
            if has_pg:
                line += f" {target[0]} | {'yes' if target[1] else '**NO**'} |" if target else " | |"
            out.append(line)
    out.append("")
    out.append("| size |" + "".join(f" {n} import docs/s | {n} import s |" for n in names))
    out.append("|---|" + "---:|---:|" * len(names))
    for size in sizes:
        cells = []
        for r in runs:
            s = next((x for x in r["sizes"] if x["size"] == size), None)
            if not s or not s.get("import_s"):
                cells.append(" - | - |")
                continue
            cells.append(f" {s['documents'] / s['import_s']:,.0f} | {s['import_s']:.1f} |")
        out.append(f"| {size} |" + "".join(cells))
    out.append("")
    out.append("Ratios are to the baseline server measured in the same run as the backend's figures.")
    print("\n".join(out))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
