#!/usr/bin/env python3
"""Times whole builds of Cairn and Hugo on the same generated documents.

Generates the corpus of ../shared/bench/gen_corpus.py (seed 42) for Cairn (`native`) and
Hugo (`hugo`), then builds each several times, Cairn and Hugo interleaved, into tmpfs
(/dev/shm) and into the normal disk. Prints medians and min-max of wall time, CPU time
(user+sys) and peak memory, the Cairn/Hugo ratio, the floor (reading every input file,
writing an output tree of the same size), warm rebuilds with Cairn's build cache (unchanged
and 1% changed), and the time from editing one document to the fresh page being served by
`cairn serve`. Status checks are off. With `--git`, only the git-history case: the largest
corpus in a git repository (bench/git_history.py), the history pass alone (cold and stored)
and a cold build with and without it. Not part of `cargo test`: figures depend on the machine.
"""

import argparse
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(ROOT, "..", "shared", "bench", "gen_corpus.py")
CAIRN = os.path.join(ROOT, "target", "release", "cairn")
HISTORY_PASS = os.path.join(ROOT, "target", "release", "examples", "history_pass")
GIT_HISTORY = os.path.join(ROOT, "bench", "git_history.py")
SEED = 42


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def timed(cmd, cwd=None, env=None):
    """Runs cmd under /usr/bin/time -v; returns (wall s, cpu s, peak MiB)."""
    full = ["/usr/bin/time", "-v"] + cmd
    start = time.perf_counter()
    p = subprocess.run(full, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    if p.returncode != 0:
        sys.exit(f"command failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr[-2000:]}")
    def field(name):
        m = re.search(rf"{re.escape(name)}: ([0-9.:]+)", p.stderr)
        return m.group(1) if m else "0"
    cpu = float(field("User time (seconds)")) + float(field("System time (seconds)"))
    peak = int(field("Maximum resident set size (kbytes)")) / 1024
    return wall, cpu, peak


def summary(xs):
    return statistics.median(xs), min(xs), max(xs)


def fmt(xs, unit="s", digits=2):
    med, lo, hi = summary(xs)
    return f"{med:.{digits}f}{unit} ({lo:.{digits}f}-{hi:.{digits}f})"


def generate(target, n, base, handbook=False):
    out = os.path.join(base, f"{target}-{n}{'-handbook' if handbook else ''}")
    if not os.path.exists(os.path.join(out, "corpus.json")):
        sh([sys.executable, GEN, "--target", target, "--n", str(n), "--seed", str(SEED), "--out", out, "--force"])
        if handbook:
            to_handbook(os.path.join(out, "content"))
    return out


def to_handbook(content):
    """The handbook case: no code blocks, three times the prose."""
    fence = re.compile(r"```[a-z]*\n.*?\n```\n?", re.S)
    for dirpath, _, files in os.walk(content):
        for f in files:
            if not f.endswith(".md") or f == "_index.md":
                continue
            p = os.path.join(dirpath, f)
            text = open(p, encoding="utf-8").read()
            head, sep, body = text.partition("\n---\n")
            body = fence.sub("", body)
            paras = [b for b in body.split("\n\n") if b and not b.startswith(("#", "|", "-"))]
            body = body.rstrip("\n") + "\n\n" + "\n\n".join(paras * 2) + "\n"
            open(p, "w", encoding="utf-8").write(head + sep + body)


def cairn_build(site, out, cache="none"):
    """cache: "none" (--no-cache: the cold build), "fill" (an empty cache, filled by this
    build), "keep" (the cache left by the previous build)."""
    cache_dir = site.rstrip("/") + ".cache"
    cmd = [CAIRN, "build", "--quiet", "--no-checks", "--root", site, "--output", out]
    if cache == "none":
        cmd.append("--no-cache")
    else:
        cmd += ["--cache-dir", cache_dir]
    if cache != "keep":
        shutil.rmtree(cache_dir, ignore_errors=True)
    return timed(cmd)


def hugo_build(site, out):
    return timed(["hugo", "--quiet", "--source", site, "--destination", out, "--cleanDestinationDir"])


def clean(path):
    shutil.rmtree(path, ignore_errors=True)


def floor(site, out_tree, scratch):
    """Reading every input file, and writing a tree like the output, in this process."""
    start = time.perf_counter()
    n = 0
    for dirpath, _, files in os.walk(os.path.join(site, "content")):
        for f in files:
            with open(os.path.join(dirpath, f), "rb") as fh:
                n += len(fh.read())
    read = time.perf_counter() - start
    files = []
    for dirpath, _, fs in os.walk(out_tree):
        for f in fs:
            p = os.path.join(dirpath, f)
            files.append((os.path.relpath(p, out_tree), open(p, "rb").read()))
    dest = os.path.join(scratch, "floor-write")
    clean(dest)
    start = time.perf_counter()
    for rel, data in files:
        p = os.path.join(dest, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as fh:
            fh.write(data)
    write = time.perf_counter() - start
    clean(dest)
    return read, write, n, sum(len(d) for _, d in files), len(files)


def touch_percent(site, pct, round_no):
    """Appends a sentence to pct% of the documents (a different set each round)."""
    docs = []
    for dirpath, _, files in os.walk(os.path.join(site, "content")):
        docs += [os.path.join(dirpath, f) for f in files if f.endswith(".md") and f != "_index.md"]
    docs.sort()
    step = max(1, int(100 / pct))
    for p in docs[round_no % step :: step]:
        with open(p, "a", encoding="utf-8") as fh:
            fh.write(f"\nEdited in round {round_no}.\n")


def serve_latency(site, edits):
    """Median time from writing one document to `cairn serve` answering with its new text."""
    proc = subprocess.Popen([CAIRN, "serve", "--port", "0", "--root", site],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    port = None
    for line in proc.stderr:
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if m:
            port = int(m.group(1))
            break
    threading.Thread(target=lambda: [None for _ in proc.stderr], daemon=True).start()
    doc = sorted(os.listdir(os.path.join(site, "content", "patterns")))[1]
    path = os.path.join(site, "content", "patterns", doc)
    url = f"/patterns/{doc[:-3]}/"
    original = open(path, encoding="utf-8").read()
    times = []
    try:
        for i in range(edits):
            marker = f"fresh-edit-{i}-{time.time_ns()}"
            start = time.perf_counter()
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(original + f"\n{marker}\n")
            while True:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                c.request("GET", url)
                body = c.getresponse().read().decode("utf-8", "replace")
                c.close()
                if marker in body:
                    break
                if time.perf_counter() - start > 30:
                    raise SystemExit("serve did not pick up an edit within 30 s")
                time.sleep(0.001)
            times.append((time.perf_counter() - start) * 1000)
            time.sleep(0.3)
    finally:
        open(path, "w", encoding="utf-8").write(original)
        proc.terminate()
        proc.wait()
    return times


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="builds per configuration (default 5)")
    ap.add_argument("--sizes", default="1000,10000", help="corpus sizes (default 1000,10000)")
    ap.add_argument("--quick", action="store_true", help="3 runs, tmpfs only, no handbook case")
    ap.add_argument("--json", help="also write the figures to this file")
    ap.add_argument("--git", action="store_true",
                    help="only the git-history case: the largest corpus in a repository with --commits commits")
    ap.add_argument("--commits", type=int, default=20000, help="commits of the git-history corpus (default 20000)")
    a = ap.parse_args()
    runs = 3 if a.quick else a.runs
    sizes = [int(s) for s in a.sizes.split(",")]
    have_hugo = shutil.which("hugo") is not None
    results = {"machine": machine(), "runs": runs}
    print(f"machine: {results['machine']}")
    print(f"runs per configuration: {runs}; Cairn and Hugo interleaved; status checks off\n")
    if a.git:
        results["git"] = git_case(sizes[-1], a.commits, runs)
        if a.json:
            json.dump(results, open(a.json, "w"), indent=1, default=str)
        return

    storages = [("tmpfs", "/dev/shm/cairn-bench")] + ([] if a.quick else [("disk", os.path.join(ROOT, "target", "bench-disk"))])
    cases = [(n, False) for n in sizes] + ([] if a.quick else [(n, True) for n in sizes])
    for storage, base in storages:
        os.makedirs(base, exist_ok=True)
        for n, handbook in cases:
            label = f"{storage} {n}{' handbook' if handbook else ''}"
            native = generate("native", n, base, handbook)
            hugo = generate("hugo", n, base, handbook) if have_hugo else None
            c_out, h_out = os.path.join(base, "out-cairn"), os.path.join(base, "out-hugo")
            cold = {"cairn": [], "hugo": []}
            for _ in range(runs):
                clean(c_out)
                cold["cairn"].append(cairn_build(native, c_out))
                if hugo:
                    clean(h_out)
                    cold["hugo"].append(hugo_build(hugo, h_out))
            row = {"cairn": cold["cairn"], "hugo": cold["hugo"]}
            print(f"== {label}: cold full build")
            report("Cairn", cold["cairn"])
            if hugo:
                report("Hugo", cold["hugo"])
                ratio = statistics.median(c[0] for c in cold["cairn"]) / statistics.median(h[0] for h in cold["hugo"])
                print(f"   Cairn/Hugo wall: {ratio:.3f}x")
                row["ratio"] = ratio
            if not handbook:
                # The first build with a cache folder writes every page into it as well.
                fill = []
                for _ in range(runs):
                    clean(c_out)
                    fill.append(cairn_build(native, c_out, cache="fill"))
                report("Cairn cold, filling cache", fill)
                if hugo:
                    print(f"   filling/Hugo wall: {statistics.median(x[0] for x in fill) / statistics.median(h[0] for h in cold['hugo']):.3f}x")
                # Warm: the build cache from the last build is kept.
                warm = [cairn_build(native, c_out, cache="keep") for _ in range(runs)]
                changed = []
                for r in range(runs):
                    touch_percent(native, 1, r)
                    changed.append(cairn_build(native, c_out, cache="keep"))
                report("Cairn rebuild, unchanged", warm)
                report("Cairn rebuild, 1% changed", changed)
                if hugo:
                    h = statistics.median(x[0] for x in cold["hugo"])
                    print(f"   rebuild/Hugo wall: unchanged {statistics.median(x[0] for x in warm) / h:.3f}x, "
                          f"1% changed {statistics.median(x[0] for x in changed) / h:.3f}x")
                row.update(fill=fill, warm=warm, changed=changed)
                read, write, in_bytes, out_bytes, out_files = floor(native, c_out, base)
                print(f"   floor: read {in_bytes / 1e6:.1f} MB input in {read:.3f}s; "
                      f"write {out_files} files / {out_bytes / 1e6:.1f} MB in {write:.3f}s")
                row.update(floor_read=read, floor_write=write)
                shutil.rmtree(native)  # the 1% edits changed it
            results[label] = row
            print()
        if len(sizes) > 1 and storage == "tmpfs":
            lo, hi = sizes[0], sizes[-1]
            g = statistics.median(x[0] for x in results[f"tmpfs {hi}"]["cairn"]) / statistics.median(
                x[0] for x in results[f"tmpfs {lo}"]["cairn"])
            print(f"growth {lo} -> {hi} documents (tmpfs, cold): {g:.2f}x\n")
            results["growth"] = g

    n = sizes[-1]
    site = generate("native", n, "/dev/shm/cairn-bench")
    lat = serve_latency(site, 15 if not a.quick else 7)
    print(f"== serve, {n} documents: edit one document's body -> fresh page over HTTP")
    print(f"   {fmt(lat, ' ms', 1)} median (min-max) over {len(lat)} edits")
    results["serve_ms"] = lat
    if a.json:
        json.dump(results, open(a.json, "w"), indent=1, default=str)


def history_pass(site, cache=None):
    """One history pass (bench/history_pass.rs): (wall s, cpu s, peak MiB), and what it found."""
    cmd = [HISTORY_PASS, site] + ([cache] if cache else [])
    p = subprocess.run(["/usr/bin/time", "-v"] + cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.exit(f"history pass failed: {p.stderr[-2000:]}")
    found = json.loads(p.stdout)
    def field(name):
        m = re.search(rf"{re.escape(name)}: ([0-9.:]+)", p.stderr)
        return float(m.group(1)) if m else 0.0
    cpu = field("User time (seconds)") + field("System time (seconds)")
    return (found["seconds"], cpu, field("Maximum resident set size (kbytes)") / 1024), found


def git_case(n, commits, runs):
    """The corpus in a git repository with a realistic history (bench/git_history.py): the
    history pass alone, cold (walked) and warm (the history stored by HEAD commit), and a cold
    build alone and with the pass running beside it, as a build driver runs it on its own
    thread. On tmpfs."""
    base = "/dev/shm/cairn-bench"
    os.makedirs(base, exist_ok=True)
    site = os.path.join(base, f"git-{n}-{commits}")
    if not os.path.isdir(os.path.join(site, ".git")):
        clean(site)
        shutil.copytree(generate("native", n, base), site)
        start = time.perf_counter()
        print(sh([sys.executable, GIT_HISTORY, site, "--commits", str(commits), "--seed", str(SEED)]).stdout.strip())
        print(f"   history generated in {time.perf_counter() - start:.1f}s")
    cache = site.rstrip("/") + ".history-cache"
    cold, warm = [], []
    for _ in range(runs):
        clean(cache)
        t, found = history_pass(site)
        cold.append(t)
        history_pass(site, cache)
        warm.append(history_pass(site, cache)[0])
    print(f"== git history, {found['documents']} documents, {found['commits']} commits that touched them")
    report("history pass, cold", cold)
    report("history pass, stored by HEAD", warm)
    out = os.path.join(base, "out-git")
    alone, beside = [], []
    for _ in range(runs):
        clean(out)
        alone.append(cairn_build(site, out))
        clean(out)
        start = time.perf_counter()
        pass_proc = subprocess.Popen([HISTORY_PASS, site], stdout=subprocess.DEVNULL)
        build = cairn_build(site, out)
        pass_proc.wait()
        beside.append((time.perf_counter() - start, build[1], build[2]))
    report("cold build", alone)
    report("cold build + history pass", beside)
    a, b = statistics.median(x[0] for x in alone), statistics.median(x[0] for x in beside)
    print(f"   the pass adds {100 * (b - a) / a:.0f}% to the cold build's wall time")
    return {"cold_pass": cold, "warm_pass": warm, "build": alone, "build_with_pass": beside}


def report(name, rows):
    print(f"   {name:28} wall {fmt([r[0] for r in rows])}  cpu {fmt([r[1] for r in rows])}  "
          f"peak {fmt([r[2] for r in rows], ' MiB', 0)}")


def machine():
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    hugo = sh(["hugo", "version"]).stdout.strip() if shutil.which("hugo") else "no hugo"
    return f"{os.cpu_count()} cores, {cpu}, {mem:.0f} GiB; {hugo}"


if __name__ == "__main__":
    main()
