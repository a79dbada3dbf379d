#!/usr/bin/env python3
"""Puts a generated corpus into a git repository with a realistic history.

The corpus's files (from ../shared/bench/gen_corpus.py) are the final state: the history adds
documents over the years in small batches, edits them (bodies growing, status moving from
draft to proposed to its final value), renames a few (added under an older name first), and
is written by a dozen authors, some under two addresses that `.mailmap` joins. It is streamed
into `git fast-import`, so 20,000 commits take seconds, then repacked as a server would send
it. Deterministic for a seed. Not part of `cargo test`.

Usage: bench/git_history.py SITE [--commits 20000] [--seed 42] [--force]
"""

import argparse
import os
import random
import shutil
import subprocess
import sys

AUTHORS = [
    ("Hannah Lindqvist", "hannah@example.org"),
    ("Tomás Ferreira", "tomas@example.org"),
    ("Amara Okafor", "amara@example.org"),
    ("Kenji Watanabe", "kenji@example.org"),
    ("Priya Raman", "priya@example.org"),
    ("Lukas Becker", "lukas@example.org"),
    ("Sofia Marino", "sofia@example.org"),
    ("Daniel Cohen", "daniel@example.org"),
    ("Mei Chen", "mei@example.org"),
    ("Oluwaseun Adeyemi", "seun@example.org"),
    ("Ingrid Haugen", "ingrid@example.org"),
    ("Rafael Ortiz", "rafael@example.org"),
]
# Old addresses some authors committed under; .mailmap maps them to the ones above.
OLD_ADDRESSES = {0: "h.lindqvist@old.example.com", 3: "kenji.w@old.example.com", 8: "mchen@laptop.local"}
START = 1546300800  # 2019-01-01
END = 1782864000  # 2026-07-01
EARLIER = {"active": ["draft", "proposed"], "accepted": ["draft", "proposed"], "retired": ["active"]}


def documents(site):
    docs = []
    for dirpath, _, files in os.walk(os.path.join(site, "content")):
        for f in files:
            if f.endswith(".md"):
                docs.append(os.path.relpath(os.path.join(dirpath, f), site))
    return sorted(docs)


def others(site):
    """Every other file of the site, committed first."""
    out = []
    for dirpath, dirs, files in os.walk(site):
        dirs[:] = [d for d in dirs if d != ".git"]
        for f in files:
            rel = os.path.relpath(os.path.join(dirpath, f), site)
            if not (rel.startswith("content" + os.sep) and f.endswith(".md")):
                out.append(rel)
    return sorted(out)


def version(final, step, steps):
    """The text of a document at edit `step` of `steps` (the last one is the corpus's own)."""
    if step == steps - 1:
        return final
    head, sep, body = final.partition("\n---\n")
    paras = body.split("\n\n")
    keep = max(1, len(paras) * (step + 1) // steps)
    body = "\n\n".join(paras[:keep]).rstrip("\n") + "\n"
    lines = head.split("\n")
    for i, line in enumerate(lines):
        if line.startswith("status: "):
            final_status = line[len("status: "):].strip()
            earlier = EARLIER.get(final_status, [])
            # The first steps walk the earlier statuses; the rest already have the final one.
            if step < len(earlier):
                lines[i] = "status: " + earlier[step]
    return "\n".join(lines) + sep + body


def data(text):
    raw = text.encode("utf-8")
    return b"data %d\n" % len(raw) + raw + b"\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("site")
    ap.add_argument("--commits", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--force", action="store_true", help="replace an existing .git")
    args = ap.parse_args()
    site = os.path.abspath(args.site)
    git_dir = os.path.join(site, ".git")
    if os.path.exists(git_dir):
        if not args.force:
            sys.exit(f"{git_dir} exists (--force replaces it)")
        shutil.rmtree(git_dir)
    rng = random.Random(args.seed)
    docs = documents(site)
    n = len(docs)
    commits = max(args.commits, 2)
    # Edits per document: the history's commits beyond the additions, spread unevenly (a few
    # documents are edited often, most a few times).
    adds_per_commit = max(1, -(-n // (commits // 3)))
    add_commits = -(-n // adds_per_commit)
    edit_commits = max(0, commits - 1 - add_commits - n // 50)
    weights = [rng.paretovariate(1.5) for _ in docs]
    edits = [0] * n
    for i in rng.choices(range(n), weights=weights, k=edit_commits):
        edits[i] += 1
    renamed = set(rng.sample(range(n), n // 50))
    # Events: (order key, kind, doc). Additions come in order over the first 80% of the
    # history; each edit falls at random after its document's addition.
    events = []
    add_at = {}
    for j, i in enumerate(rng.sample(range(n), n)):
        add_at[i] = j / n * 0.8
        events.append((add_at[i], 0, i))
    for i in range(n):
        for _ in range(edits[i]):
            events.append((rng.uniform(add_at[i], 1.0), 1, i))
        if i in renamed:
            events.append((rng.uniform(add_at[i], 1.0), 2, i))
    events.sort()
    finals = {}
    for i, path in enumerate(docs):
        with open(os.path.join(site, path), encoding="utf-8") as f:
            finals[i] = f.read()
    steps = {i: edits[i] + 1 for i in range(n)}
    done = {i: 0 for i in range(n)}
    current = {}
    for i in range(n):
        head, tail = os.path.split(docs[i])
        current[i] = os.path.join(head, "draft-" + tail) if i in renamed else docs[i]

    subprocess.run(["git", "init", "-q", "-b", "main", site], check=True)
    fi = subprocess.Popen(["git", "-C", site, "fast-import", "--quiet"], stdin=subprocess.PIPE)
    out = fi.stdin
    mark = 0
    total = 1 + len(events) // adds_per_commit + 1
    step_s = (END - START) / max(total, 1)

    def commit(who, when, subject, ops):
        nonlocal mark
        mark += 1
        name, email = AUTHORS[who]
        if who in OLD_ADDRESSES and when < (START + END) // 2:
            email = OLD_ADDRESSES[who]
        ident = f"{name} <{email}> {when} +0000\n".encode("utf-8")
        out.write(b"commit refs/heads/main\nmark :%d\n" % mark)
        out.write(b"author " + ident + b"committer " + ident)
        out.write(data(subject))
        if mark > 1:
            out.write(b"from :%d\n" % (mark - 1))
        for op in ops:
            out.write(op)

    clock = START
    first = []
    for rel in others(site):
        with open(os.path.join(site, rel), "rb") as f:
            raw = f.read()
        first.append(b"M 100644 inline " + rel.encode() + b"\n" + b"data %d\n" % len(raw) + raw + b"\n")
    mailmap = "".join(f"{AUTHORS[i][0]} <{AUTHORS[i][1]}> <{old}>\n" for i, old in sorted(OLD_ADDRESSES.items()))
    first.append(b"M 100644 inline .mailmap\n" + data(mailmap))
    with open(os.path.join(site, ".mailmap"), "w", encoding="utf-8") as f:
        f.write(mailmap)
    commit(0, clock, "Start the engineering docs", first)

    k = 0
    while k < len(events):
        clock += max(1, int(rng.uniform(0.2, 1.8) * step_s))
        who = rng.randrange(len(AUTHORS))
        _, kind, i = events[k]
        if kind == 0:
            batch = []
            while k < len(events) and events[k][1] == 0 and len(batch) < adds_per_commit:
                batch.append(events[k][2])
                k += 1
            ops = [b"M 100644 inline " + current[i].encode() + b"\n" + data(version(finals[i], 0, steps[i])) for i in batch]
            subject = f"Add {os.path.basename(current[batch[0]])}" + (f" and {len(batch) - 1} more" if len(batch) > 1 else "")
            commit(who, clock, subject, ops)
            continue
        k += 1
        if kind == 2:
            old, new = current[i], docs[i]
            current[i] = new
            commit(who, clock, f"Rename {os.path.basename(old)} to {os.path.basename(new)}", [f"R {old} {new}\n".encode()])
            continue
        done[i] += 1
        text = version(finals[i], done[i], steps[i])
        before = version(finals[i], done[i] - 1, steps[i])
        moved = [l for l in text.split("\n") if l.startswith("status: ")] != [l for l in before.split("\n") if l.startswith("status: ")]
        subject = ("Move " if moved else "Edit ") + os.path.basename(current[i])
        commit(who, clock, subject, [b"M 100644 inline " + current[i].encode() + b"\n" + data(text)])
    # Anything not yet at its final text (a rename after the last edit is fine) catches up.
    rest = [i for i in range(n) if done[i] != steps[i] - 1 or current[i] != docs[i]]
    if rest:
        ops = []
        for i in rest:
            if current[i] != docs[i]:
                ops.append(f"D {current[i]}\n".encode())
            ops.append(b"M 100644 inline " + docs[i].encode() + b"\n" + data(finals[i]))
        commit(0, clock + 60, "Bring the last documents up to date", ops)
    out.close()
    if fi.wait() != 0:
        sys.exit("git fast-import failed")
    subprocess.run(["git", "-C", site, "reset", "-q"], check=True)
    subprocess.run(["git", "-C", site, "repack", "-a", "-d", "-q", "--window=10", "--depth=50", "-f"], check=True)
    subprocess.run(["git", "-C", site, "commit-graph", "write", "--reachable"], check=True, stdout=subprocess.DEVNULL)
    status = subprocess.run(["git", "-C", site, "status", "--porcelain"], check=True, stdout=subprocess.PIPE, text=True).stdout
    if status.strip():
        sys.exit("the history does not end at the corpus:\n" + status[:2000])
    print(f"{site}: {mark} commits, {n} documents, {len(renamed)} renamed")


if __name__ == "__main__":
    main()
