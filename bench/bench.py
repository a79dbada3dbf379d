#!/usr/bin/env python3
"""Times whole builds of Cairn and its peers (Hugo, Zola) on the same generated documents.

Generates the corpus of ../shared/bench/gen_corpus.py (seed 42) for Cairn (`native`) and for
each peer found (`hugo` for $HUGO or a `hugo` on PATH, `zola` for $ZOLA or a `zola` on PATH),
then builds each several times, Cairn and the peers interleaved run by run, into tmpfs
(/dev/shm) and into the normal disk. Prints medians and min-max of wall time, user and system
CPU time and peak memory, the Cairn/peer ratios, the floor (reading every input file, writing
an output tree of the same size), the size of the largest generated files, warm rebuilds with
Cairn's build cache (unchanged and 1% changed), and the time from editing one document to the
fresh page being served by `cairn serve`. A peer is skipped at a size whose build would not fit
in the memory this machine has free (its peak is estimated from the sizes before). Status
checks are off. With `--git`, only the git-history case: the largest corpus in a git
repository (bench/git_history.py), the history pass alone (walked and stored), and cold builds
and warm rebuilds with and without it. Not part of `cargo test`: figures depend on the machine.
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
# CAIRN_TARGET=target/fast/release times another build of the same sources.
TARGET = os.path.join(ROOT, os.environ.get("CAIRN_TARGET", os.path.join("target", "release")))
CAIRN = os.path.join(TARGET, "cairn")
HISTORY_PASS = os.path.join(TARGET, "examples", "history_pass")
# Where the corpora and outputs on tmpfs go (CAIRN_BENCH_DIR, default /dev/shm/cairn-bench).
SHM = os.environ.get("CAIRN_BENCH_DIR", "/dev/shm/cairn-bench")
GIT_HISTORY = os.path.join(ROOT, "bench", "git_history.py")
SEED = 42


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def timed(cmd, cwd=None, env=None):
    """Runs cmd under /usr/bin/time -v; returns (wall s, cpu s, peak MiB, user s, sys s)."""
    full = ["/usr/bin/time", "-v"] + cmd
    start = time.perf_counter()
    p = subprocess.run(full, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    if p.returncode != 0:
        sys.exit(f"command failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr[-2000:]}")
    def field(name):
        m = re.search(rf"{re.escape(name)}: ([0-9.:]+)", p.stderr)
        return m.group(1) if m else "0"
    user, system = float(field("User time (seconds)")), float(field("System time (seconds)"))
    peak = int(field("Maximum resident set size (kbytes)")) / 1024
    return wall, user + system, peak, user, system


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


class Peer:
    """Another generator built on the same documents: its binary, corpus target and command."""

    def __init__(self, name, binary, target, command, mib_per_doc):
        self.name, self.binary, self.target, self.command = name, binary, target, command
        # Peak memory per document when nothing was measured yet at a smaller size.
        self.mib_per_doc = mib_per_doc
        self.peaks = {}

    def build(self, site, out):
        row = timed(self.command(self.binary, site, out))
        return row

    def version(self):
        flag = "version" if self.name == "Hugo" else "--version"
        try:
            return sh([self.binary, flag]).stdout.strip().splitlines()[0]
        except (subprocess.CalledProcessError, OSError, IndexError):
            return "?"

    def estimated_peak(self, n):
        """MiB: the peak at the largest smaller size measured, scaled, with a quarter to spare."""
        below = [m for m in self.peaks if m <= n]
        if below:
            m = max(below)
            return self.peaks[m] * n / m * 1.25
        return self.mib_per_doc * n * 1.25


def peers():
    found = []
    hugo = os.environ.get("HUGO") or shutil.which("hugo")
    if hugo:
        found.append(Peer("Hugo", hugo, "hugo", lambda b, site, out: [
            b, "--quiet", "--source", site, "--destination", out, "--cleanDestinationDir"], 0.16))
    zola = os.environ.get("ZOLA") or shutil.which("zola")
    if zola:
        found.append(Peer("Zola", zola, "zola", lambda b, site, out: [
            b, "--root", site, "build", "--output-dir", out, "--force"], 0.09))
    return found


def available_mib():
    for line in open("/proc/meminfo"):
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) / 1024
    return float("inf")


def clean(path):
    shutil.rmtree(path, ignore_errors=True)


def floor(site, out_tree, scratch):
    """Reading every input file, and writing a tree like the output, in this process.

    The output is read back in batches of at most 256 MB (untimed) and each batch written
    (timed), so a 100,000-document site is not held in memory whole. Returns the read and
    write times, the bytes read and written, the files written, and the system CPU time of
    the writes (the kernel's share: what a build's system time compares with)."""
    start = time.perf_counter()
    n = 0
    for dirpath, _, files in os.walk(os.path.join(site, "content")):
        for f in files:
            with open(os.path.join(dirpath, f), "rb") as fh:
                n += len(fh.read())
    read = time.perf_counter() - start
    paths = []
    for dirpath, _, fs in os.walk(out_tree):
        paths += [os.path.join(dirpath, f) for f in fs]
    paths.sort()
    dest = os.path.join(scratch, "floor-write")
    clean(dest)
    write = write_sys = 0.0
    out_bytes = 0
    made = set()

    def put(batch):
        nonlocal write, write_sys, out_bytes
        sys0, start = os.times().system, time.perf_counter()
        for rel, data in batch:
            p = os.path.join(dest, rel)
            d = os.path.dirname(p)
            if d not in made:
                os.makedirs(d, exist_ok=True)
                made.add(d)
            with open(p, "wb") as fh:
                fh.write(data)
            out_bytes += len(data)
        write += time.perf_counter() - start
        write_sys += os.times().system - sys0

    batch, size = [], 0
    for p in paths:
        with open(p, "rb") as fh:
            data = fh.read()
        batch.append((os.path.relpath(p, out_tree), data))
        size += len(data)
        if size >= 256 << 20:
            put(batch)
            batch, size = [], 0
    put(batch)
    clean(dest)
    return read, write, n, out_bytes, len(paths), write_sys


BIG_FILES = ["search.json", "graph/index.html", "graph.json", "timeline/index.html", "index.html"]


def sizes_of(out):
    """The size in bytes of the generated files that grow with the whole site."""
    return {f: os.path.getsize(os.path.join(out, f)) for f in BIG_FILES if os.path.exists(os.path.join(out, f))}


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
        # The development server's output folder, as large as the site.
        shutil.rmtree(os.path.join(site, ".cairn"), ignore_errors=True)
    return times


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, help="builds per configuration (default 5; 3 with --quick)")
    ap.add_argument("--sizes", default="1000,10000", help="corpus sizes (default 1000,10000; e.g. 1000,10000,100000)")
    ap.add_argument("--quick", action="store_true", help="3 runs, tmpfs only, no handbook case")
    ap.add_argument("--no-warm", action="store_true",
                    help="cold builds only: no cache filling or warm rebuilds")
    ap.add_argument("--no-serve", action="store_true", help="skip the serve edit latency")
    ap.add_argument("--json", help="also write the figures to this file")
    ap.add_argument("--git", action="store_true",
                    help="only the git-history case: the largest corpus in a repository with --commits commits")
    ap.add_argument("--commits", type=int, default=20000, help="commits of the git-history corpus (default 20000)")
    a = ap.parse_args()
    runs = a.runs or (3 if a.quick else 5)
    sizes = [int(s) for s in a.sizes.split(",")]
    found = peers()
    results = {"machine": machine(found), "runs": runs}
    print(f"machine: {results['machine']}")
    names = " and ".join(["Cairn"] + [p.name for p in found])
    print(f"runs per configuration: {runs}; {names} interleaved; status checks off\n")
    if a.git:
        results["git"] = git_case(sizes[-1], a.commits, runs)
        if a.json:
            json.dump(results, open(a.json, "w"), indent=1, default=str)
        return

    storages = [("tmpfs", SHM)] + ([] if a.quick else [("disk", os.path.join(ROOT, "target", "bench-disk"))])
    cases = [(n, False) for n in sizes] + ([] if a.quick else [(n, True) for n in sizes])
    for storage, base in storages:
        os.makedirs(base, exist_ok=True)
        for n, handbook in cases:
            label = f"{storage} {n}{' handbook' if handbook else ''}"
            native = generate("native", n, base, handbook)
            c_out = os.path.join(base, "out-cairn")
            running = []
            for p in found:
                need, free = p.estimated_peak(n), available_mib()
                if need > 0.6 * free:
                    print(f"   {p.name} skipped at {n} documents: its peak would be about {need:.0f} MiB "
                          f"and this machine has {free:.0f} MiB free")
                    continue
                running.append((p, generate(p.target, n, base, handbook), os.path.join(base, f"out-{p.target}")))
            cold = {"cairn": []}
            for p, _, _ in running:
                cold[p.name] = []
            for _ in range(runs):
                clean(c_out)
                cold["cairn"].append(cairn_build(native, c_out))
                for p, site, out in running:
                    clean(out)
                    cold[p.name].append(p.build(site, out))
                    clean(out)
            row = dict(cold)
            print(f"== {label}: cold full build")
            report("Cairn", cold["cairn"])
            for p, _, _ in running:
                report(p.name, cold[p.name])
                p.peaks[n] = statistics.median(r[2] for r in cold[p.name])
            for p, _, _ in running:
                ratio = statistics.median(c[0] for c in cold["cairn"]) / statistics.median(h[0] for h in cold[p.name])
                print(f"   Cairn/{p.name} wall: {ratio:.3f}x")
                row[f"ratio_{p.name}"] = ratio
            big = sizes_of(c_out)
            print("   sizes: " + ", ".join(f"{f} {b / 1e6:.1f} MB" for f, b in big.items()))
            row["sizes"] = big
            if not handbook:
                # Reading the input, and writing again what the last cold build wrote.
                read, write, in_bytes, out_bytes, out_files, write_sys = floor(native, c_out, base)
                print(f"   floor: read {in_bytes / 1e6:.1f} MB input in {read:.3f}s; "
                      f"write {out_files} files / {out_bytes / 1e6:.1f} MB in {write:.3f}s "
                      f"({write_sys:.2f}s of it system CPU)")
                sys_med = statistics.median(r[4] for r in cold["cairn"])
                print(f"   Cairn system CPU / floor write: {sys_med / write:.2f}x")
                row.update(floor_read=read, floor_write=write, floor_write_sys=write_sys)
            if not handbook and not a.no_warm:
                # The first build with a cache folder writes every page into it as well.
                fill = []
                for _ in range(runs):
                    clean(c_out)
                    fill.append(cairn_build(native, c_out, cache="fill"))
                report("Cairn cold, filling cache", fill)
                # Warm: the build cache from the last build is kept.
                warm = [cairn_build(native, c_out, cache="keep") for _ in range(runs)]
                changed = []
                for r in range(runs):
                    touch_percent(native, 1, r)
                    changed.append(cairn_build(native, c_out, cache="keep"))
                report("Cairn rebuild, unchanged", warm)
                report("Cairn rebuild, 1% changed", changed)
                for p, _, _ in running:
                    h = statistics.median(x[0] for x in cold[p.name])
                    print(f"   vs {p.name} wall: filling {statistics.median(x[0] for x in fill) / h:.3f}x, "
                          f"unchanged {statistics.median(x[0] for x in warm) / h:.3f}x, "
                          f"1% changed {statistics.median(x[0] for x in changed) / h:.3f}x")
                row.update(fill=fill, warm=warm, changed=changed)
                shutil.rmtree(native)  # the 1% edits changed it
                shutil.rmtree(native.rstrip("/") + ".cache", ignore_errors=True)
            clean(c_out)
            results[label] = row
            print()
        tm = [n for n in sizes if f"tmpfs {n}" in results]
        for lo, hi in zip(tm, tm[1:]):
            if storage != "tmpfs":
                break
            g = statistics.median(x[0] for x in results[f"tmpfs {hi}"]["cairn"]) / statistics.median(
                x[0] for x in results[f"tmpfs {lo}"]["cairn"])
            print(f"growth {lo} -> {hi} documents (tmpfs, cold wall): {g:.2f}x for {hi / lo:.0f}x the documents")
            results[f"growth {lo}-{hi}"] = g
        print()

    if not a.no_serve:
        n = sizes[-1]
        site = generate("native", n, SHM)
        lat = serve_latency(site, 15 if not a.quick else 7)
        print(f"== serve, {n} documents: edit one document's body -> fresh page over HTTP")
        print(f"   {fmt(lat, ' ms', 1)} median (min-max) over {len(lat)} edits")
        results["serve_ms"] = lat
    if a.json:
        json.dump(results, open(a.json, "w"), indent=1, default=str)


def history_pass(site, cache=None):
    """One history pass (bench/history_pass.rs): (wall s, cpu s, peak MiB, user s, sys s), and
    what it found."""
    cmd = [HISTORY_PASS, site] + ([cache] if cache else [])
    p = subprocess.run(["/usr/bin/time", "-v"] + cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.exit(f"history pass failed: {p.stderr[-2000:]}")
    found = json.loads(p.stdout)
    def field(name):
        m = re.search(rf"{re.escape(name)}: ([0-9.:]+)", p.stderr)
        return float(m.group(1)) if m else 0.0
    user, system = field("User time (seconds)"), field("System time (seconds)")
    peak = field("Maximum resident set size (kbytes)") / 1024
    return (found["seconds"], user + system, peak, user, system), found


def git_case(n, commits, runs):
    """The corpus in a git repository with a realistic history (bench/git_history.py): the
    history pass alone, cold (walked) and stored (read back by HEAD commit), then builds of
    the same documents in the repository and outside any (where the pass is off), interleaved
    run by run: cold (--no-cache, so the pass walks) and warm rebuilds (the build cache kept,
    so the pass reads the stored history). On tmpfs."""
    base = SHM
    os.makedirs(base, exist_ok=True)
    plain = generate("native", n, base)
    site = os.path.join(base, f"git-{n}-{commits}")
    if not os.path.isdir(os.path.join(site, ".git")):
        clean(site)
        shutil.copytree(plain, site)
        start = time.perf_counter()
        print(sh([sys.executable, GIT_HISTORY, site, "--commits", str(commits), "--seed", str(SEED)]).stdout.strip())
        print(f"   history generated in {time.perf_counter() - start:.1f}s")
    cache = site.rstrip("/") + ".history-cache"
    cold, warm = [], []
    for _ in range(runs):
        clean(cache)
        t, found = history_pass(site, cache)  # walked (the cache is empty), then stored
        cold.append(t)
        warm.append(history_pass(site, cache)[0])
    print(f"== git history, {found['documents']} documents, {found['commits']} commits that touched them")
    report("history pass alone, walked", cold)
    report("history pass alone, stored", warm)
    out = os.path.join(base, "out-git")
    rows = {k: [] for k in ("cold without", "cold with", "warm without", "warm with")}
    for which, root in (("without", plain), ("with", site)):
        clean(out)
        cairn_build(root, out, cache="fill")  # the cache the warm rebuilds start from
    for _ in range(runs):
        for which, root in (("without", plain), ("with", site)):
            clean(out)
            rows[f"cold {which}"].append(cairn_build(root, out))
            cairn_build(root, out, cache="keep")
            rows[f"warm {which}"].append(cairn_build(root, out, cache="keep"))
    behind = carried_forward(site, plain, out, runs)
    rows["cold without, cache filled"] = behind.pop("fill")
    rows.update({f"cold {n} behind": v["build"] for n, v in behind.items()})
    for k in ("cold without", "cold with", "warm without", "warm with"):
        report(f"{k.split()[0]} build, {'no history' if k.endswith('without') else 'with history'}", rows[k])
    report("cold build, no history, filling the cache", rows["cold without, cache filled"])
    for n, v in behind.items():
        report(f"pass, stored {n} behind", v["pass"])
        report(f"cold build, stored {n} behind", v["build"])
    med = {k: statistics.median(x[0] for x in v) for k, v in rows.items()}
    print(f"   the pass adds {100 * (med['cold with'] - med['cold without']) / med['cold without']:.1f}% "
          f"to a cold build (target <= 10%) and {med['warm with'] - med['warm without']:.3f}s "
          f"to a warm rebuild (target <= 0.1s)")
    for n in behind:
        base = med["cold without, cache filled"]
        print(f"   stored {n} commits behind HEAD, the pass adds "
              f"{100 * (med[f'cold {n} behind'] - base) / base:.1f}% to a cold build filling the cache (target <= 10%)")
    clean(out)
    return {"cold_pass": cold, "warm_pass": warm, **rows}


def carried_forward(site, plain, out, runs, behinds=(20, 200)):
    """The CI case: a cold build (no pages cached) whose build cache holds the history stored
    by the build N commits back, so the pass reads only the N commits since. A clone of the
    bench repository (hard links; the repository itself is not touched) is checked out N commits
    back, its history stored once and kept aside, then restored before each timed run at HEAD.
    The pass alone and the cold build are timed, against cold builds of the plain corpus that
    fill an empty cache (as these do: the baseline without --no-cache)."""
    results = {"fill": []}
    for n in behinds:
        clone = site.rstrip("/") + f".behind-{n}"
        if not os.path.isdir(os.path.join(clone, ".git")):
            clean(clone)
            sh(["git", "clone", "-q", site, clone])
        sh(["git", "-C", clone, "checkout", "-q", "--detach", f"origin/HEAD~{n}"])
        kept = clone + ".stored"
        clean(kept)
        history_pass(clone, kept)  # the history at N commits back, walked whole
        sh(["git", "-C", clone, "checkout", "-q", "--detach", "origin/HEAD"])
        cache_dir = clone + ".cache"
        passes, builds = [], []
        for _ in range(runs):
            clean(cache_dir)
            shutil.copytree(kept, cache_dir)
            t, found = history_pass(clone, cache_dir)
            passes.append(t)
            clean(cache_dir)
            shutil.copytree(kept, cache_dir)
            clean(out)
            builds.append(cairn_build(clone, out, cache="keep"))
            clean(out)
            results["fill"].append(cairn_build(plain, out, cache="fill"))
        results[n] = {"pass": passes, "build": builds}
    return results


def report(name, rows):
    print(f"   {name:28} wall {fmt([r[0] for r in rows])}  user {fmt([r[3] for r in rows])}  "
          f"sys {fmt([r[4] for r in rows])}  peak {fmt([r[2] for r in rows], ' MiB', 0)}")


def machine(found):
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    versions = "; ".join(p.version() for p in found) or "no peers"
    return f"{os.cpu_count()} cores, {cpu}, {mem:.0f} GiB; {versions}"


if __name__ == "__main__":
    main()
