#!/usr/bin/env python3
"""Stream throughput: volume download and upload through a private libvirtd.

A dir storage pool of the private daemon (tests/qemu_daemon.py) holds a
dense and a sparse volume of --size-mib MiB (default 1024). Each round
downloads both with recvAll(), sparseRecvAll() and a plain recv() loop, and
uploads both with sendAll() and sparseSendAll(), through our binding and the
reference (one worker process each, streams_worker.py), and with
`virsh vol-download` / `vol-upload` (plain and --sparse); `dd` copying the
same files on the same disk gives the physical limit. MB/s (10^6 bytes of
the volume's size per second) of the best round. See README.md.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import streams_worker
from bench import (BENCH_DIR, REPO, Worker, ensure_reference_venv, env_without_pythonpath,
                   print_header, run_rounds)

sys.path.insert(0, str(REPO / "tests"))
from qemu_daemon import QemuDaemon, missing_requirements  # noqa: E402

POOL = "bench-streams"
VOLUMES = ("dense", "sparse")
DOWNLOADS = ("recvAll", "sparseRecvAll", "recv")
UPLOADS = ("sendAll", "sparseSendAll")
# The sparse volume: this many data extents, evenly spread, each of
# 1/256 of the volume (4 MiB of 1 GiB): 1/16 of it is data.
EXTENTS = 16
MIB = 1024 * 1024


def make_volumes(pool_dir, size_mib):
    """dense.img (random data), sparse.img (EXTENTS extents of random data, the
    rest holes) and upload.img (the upload target), each size_mib MiB."""
    block = os.urandom(MIB)
    with open(pool_dir / "dense.img", "wb") as f:
        for i in range(size_mib):
            # Vary the block, so no two MiB are alike.
            f.write(i.to_bytes(8, "little") + block[8:])
    step, extent = size_mib // EXTENTS, max(1, size_mib // (16 * EXTENTS))
    with open(pool_dir / "sparse.img", "wb") as f:
        for start in range(0, size_mib - extent + 1, step):
            f.seek(start * MIB)
            for i in range(extent):
                f.write((start + i).to_bytes(8, "little") + block[8:])
        f.truncate(size_mib * MIB)
    with open(pool_dir / "upload.img", "wb") as f:
        f.truncate(size_mib * MIB)


def virsh(uri, *args, check=True):
    return subprocess.run(["virsh", "-q", "-c", uri, *args], check=check,
                          capture_output=True, text=True)


def participants_tasks():
    tasks = [f"download {v} {m}" for v in VOLUMES for m in DOWNLOADS]
    tasks += [f"upload {v} {m}" for v in VOLUMES for m in UPLOADS]
    return tasks


class BindingWorker(Worker):
    """A binding's worker process; it takes only the binding tasks."""

    def run_round(self, request="round"):
        if request in participants_tasks():
            super().run_round(request)


class Tool:
    """virsh and dd as round participants, with the Worker interface that
    run_rounds() uses: each request is one transfer, timed from here
    (process start included)."""

    def __init__(self, name, commands, check):
        self.name = name
        self.commands = commands   # {task: (argv, prepare, dest)}
        self.check = check
        self.samples = {}

    def run_round(self, request):
        if request not in self.commands:
            return
        argv, prepare, dest = self.commands[request]
        if prepare:
            prepare()
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        elapsed = time.perf_counter() - start
        self.check(request, dest)
        if dest and dest.name.startswith("out-"):
            dest.unlink()
        elif dest:
            streams_worker.flush(str(dest))
        self.samples.setdefault(request, []).append(elapsed)

    def best(self, label):
        return min(self.samples[label])

    def close(self):
        pass


def tool_commands(uri, pool_dir, work_dir, size_mib):
    """The virsh and dd transfers, by task name."""
    upload = pool_dir / "upload.img"

    def empty_upload_target():
        os.truncate(upload, 0)
        os.truncate(upload, size_mib * MIB)

    virsh_base = ["virsh", "-q", "-c", uri]
    virsh_cmds, dd_cmds = {}, {}
    for v in VOLUMES:
        out = work_dir / f"out-virsh-{v}.img"
        source = pool_dir / f"{v}.img"
        for sparse in (False, True):
            flag = ["--sparse"] if sparse else []
            suffix = " --sparse" if sparse else ""
            virsh_cmds[f"download {v} vol-download{suffix}"] = (
                virsh_base + ["vol-download", "--pool", POOL, f"{v}.img", str(out)] + flag,
                None, out)
            virsh_cmds[f"upload {v} vol-upload{suffix}"] = (
                virsh_base + ["vol-upload", "--pool", POOL, "upload.img", str(source)] + flag,
                empty_upload_target, upload)
        copy = work_dir / f"out-dd-{v}.img"
        # The read first: it brings the file into the page cache, if
        # something pushed it out, before the copies are timed.
        dd_cmds[f"dd {v} read"] = (
            ["dd", f"if={source}", "of=/dev/null", "bs=1M", "status=none"], None, None)
        for kind, conv in (("copy", []), ("copy conv=sparse", ["conv=sparse"]),
                           ("copy conv=fdatasync", ["conv=fdatasync"])):
            dd_cmds[f"dd {v} {kind}"] = (
                ["dd", f"if={source}", f"of={copy}", "bs=1M", *conv, "status=none"], None, copy)
    return virsh_cmds, dd_cmds


def make_checker(pool_dir):
    def check(task, dest):
        if dest is None:
            return
        volume = task.split()[1]
        streams_worker.check_copy(str(pool_dir / f"{volume}.img"), str(dest), task)
    return check


def mbps(size_mib, seconds):
    return size_mib * MIB / seconds / 1e6


def print_tables(workers, virsh_tool, dd_tool, size_mib, rounds):
    ours, reference = workers
    dd = {v: [mbps(size_mib, dd_tool.best(f"dd {v} {kind}"))
              for kind in ("copy", "copy conv=sparse", "copy conv=fdatasync", "read")]
          for v in VOLUMES}
    print(f"Volume of {size_mib} MiB, MB/s (10^6 bytes of the volume per second), best of"
          f" {rounds} rounds")
    print(f"{'transfer':<36} {'ours':>7} {'ref':>7} {'o/r':>5} {'virsh':>7}  virsh command")
    rows = []
    for task in participants_tasks():
        direction, volume, method = task.split()
        sparse = method.startswith("sparse")
        tool = ("vol-download" if direction == "download" else "vol-upload") + \
            (" --sparse" if sparse else "")
        o = mbps(size_mib, ours.best(task))
        r = mbps(size_mib, reference.best(task))
        v = mbps(size_mib, virsh_tool.best(f"{direction} {volume} {tool}"))
        label = f"{direction} {volume} {method}" + (f"({RECV_MIB_TEXT})" if method == "recv" else "")
        print(f"{label:<36} {o:7.0f} {r:7.0f} {o / r:5.2f} {v:7.0f}  {tool}")
        rows.append({"task": task, "ours_mbps": o, "reference_mbps": r, "ratio": o / r,
                     "virsh": tool, "virsh_mbps": v})
    print()
    print("Physical limit, dd bs=1M of the same files on the same disk, MB/s"
          " (copy: into the page cache, as the transfers write; fdatasync: to the disk)")
    print(f"{'file':<10} {'copy':>7} {'copy conv=sparse':>17} {'copy conv=fdatasync':>20}"
          f" {'read to /dev/null':>18}")
    for v in VOLUMES:
        copy, sparse_copy, synced, read = dd[v]
        print(f"{v:<10} {copy:7.0f} {sparse_copy:17.0f} {synced:20.0f} {read:18.0f}")
    return rows, dd


RECV_MIB_TEXT = "256 KiB"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size-mib", type=int, help="volume size in MiB (default 1024)")
    parser.add_argument("--rounds", type=int, help="rounds (default 3)")
    parser.add_argument("--quick", action="store_true", help="smoke run: 64 MiB, 1 round")
    parser.add_argument("--dir", help="where the pool and the downloads go (default: a new"
                                      " directory in bench/_build; keep it on the disk to"
                                      " measure)")
    parser.add_argument("--json", metavar="FILE", help="also write the results here")
    args = parser.parse_args()
    if args.size_mib is None:
        args.size_mib = 64 if args.quick else 1024
    if args.rounds is None:
        args.rounds = 1 if args.quick else 3
    if args.size_mib < 2 * EXTENTS or args.rounds < 1:
        parser.error(f"--size-mib must be at least {2 * EXTENTS}, --rounds positive")
    return args


def main():
    args = parse_args()
    reason = missing_requirements()
    if reason:
        raise SystemExit(f"bench_streams.py needs a private libvirtd: {reason}")
    started = time.monotonic()
    base = Path(args.dir) if args.dir else BENCH_DIR / "_build"
    base.mkdir(parents=True, exist_ok=True)
    work_dir = Path(tempfile.mkdtemp(prefix="streams-", dir=base))
    pool_dir = work_dir / "pool"
    pool_dir.mkdir()
    workers = []
    daemon = QemuDaemon()
    try:
        print(f"Writing the {args.size_mib} MiB volumes into {pool_dir}...", file=sys.stderr)
        make_volumes(pool_dir, args.size_mib)
        print(f"{time.monotonic() - started:.0f} s: starting libvirtd...", file=sys.stderr)
        daemon.start()
        virsh(daemon.uri, "pool-create-as", POOL, "dir", "--target", str(pool_dir))
        worker_args = ("--uri", daemon.uri, "--pool", POOL, "--pool-dir", pool_dir,
                       "--work-dir", work_dir)
        workers = [BindingWorker("ours", sys.executable, "streams_worker.py", *worker_args),
                   BindingWorker("reference", ensure_reference_venv(), "streams_worker.py",
                          *worker_args, env=env_without_pythonpath())]
        virsh_cmds, dd_cmds = tool_commands(daemon.uri, pool_dir, work_dir, args.size_mib)
        check = make_checker(pool_dir)
        virsh_tool = Tool("virsh", virsh_cmds, check)
        dd_tool = Tool("dd", dd_cmds, check)
        # One request per transfer: the bindings answer theirs, virsh and dd theirs.
        requests = participants_tasks() + list(virsh_cmds) + list(dd_cmds)
        print(f"{time.monotonic() - started:.0f} s: transfers...", file=sys.stderr)
        rounds = run_rounds(workers + [virsh_tool, dd_tool], args.rounds, requests)
    finally:
        for worker in workers:
            worker.close()
        daemon.stop()
        shutil.rmtree(work_dir, ignore_errors=True)

    print_header(*workers, target=f"private libvirtd, dir pool in {base}")
    rows, dd = print_tables(workers, virsh_tool, dd_tool, args.size_mib, rounds)
    elapsed = time.monotonic() - started
    print(f"\nTotal run time {elapsed:.0f} s.")
    if args.json:
        Path(args.json).write_text(json.dumps({
            "statistic": "best of rounds", "size_mib": args.size_mib, "rounds": rounds,
            "elapsed_s": elapsed, "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "participants": {w.name: w.info for w in workers},
            "transfers": rows, "dd_mbps": dd,
            "samples_s": {p.name: p.samples for p in workers + [virsh_tool, dd_tool]},
        }, indent=2) + "\n")


if __name__ == "__main__":
    main()
