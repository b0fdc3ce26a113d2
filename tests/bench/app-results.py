#!/usr/bin/env python3
"""The application benchmark's results (Documentation/performance.md).

  app-results.py collect RUNDIR OUT.json   every peer's figures under RUNDIR/PEER/ (guest.log,
                                           startup.txt, status) and RUNDIR/meta.json, as one
                                           results file; prints the table
  app-results.py table FILE.json           the table again
  app-results.py chart FILE.json           FILE.png and FILE.svg with gnuplot: each workload's
                                           ratio to native per peer, the spread as error bars
  app-results.py compare A.json B.json     each figure's change from A to B

A workload's figure is the median of its runs; its spread is min..max. The ratio to
native is how fast the peer ran it against native (1.00 = as fast, 0.50 = half as fast):
value / native for throughput, native / value for a latency (ns/load).
"""
import json
import os
import re
import shutil
import statistics
import subprocess
import sys

LOWER_IS_BETTER = {"ns/load"}
RESULT = re.compile(r"^bench-app: result (\S+) (\d+) ([0-9.]+) (\S+)$")
FAILED = re.compile(r"^bench-app: failed (\S+) (\S+) (.*)$")
SKIPPED = re.compile(r"^bench-app: skipped (\S+) (.*)$")
NOTE = re.compile(r"^bench-app: note (.*)$")
STARTUP = re.compile(r"^startup: (\S+) ([0-9.]+)$")
FOOTPRINT = re.compile(r"^footprint: (\S+) ([0-9.]+) MiB$")


def read_lines(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return [line.rstrip("\n") for line in f]
    except FileNotFoundError:
        return []


def parse_peer(peer_dir):
    """One peer's runs, failures, skips, startup phases and status."""
    runs, failed, skipped, notes, startup, footprint = {}, [], [], [], {}, {}
    done = False
    for line in read_lines(os.path.join(peer_dir, "guest.log")):
        m = RESULT.match(line)
        if m:
            w = runs.setdefault(m.group(1), {"unit": m.group(4), "runs": []})
            w["runs"].append(float(m.group(3)))
            continue
        m = FAILED.match(line)
        if m:
            failed.append({"workload": m.group(1), "run": m.group(2), "reason": m.group(3)})
            continue
        m = SKIPPED.match(line)
        if m:
            skipped.append({"workload": m.group(1), "reason": m.group(2)})
            continue
        m = NOTE.match(line)
        if m:
            notes.append(m.group(1))
            continue
        if line == "bench-app: done":
            done = True
    for line in read_lines(os.path.join(peer_dir, "startup.txt")):
        m = STARTUP.match(line)
        if m:
            startup[m.group(1)] = float(m.group(2))
        m = FOOTPRINT.match(line)
        if m:
            footprint[m.group(1)] = float(m.group(2))
    status = "\n".join(read_lines(os.path.join(peer_dir, "status"))).strip()
    load = "\n".join(read_lines(os.path.join(peer_dir, "host-load"))).strip()
    for w in runs.values():
        v = w["runs"]
        w.update(median=statistics.median(v), min=min(v), max=max(v))
    return {"status": status or "missing", "done": done, "workloads": runs,
            "failed": failed, "skipped": skipped, "notes": notes, "startup": startup,
            "footprint_mib": footprint,
            "host_load": load or None}


def ratio(unit, value, native):
    if not value or not native:
        return None
    return native / value if unit in LOWER_IS_BETTER else value / native


def add_ratios(results):
    native = results["peers"].get("native", {}).get("workloads", {})
    for peer in results["peers"].values():
        for name, w in peer["workloads"].items():
            base = native.get(name, {}).get("median")
            w["ratio"] = ratio(w["unit"], w["median"], base)
            # the spread of the ratio: the peer's worst and best run against native's median
            lo, hi = ratio(w["unit"], w["min"], base), ratio(w["unit"], w["max"], base)
            w["ratio_spread"] = None if lo is None else [min(lo, hi), max(lo, hi)]


def collect(rundir, out):
    with open(os.path.join(rundir, "meta.json"), encoding="utf-8") as f:
        meta = json.load(f)
    peers = {}
    for name in meta["peers"]:
        peers[name] = parse_peer(os.path.join(rundir, name))
    results = dict(meta, peers=peers)
    add_ratios(results)
    with open(out, "w", encoding="utf-8") as f:
        json.dump(results, f, indent=1)
        f.write("\n")
    print_table(results)


def workloads_of(results):
    names = []
    for peer in results["peers"].values():
        for name in peer["workloads"]:
            if name not in names:
                names.append(name)
    return names


def fmt(v):
    return "-" if v is None else ("%.4g" % v)


def print_table(results):
    peers = results["peers"]
    print("Application benchmark: median (min..max) over %s run(s), ratio to native (1.00 = as fast)"
          % results.get("runs", "?"))
    print("%-18s %-10s %-36s %s" % ("workload", "peer", "median (min..max)", "ratio"))
    for name in workloads_of(results):
        for pname, peer in peers.items():
            w = peer["workloads"].get(name)
            if not w:
                continue
            spread = "%s (%s..%s) %s" % (fmt(w["median"]), fmt(w["min"]), fmt(w["max"]), w["unit"])
            r = "-" if w["ratio"] is None else "%.2f" % w["ratio"]
            print("%-18s %-10s %-36s %s" % (name, pname, spread, r))
    print()
    for pname, peer in peers.items():
        phases = " ".join("%s %.2f s" % kv for kv in peer["startup"].items())
        print("%-10s %s%s" % (pname, peer["status"], "; startup: " + phases if phases else ""))
        if peer.get("footprint_mib"):
            print("%-10s   memory (MiB): %s" % ("", " ".join(
                "%s %g" % kv for kv in peer["footprint_mib"].items())))
        if peer.get("host_load"):
            print("%-10s   host load average (1, 5, 15 min) %s" % ("", peer["host_load"]))
        for f in peer["failed"]:
            print("%-10s   failed %s run %s: %s" % ("", f["workload"], f["run"], f["reason"]))
        for s in peer["skipped"]:
            print("%-10s   skipped %s: %s" % ("", s["workload"], s["reason"]))


def table(path):
    with open(path, encoding="utf-8") as f:
        print_table(json.load(f))


def chart(path):
    """FILE.png and FILE.svg: a clustered bar per workload, one bar per peer but native."""
    with open(path, encoding="utf-8") as f:
        results = json.load(f)
    base = path[:-5] if path.endswith(".json") else path
    peers = [p for p in results["peers"] if p != "native"
             and any(w.get("ratio") for w in results["peers"][p]["workloads"].values())]
    names = [n for n in workloads_of(results)
             if any(results["peers"][p]["workloads"].get(n, {}).get("ratio") for p in peers)]
    if not peers or not names:
        print("chart: no ratios to draw (is there a native run and another peer?)")
        return
    if not shutil.which("gnuplot"):
        print("chart: no gnuplot (apt-get install gnuplot-nox)")
        return
    data = base + ".dat"
    with open(data, "w", encoding="utf-8") as f:
        # no header line: gnuplot's histograms would draw it as a row
        for n in names:
            cols = []
            for p in peers:
                w = results["peers"][p]["workloads"].get(n, {})
                r, s = w.get("ratio"), w.get("ratio_spread")
                cols += ["NaN", "NaN", "NaN"] if r is None else ["%.4f" % r, "%.4f" % s[0], "%.4f" % s[1]]
            f.write(n + " " + " ".join(cols) + "\n")
    top = max([1.0] + [s for p in peers for w in results["peers"][p]["workloads"].values()
                        for s in (w.get("ratio_spread") or [])])
    title = "Throughput relative to native (%s, %s)" % (results.get("date", "")[:10],
                                                       results.get("git_revision", "")[:10])
    plots = ", ".join("'%s' using %d:%d:%d:xtic(1) title '%s'" % (data, 2 + 3 * i, 3 + 3 * i, 4 + 3 * i, p)
                      if i == 0 else "'' using %d:%d:%d title '%s'" % (2 + 3 * i, 3 + 3 * i, 4 + 3 * i, p)
                      for i, p in enumerate(peers))
    script = "\n".join([
        "set style data histogram", "set style histogram errorbars gap 1 lw 1",
        "set style fill solid 0.6 border -1", "set key top right", "set grid ytics",
        "set yrange [0:%.2f]" % (top * 1.15), "set ylabel 'ratio to native (1 = as fast)'", "set xtics rotate by -30",
        "set title '%s'" % title, "set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2",
        "set terminal pngcairo size 900,500", "set output '%s.png'" % base, "plot " + plots,
        "set terminal svg size 900,500", "set output '%s.svg'" % base, "plot " + plots, ""])
    r = subprocess.run(["gnuplot"], input=script, text=True, capture_output=True, check=False)
    if r.returncode:
        print("chart: gnuplot failed: " + r.stderr.strip())
        return
    os.remove(data)
    print("chart: %s.png %s.svg" % (base, base))


def compare(a_path, b_path):
    with open(a_path, encoding="utf-8") as f:
        a = json.load(f)
    with open(b_path, encoding="utf-8") as f:
        b = json.load(f)
    print("A: %s (%s, %s)" % (a_path, a.get("date", "?"), a.get("git_revision", "?")))
    print("B: %s (%s, %s)" % (b_path, b.get("date", "?"), b.get("git_revision", "?")))
    print("%-10s %-22s %-12s %12s %12s %8s" % ("peer", "workload", "unit", "A", "B", "change"))
    for pname in list(dict.fromkeys(list(a["peers"]) + list(b["peers"]))):
        pa = a["peers"].get(pname, {}).get("workloads", {})
        pb = b["peers"].get(pname, {}).get("workloads", {})
        for n in list(dict.fromkeys(list(pa) + list(pb))):
            wa, wb = pa.get(n), pb.get(n)
            va = wa["median"] if wa else None
            vb = wb["median"] if wb else None
            unit = (wa or wb)["unit"]
            change = "%+.1f%%" % ((vb - va) / va * 100) if va and vb is not None else "-"
            print("%-10s %-22s %-12s %12s %12s %8s" % (pname, n, unit, fmt(va), fmt(vb), change))
        sa = a["peers"].get(pname, {}).get("startup", {})
        sb = b["peers"].get(pname, {}).get("startup", {})
        for ph in list(dict.fromkeys(list(sa) + list(sb))):
            va, vb = sa.get(ph), sb.get(ph)
            change = "%+.1f%%" % ((vb - va) / va * 100) if va and vb is not None else "-"
            print("%-10s %-22s %-12s %12s %12s %8s" % (pname, "startup:" + ph, "s", fmt(va), fmt(vb), change))


def main(argv):
    if len(argv) == 4 and argv[1] == "collect":
        collect(argv[2], argv[3])
    elif len(argv) == 3 and argv[1] == "table":
        table(argv[2])
    elif len(argv) == 3 and argv[1] == "chart":
        chart(argv[2])
    elif len(argv) == 4 and argv[1] == "compare":
        compare(argv[2], argv[3])
    else:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
