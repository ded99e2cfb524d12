#!/usr/bin/env python3
"""Oracle harness: generate ROMs (gen.py), run each under xlat86 (inline and
inline=off), QEMU and Bochs, and compare the dumps case by case.

  run.py --xlat86 PATH [--bounded | --full] [--seeds 1,2] [--count N]
         [--groups a,b] [--work DIR] [--show N] [--known FILE]

Reference answer of a case, in order:
  1. expected/sdm.txt (the SDM verdicts of resolved.md) for the sdm ROM;
  2. QEMU's and Bochs' common answer;
  3. when they disagree: the executor a `peer` rule of known-failures.txt
     names for that case (a class resolved by the SDM in resolved.md);
     otherwise the case is an unresolved peer disagreement (a failure).
xlat86 (either mode) differing from the reference is a failure unless an
`xlat86` rule of known-failures.txt matches the case name.  Exit status 0
when there is no new failure, 1 otherwise, 77 when a peer is not installed.
"""

import argparse
import fnmatch
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True      # keep the source tree clean
import executors  # noqa: E402

EXECS = ["xi", "xn", "qemu", "bochs"]
PAIRS = [("xi", "qemu"), ("xi", "bochs"), ("xn", "qemu"), ("xn", "bochs"),
         ("qemu", "bochs"), ("xi", "xn")]


def load_rules(path):
    """known-failures.txt: `peer PATTERN EXECUTOR  # why` and
    `xlat86 PATTERN  # why`; blank lines and # comments ignored."""
    peer, xlat = [], []
    if not path or not os.path.exists(path):
        return peer, xlat
    for line in open(path):
        line = line.split("#", 1)[0].split()
        if not line:
            continue
        if line[0] == "peer" and len(line) >= 3:
            peer.append((line[1], line[2]))
        elif line[0] == "xlat86" and len(line) >= 2:
            xlat.append(line[1])
        else:
            sys.exit("run.py: bad line in %s: %s" % (path, " ".join(line)))
    return peer, xlat


def load_expected(path):
    exp = {}
    if os.path.exists(path):
        for line in open(path):
            line = line.rstrip("\n")
            if line and not line.startswith("#"):
                name, _, rest = line.partition(" ")
                exp[name] = rest
    return exp


def field_diff(a, b):
    """The fields (KEY=value tokens) where two dump lines differ."""
    if a is None or b is None:
        return "missing"
    ta, tb = a.split(), b.split()
    da = dict(t.partition("=")[::2] for t in ta)
    db = dict(t.partition("=")[::2] for t in tb)
    keys = [k for k in list(da) + [k for k in db if k not in da]]
    return " ".join("%s: %s / %s" % (k, da.get(k, "-"), db.get(k, "-"))
                    for k in keys if da.get(k) != db.get(k))


def group_of(name):
    p = name.split(".")
    return ".".join(p[:2])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--xlat86", required=True)
    ap.add_argument("--bounded", action="store_true",
                    help="the ctest set: seeds 1-5, 150 cases per group, sdm ROM")
    ap.add_argument("--full", action="store_true",
                    help="seeds 1-20, 250 cases per group, sdm ROM")
    ap.add_argument("--seeds", default="")
    ap.add_argument("--count", type=int, default=0)
    ap.add_argument("--groups", default="")
    ap.add_argument("--work", default="")
    ap.add_argument("--show", type=int, default=10, help="failures shown in full")
    ap.add_argument("--known", default=os.path.join(HERE, "known-failures.txt"))
    ap.add_argument("--capture-sdm", action="store_true",
                    help="write Bochs' answers for the sdm cases to expected/sdm.txt "
                         "(check each against resolved.md before committing)")
    a = ap.parse_args()

    missing = executors.available()
    if missing:
        print("SKIP: oracle needs %s (scripts/install-deps.sh installs them)"
              % ", ".join(missing))
        return 77
    if a.full:
        seeds, count = list(range(1, 21)), 250
    else:
        seeds, count = [1, 2, 3, 4, 5], 150
    if a.seeds:
        seeds = [int(s) for s in a.seeds.split(",")]
    if a.count:
        count = a.count
    peer_rules, xlat_rules = load_rules(a.known)
    expected = load_expected(os.path.join(HERE, "expected", "sdm.txt"))

    work = a.work or tempfile.mkdtemp(prefix="xlat86-oracle.")
    os.makedirs(work, exist_ok=True)
    t0 = time.time()
    roms = []
    for i, seed in enumerate(seeds):
        cmd = [sys.executable, os.path.join(HERE, "gen.py"), "--out", work,
               "--count", str(count), "--seed", str(seed)]
        if a.groups:
            cmd += ["--groups", a.groups]
        if i == 0 and not a.groups:
            cmd.append("--sdm")
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode:
            print(r.stdout + r.stderr)
            return 1
        roms += [x for x in open(os.path.join(work, "roms.txt")).read().split() if x]

    results = {}        # name -> {exec: line}
    problems = []
    for rom in roms:
        path = os.path.join(work, rom + ".bin")
        tmp = os.path.join(work, rom + ".run")
        os.makedirs(tmp, exist_ok=True)
        outs = {
            "xi": executors.run_xlat86(a.xlat86, path, tmp, True),
            "xn": executors.run_xlat86(a.xlat86, path, tmp, False),
            # QEMU does not model the real-mode #GP of the sdm ROM's last
            # real-mode case and runs off into memory: its answers there are
            # informational only, so do not wait long for it
            "qemu": executors.run_qemu(path, tmp, timeout=5 if rom.startswith("sdm")
                                       else executors.TIMEOUT),
            "bochs": executors.run_bochs(path, tmp),
        }
        for ex, (text, status) in outs.items():
            cases, ended, stray = executors.parse(text)
            if rom.startswith("sdm") and ex == "qemu":
                pass
            elif status or not ended or stray:
                problems.append("%s under %s: %s%s%s" % (rom, ex, status,
                                "" if ended else " no #END", " " + "; ".join(stray)))
            for name, line in cases.items():
                results.setdefault(name, {})[ex] = line

    if a.capture_sdm:
        with open(os.path.join(HERE, "expected", "sdm.txt"), "w") as f:
            f.write("# SDM verdicts of resolved.md: Bochs' dumps, each checked against\n"
                    "# the SDM (run.py --capture-sdm writes this file)\n")
            for name in sorted(results):
                if name.startswith("sdm.") and "bochs" in results[name]:
                    f.write("%s %s\n" % (name, results[name]["bochs"]))
        expected = load_expected(os.path.join(HERE, "expected", "sdm.txt"))

    # ---- verdicts
    stats = {}          # group -> counters
    new_fail, known_fail, peer_unres, peer_res = [], [], [], []
    matched_rules = set()
    for name in sorted(results):
        v = results[name]
        g = group_of(name)
        st = stats.setdefault(g, {"cases": 0, "peer_resolved": 0, **{p: 0 for p in PAIRS}})
        st["cases"] += 1
        for x, y in PAIRS:
            if v.get(x) is not None and v.get(x) == v.get(y):
                st[(x, y)] += 1
        ref = None
        if name in expected:
            ref = expected[name]
        elif v.get("qemu") is not None and v.get("qemu") == v.get("bochs"):
            ref = v["qemu"]
        else:
            for pat, ex in peer_rules:
                if fnmatch.fnmatchcase(name, pat):
                    ref = v.get(ex)
                    matched_rules.add(pat)
                    break
            if ref is None:
                peer_unres.append(name)
                continue
            st["peer_resolved"] += 1
            peer_res.append(name)
        bad = [ex for ex in ("xi", "xn") if v.get(ex) != ref]
        if bad:
            if any(fnmatch.fnmatchcase(name, p) for p in xlat_rules):
                known_fail.append(name)
                matched_rules.update(p for p in xlat_rules if fnmatch.fnmatchcase(name, p))
            else:
                new_fail.append((name, bad, ref))

    # ---- report
    print("oracle: %d ROMs, %d cases, seeds %s, %.1f s" % (len(roms), len(results),
          ",".join(map(str, seeds)), time.time() - t0))
    hdr = "%-14s %6s" % ("group", "cases") + "".join(" %11s" % ("%s-%s" % (x[:5], y[:5]))
                                                    for x, y in PAIRS) + "  peer-resolved"
    print(hdr)
    for g in sorted(stats):
        st = stats[g]
        print("%-14s %6d" % (g, st["cases"]) + "".join(" %11d" % st[p] for p in PAIRS)
              + "  %d" % st["peer_resolved"])
    for p in problems:
        print("RUN PROBLEM:", p)
    if peer_res:
        print("%d peer disagreements resolved by known-failures.txt peer rules (SDM, resolved.md)"
              % len(peer_res))
    if known_fail:
        print("%d known xlat86 failures (known-failures.txt): %s%s" % (
            len(known_fail), " ".join(known_fail[:8]), " ..." if len(known_fail) > 8 else ""))
    for name in peer_unres[:a.show]:
        v = results[name]
        print("PEER DISAGREEMENT %s\n  qemu : %s\n  bochs: %s\n  diff : %s" % (
            name, v.get("qemu"), v.get("bochs"), field_diff(v.get("qemu"), v.get("bochs"))))
        print("  xi   : %s" % field_diff(v.get("xi"), v.get("bochs")))
    for name, bad, ref in new_fail[:a.show]:
        v = results[name]
        print("XLAT86 MISMATCH %s (%s)\n  ref: %s" % (name, ",".join(bad), ref))
        for ex in bad:
            print("  %s : %s\n  diff %s: %s" % (ex, v.get(ex), ex, field_diff(ref, v.get(ex))))
    stale = sorted(set(p for p in xlat_rules + [r[0] for r in peer_rules]
                       if p not in matched_rules))
    if stale and not a.groups:
        print("note: known-failures.txt rules that matched nothing this run: %s" % " ".join(stale))
    fail = len(new_fail) + len(peer_unres) + len(problems)
    print("oracle: %s: %d new xlat86 mismatches, %d unresolved peer disagreements, "
          "%d run problems" % ("FAIL" if fail else "PASS", len(new_fail), len(peer_unres),
                               len(problems)))
    if not a.work and not fail:
        shutil.rmtree(work, ignore_errors=True)
    elif fail:
        print("work dir kept: %s" % work)
    return 1 if fail else 0


if __name__ == "__main__":
    sys.exit(main())
