#!/usr/bin/env python3
"""kvm-lfb-test.py XLAT86 PNGCMP ROM: dirty-page logging of the VGA frame
buffer under KVM. kvm_lfb.asm fills the linear frame buffer (pattern A),
prints "A", waits ~2 s, rewrites ten rows (pattern B), prints "B". The
monitor's screendump is taken after "A" and after "B" under -accel kvm, under
-accel dbt (whose VBE output tests/vga compares with QEMU's); they must agree
pixel for pixel (pngcmp), and the two frames
must differ (the second render is incremental: without KVM's dirty log the
KVM frame would keep pattern A). Skips (77) without a usable /dev/kvm."""
import os, socket, subprocess, sys, tempfile, time

XLAT86, PNGCMP, ROM = sys.argv[1:4]
if not os.access("/dev/kvm", os.R_OK | os.W_OK):
    print("SKIP: no usable /dev/kvm on this host")
    sys.exit(77)


def monitor(path, line, limit=20):
    t0 = time.time()
    while True:
        s = socket.socket(socket.AF_UNIX)
        try:
            s.connect(path)
            break
        except OSError:
            s.close()
            if time.time() - t0 > limit:
                raise
            time.sleep(0.05)
    s.settimeout(limit)
    buf = b""
    while b"(qemu) " not in buf:
        buf += s.recv(4096)
    s.sendall(line.encode() + b"\n")
    buf = b""
    while b"(qemu) " not in buf:
        d = s.recv(4096)
        if not d:
            break
        buf += d
    s.close()


def run(cmd, tmp, tag):
    sock, con = os.path.join(tmp, tag + ".sock"), os.path.join(tmp, tag + ".con")
    p = subprocess.Popen(cmd + ["-bios", ROM, "-display", "none", "-debugcon", "file:" + con,
                                "-monitor", "unix:%s,server,nowait" % sock],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    dumps = []
    try:
        for mark in ("A", "B"):
            t0 = time.time()
            while not (os.path.exists(con) and (mark + "\n").encode() in open(con, "rb").read()):
                if p.poll() is not None or time.time() - t0 > 60:
                    raise RuntimeError("%s: no %s from the ROM (%s)" % (tag, mark, p.stderr.read()))
                time.sleep(0.02)
            dump = os.path.join(tmp, "%s-%s.ppm" % (tag, mark))
            monitor(sock, "screendump " + dump)
            t0 = time.time()
            while not os.path.exists(dump) and time.time() - t0 < 10:
                time.sleep(0.05)
            dumps.append(dump)
        monitor(sock, "quit")
        p.wait(20)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    return dumps


def same(a, b):
    # (pngcmp frees nothing before exiting: no leak report in a sanitizer build)
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0")
    r = subprocess.run([PNGCMP, a, b], capture_output=True, text=True, env=env)
    return r.returncode == 0, r.stdout.strip().replace("\n", "; ")


fails = []
with tempfile.TemporaryDirectory() as tmp:
    runs = {"dbt": run([XLAT86, "-accel", "dbt"], tmp, "dbt"), "kvm": run([XLAT86, "-accel", "kvm"], tmp, "kvm")}
    ok, msg = same(*runs["dbt"])
    print("%s dbt: the frames after A and after B differ (%s)" % ("FAIL" if ok else "ok  ", msg))
    if ok:
        fails.append("A == B")
    for other in ("kvm",):
        for i, mark in enumerate("AB"):
            ok, msg = same(runs["dbt"][i], runs[other][i])
            print("%s %s = dbt after %s (%s)" % ("ok  " if ok else "FAIL", other, mark, msg))
            if not ok:
                fails.append(other + mark)
print("%d FAILED" % len(fails) if fails else "PASS")
sys.exit(1 if fails else 0)
