#!/usr/bin/env python3
"""The driver of `make bench`: runs the engine's benchmarks (trufl-bench) and the same models in PyTorch
(bench/pytorch/rows.py) side by side and prints one table.

Both sides run as long-lived processes (`--serve`), so start-up, imports and first-call warm-up never enter
a timing: the driver sends a row name, the process answers with one sample measured inside it (the mean
over a calibrated number of iterations, after a warm-up the first time it sees the row). The driver
alternates the two processes, swapping which goes first on every pair, and reports for each row the
median engine time, the median PyTorch time and the median of the per-pair ratios PyTorch ÷ engine
(> 1: the engine is faster). The machine is shared, so single timings are noisy; pairs are not.

Standard library only: it runs without torch and then says why the PyTorch column is empty.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# Rows in table order: (name, label, metrics).
ROWS = [
    ("sgemm-64", "1. sgemm 64³", ["matmul"]),
    ("sgemm-256", "1. sgemm 256³", ["matmul"]),
    ("sgemm-1024", "1. sgemm 1024³", ["matmul"]),
    ("tape-op", "2. one tiny op ([4] multiply), per op", ["forward", "backward"]),
    ("dequantiser", "3. TRUFL dequantiser, optimal decoder (K 50, D 8, 1024×64)", ["forward", "backward"]),
    ("toy-step-128", "4. training step, chapter 05 toy model, batch 128", ["forward", "backward", "step"]),
    ("toy-step-1024", "4. training step, chapter 05 toy model, batch 1024", ["forward", "backward", "step"]),
    ("lstm-made", "5. LSTM 256 + MADE logistic-mixture head", ["forward", "backward", "forward+backward"]),
    ("lstm-made-unrolled", "5b. same, PyTorch LSTM unrolled in Python", ["forward", "backward", "forward+backward"]),
    ("lstm-made-stepwise", "5c. same, engine LSTM driven by LSTM.step (diagnostic)",
     ["forward", "backward", "forward+backward"]),
    ("colouring-step", "6. training step, chapter 06 graph colouring, quick prior, 32 graphs × 20 nodes",
     ["forward", "backward", "step"]),
    ("colouring-step-full", "6. training step, chapter 06 graph colouring, full prior, 32 graphs × 20 nodes",
     ["forward", "backward", "step"]),
    ("charlm-step", "7. training step, chapter 07 TRUFL character model, full profile, 32 chunks × 128",
     ["forward", "backward", "step"]),
    ("decoder-10k", "8. optimal decoder (Eq. 2), TRUFL soft τ 0.02, K 10,000, D 12, 512 tokens",
     ["forward", "backward", "forward+backward"]),
    ("decoder-10k-catnf", "8. optimal decoder (Eq. 2), CatNF, K 10,000, D 12, 512 tokens",
     ["forward", "backward", "forward+backward"]),
    ("molecule-step", "9. training step, chapter 09 TRUFL molecule model, full profile, 16 ZINC molecules",
     ["forward", "backward", "step"]),
]

# Rows whose arithmetic the book fixes (they call OpenBLAS): timed again in the engine under the native
# arithmetic (this CPU's fastest OpenBLAS kernel) to measure what reproducibility costs. (metric per row)
COST_ROWS = [("sgemm-64", "matmul"), ("sgemm-256", "matmul"), ("sgemm-1024", "matmul"),
             ("toy-step-128", "step"), ("toy-step-1024", "step"), ("lstm-made", "forward+backward"),
             ("colouring-step", "step"), ("colouring-step-full", "step"), ("charlm-step", "step"),
             ("molecule-step", "step")]


def parse_env(text):
    """NAME=VALUE lines (what `book arithmetic --env` prints) as a dict."""
    return dict(line.split("=", 1) for line in (text or "").splitlines() if "=" in line)


# --- the machine ----------------------------------------------------------------------------------------
def cpuinfo():
    info = {}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if ":" in line:
                    k, v = (s.strip() for s in line.split(":", 1))
                    info.setdefault(k, v)  # the first processor's values
    except OSError:
        pass
    return info


def peak(info, core):
    """Single-precision peak of one core: vector lanes × 2 (FMA = 2 FLOP) × FMAs per cycle × clock.

    Inside a VM the OS gives neither of the last two: /proc/cpuinfo's "cpu MHz" is the nominal TSC clock, not
    the clock under load, and nothing says how many FMA units there are. So the engine side measures both on
    the core the rows run on (Sources/Bench/CoreProbe.swift): the clock by a chain of dependent integer adds
    (one per cycle), and the FMAs per second of each vector width by twelve independent FMA chains. FMAs per
    cycle (measured FMAs per second ÷ clock) is rounded to the nearest half, the number of full-width FMAs the
    core's pipes complete per cycle; the peak is the largest over the widths the CPU has (on AMD Zen 4, a 512-bit
    FMA occupies both 256-bit pipes: 16 × 2 × 1 = 8 × 2 × 2 FLOP/cycle). Without the probes (not x86-64), the
    peak falls back to 2 FMA units assumed at /proc/cpuinfo's clock, and says so."""
    flags = set(info.get("flags", "").split())
    mhz = float(info.get("cpu MHz", "0") or 0)
    if "avx512f" in flags:
        lanes, isa = 16, "AVX-512"
    elif "avx2" in flags and "fma" in flags:
        lanes, isa = 8, "AVX2+FMA"
    else:
        lanes, isa = 4, "SSE"
    fma = "fma" in flags or "avx512f" in flags
    nominal = lanes * (2 if fma else 1) * 2 * mhz / 1000
    out = {"isa": isa, "mhz": mhz, "nominal_gflops": nominal}
    widths = (core or {}).get("fma") or {}
    if core and "clock_ghz" in core and widths:
        ghz = core["clock_ghz"]
        per_width = []
        for w, m in sorted(widths.items(), key=lambda kv: -int(kv[0])):
            units = max(0.5, round(2 * m["fma_per_cycle"]) / 2)
            per_width.append({"bits": int(w), "lanes": m["lanes"], "measured": m["fma_per_cycle"], "units": units,
                              "gflops": m["lanes"] * 2 * units * ghz})
        best = max(per_width, key=lambda p: p["gflops"])
        out.update({"measured": True, "ghz": ghz, "widths": per_width, "gflops": best["gflops"]})
    else:
        out.update({"measured": False, "lanes": lanes, "gflops": nominal})
    return out


def describe_peak(pk):
    if not pk["measured"]:
        return (f"{pk['lanes']} lanes × 2 (FMA) × 2 FMA units (assumed: not readable from the OS) × "
                f"{pk['mhz']:.0f} MHz (/proc/cpuinfo, not the clock under load) = {pk['gflops']:.1f} GFLOP/s")
    widths = "; ".join(f"{p['bits']}-bit: {p['measured']:.2f} FMAs/cycle → {p['lanes']} lanes × 2 × {p['units']:g} × "
                       f"{pk['ghz']:.2f} GHz = {p['gflops']:.1f} GFLOP/s" for p in pk["widths"])
    return (f"{pk['gflops']:.1f} GFLOP/s = vector lanes × 2 (FMA) × FMAs per cycle × clock, the last two measured on "
            f"the core the engine's rows run on (Sources/Bench/CoreProbe.swift): clock {pk['ghz']:.2f} GHz by dependent integer adds "
            f"(/proc/cpuinfo says {pk['mhz']:.0f} MHz, the nominal clock); FMAs per cycle by 12 independent FMA chains, "
            f"rounded to the nearest half: {widths}. (Assuming instead 2 FMA units of the widest vector at "
            f"/proc/cpuinfo's clock, as a spec sheet would, gives {pk['nominal_gflops']:.1f} GFLOP/s.)")


# --- the two sides ----------------------------------------------------------------------------------------
class Side:
    def __init__(self, name, argv, env):
        self.name = name
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=sys.stderr,
                                     env=env, text=True, cwd=ROOT)
        self.ready = self.read()
        if not self.ready.get("ready"):
            raise RuntimeError(f"{name}: did not start: {self.ready}")

    def read(self):
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"{self.name}: exited with status {self.proc.wait()}")
        return json.loads(line)

    def sample(self, row):
        self.proc.stdin.write(row + "\n")
        self.proc.stdin.flush()
        return self.read()

    def close(self):
        try:
            self.proc.stdin.write("quit\n")
            self.proc.stdin.close()
            self.proc.wait(timeout=30)
        except Exception:
            self.proc.kill()


def torch_problem(python):
    """Why the PyTorch side cannot run, or None."""
    if not os.path.exists(python):
        return "torch not installed: run make bench-deps"
    r = subprocess.run([python, "-c", "import torch"], capture_output=True, text=True)
    if r.returncode != 0:
        return "torch not installed: run make bench-deps"
    return None


# --- formatting -----------------------------------------------------------------------------------------
def fmt_time(s):
    if s is None:
        return "—"
    if s < 1e-6:
        return f"{s * 1e9:.0f} ns"
    if s < 1e-3:
        return f"{s * 1e6:.2f} µs"
    if s < 1:
        return f"{s * 1e3:.2f} ms"
    return f"{s:.3f} s"


def main():
    p = argparse.ArgumentParser(description="Engine vs PyTorch, side by side.")
    p.add_argument("--engine", default=os.path.join(ROOT, ".build/release/trufl-bench"))
    p.add_argument("--python", default=os.path.join(HERE, ".venv/bin/python"),
                   help="the Python that has torch (default: bench/.venv, made by make bench-deps)")
    p.add_argument("--pairs", type=int, default=7, help="alternated engine/PyTorch samples per row (≥ 5)")
    p.add_argument("--seconds", type=float, default=0.4, help="work per sample, each side")
    p.add_argument("--threads", type=int, default=1, help="threads for OpenBLAS, MKL/OpenMP and torch")
    p.add_argument("--cpu", default="auto",
                   help="pin both sides to these CPUs (taskset list); 'auto': the last CPU when --threads 1, "
                        "else none; 'none': do not pin")
    p.add_argument("--clock", default="auto", choices=["auto", "wall", "cpu"],
                   help="what a sample measures: wall time, or process CPU time (user + system, all threads); "
                        "'auto': cpu when both sides are pinned to one CPU (then CPU time = the time the work "
                        "needs, without the time other processes hold the core), else wall")
    p.add_argument("--rows", default=",".join(r[0] for r in ROWS))
    p.add_argument("--json", help="also write every sample to this file")
    p.add_argument("--engine-env", default="",
                   help="NAME=VALUE lines for the engine: the book's arithmetic (`book arithmetic --env`)")
    p.add_argument("--native-env", default=None,
                   help="NAME=VALUE lines for a second engine in the native arithmetic "
                        "(`TRUFL_ARITHMETIC=native book arithmetic --env`): adds the table of what one arithmetic costs")
    args = p.parse_args()
    if args.pairs < 5:
        p.error("--pairs must be at least 5")
    wanted = args.rows.split(",")
    rows = [r for r in ROWS if r[0] in wanted]

    base = dict(os.environ)
    threads = str(args.threads)
    for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        base[k] = threads
    env = {**base, **parse_env(args.engine_env), "OPENBLAS_NUM_THREADS": threads}
    native_env = {**base, **parse_env(args.native_env), "OPENBLAS_NUM_THREADS": threads} if args.native_env else None
    pin = []
    cpus = args.cpu
    if cpus == "auto":
        cpus = str(os.cpu_count() - 1) if args.threads == 1 else "none"
    if cpus != "none":
        if subprocess.run(["which", "taskset"], capture_output=True).returncode == 0:
            pin = ["taskset", "-c", cpus]
        else:
            cpus = "none (taskset not found)"

    clock = args.clock
    if clock == "auto":
        clock = "cpu" if pin and "," not in cpus and "-" not in cpus else "wall"
    if not os.path.exists(args.engine):
        sys.exit(f"{args.engine} not found: build it with swift build -c release --product trufl-bench")
    t_start = time.time()
    engine = Side("engine", pin + [args.engine, "--serve", "--seconds", str(args.seconds), "--clock", clock], env)
    problem = torch_problem(args.python)
    torch_side = None
    if problem is None:
        # rows.py asks the engine's binary for row 6's batch of graphs and row 9's molecules.
        torch_side = Side("pytorch", pin + [args.python, os.path.join(HERE, "pytorch/rows.py"), "--serve",
                                            "--seconds", str(args.seconds), "--threads", threads, "--clock", clock,
                                            "--engine", args.engine], env)

    info = cpuinfo()
    em = engine.ready["machine"]
    pk = peak(info, em.get("core"))
    tm = torch_side.ready["machine"] if torch_side else None
    print("## Engine vs PyTorch (CPU, float32)\n")
    print(f"- CPU: {info.get('model name', '?')} (family {info.get('cpu family', '?')}, model "
          f"{info.get('model', '?')}), {os.cpu_count()} logical CPUs, {pk['isa']}, cpu MHz {pk['mhz']:.0f}")
    print(f"- Engine BLAS: {em['blas']}; kernel in use: openblas_get_corename() = {em['blas_kernel']} "
          f"(OPENBLAS_CORETYPE={em['OPENBLAS_CORETYPE']}); OpenBLAS threads {em['blas_threads']}")
    if tm:
        print(f"- PyTorch {tm['torch']}: BLAS {tm['blas']}, CPU capability {tm['cpu_capability']}, "
              f"torch threads {tm['torch_threads']}, eager mode")
    else:
        print(f"- PyTorch: {problem}")
    print(f"- Threads: {threads} on both sides (OPENBLAS_NUM_THREADS = OMP_NUM_THREADS = MKL_NUM_THREADS = "
          f"{threads}, torch.set_num_threads({threads})); pinned to CPU(s): {cpus}"
          + (" — the engine's own 2-way elementwise split (Dispatch) then shares that one core" if pin and threads == "1" else ""))
    print(f"- Peak (one core): {describe_peak(pk)}")
    clock_text = ("process CPU time (user + system, all threads: CLOCK_PROCESS_CPUTIME_ID / time.process_time)"
                  if clock == "cpu" else "wall time (monotonic)")
    print(f"- Clock: {clock_text}")
    print(f"- Each cell: median over {args.pairs} alternated pairs, each sample the mean of ~{args.seconds} s of "
          "iterations after warm-up; ratio = median over pairs of PyTorch time ÷ engine time (> 1: engine faster), "
          "in brackets the lowest and highest pair; GFLOP/s counts the matrix products only\n")

    header = "| row | phase | engine | PyTorch | ratio | engine GFLOP/s (% peak) | PyTorch GFLOP/s (% peak) | same result | target |"
    print(header)
    print("|---|---|---:|---:|---:|---:|---:|---|---|")
    samples = []
    verdicts = []
    for name, label, metrics in rows:
        e_runs, t_runs = [], []
        for i in range(args.pairs):
            order = [("e", engine), ("t", torch_side)] if i % 2 == 0 else [("t", torch_side), ("e", engine)]
            for tag, side in order:
                if side is None:
                    continue
                s = side.sample(name)
                samples.append(s)
                if "error" in s:
                    raise RuntimeError(f"{s['side']}: {name}: {s['error']}")
                (e_runs if tag == "e" else t_runs).append(s)
        flop_info = e_runs[0]["info"].get("flop")  # a number, or one per phase
        checks = [e_runs[-1].get("check"), t_runs[-1].get("check") if t_runs else None]
        same = "—"
        if None not in checks:
            rel = abs(checks[0] - checks[1]) / max(abs(checks[0]), abs(checks[1]), 1e-30)
            same = f"✓ (Δ {rel:.0e})" if rel < 1e-4 else f"✗ ({checks[0]:.6g} vs {checks[1]:.6g})"
        for m in metrics:
            et = statistics.median(r["seconds"][m] for r in e_runs)
            tt = statistics.median(r["seconds"][m] for r in t_runs) if t_runs else None
            ratios = [t["seconds"][m] / e["seconds"][m] for e, t in zip(e_runs, t_runs)]
            ratio = statistics.median(ratios) if ratios else None
            flop = flop_info.get(m) if isinstance(flop_info, dict) else flop_info
            gf_e = gf_t = "—"
            if flop:
                ge = flop / et / 1e9
                gf_e = f"{ge:.1f} ({100 * ge / pk['gflops']:.0f}%)"
                if tt:
                    gt = flop / tt / 1e9
                    gf_t = f"{gt:.1f} ({100 * gt / pk['gflops']:.0f}%)"
            target, ok = "", None
            if ratio is not None and name not in ("lstm-made-unrolled", "lstm-made-stepwise"):
                need = {"lstm-made": 1.2, "dequantiser": 5, "toy-step-128": 5, "toy-step-1024": 5,
                        "decoder-10k": 5, "decoder-10k-catnf": 5}.get(name, 1.0)
                # Issue 17's goal for the word-level decoder is on forward and backward together.
                if name in ("lstm-made", "decoder-10k", "decoder-10k-catnf") and m != "forward+backward":
                    need = None
                if name.startswith(("toy-step-", "colouring-step", "charlm-step", "molecule-step")) and m != "step":
                    need = None
                if need:
                    ok = ratio >= need
                    target = f"ratio ≥ {need:g}: " + ("met" if ok else "MISSED")
            if name == "sgemm-1024":
                frac = flop / et / 1e9 / pk["gflops"]
                ok80 = frac >= 0.8
                target += f"; ≥ 80% of peak: {'met' if ok80 else 'MISSED'} ({100 * frac:.0f}%)"
                verdicts.append(("sgemm 1024³ ≥ 80% of peak", ok80))
            if ok is not None:
                verdicts.append((f"{label} [{m}] ratio", ok))
            tcol = fmt_time(tt) if t_runs else problem
            rcol = f"{ratio:.2f}× ({min(ratios):.2f}–{max(ratios):.2f})" if ratio is not None else "—"
            print(f"| {label} | {m} | {fmt_time(et)} | {tcol} | {rcol} | {gf_e} | {gf_t} | {same} | {target} |",
                  flush=True)
    if native_env is not None:
        cost_table(args, pin, clock, engine, native_env, wanted)
    engine.close()
    if torch_side:
        torch_side.close()
    missed = [v for v, ok in verdicts if not ok]
    print(f"\nTargets met: {sum(ok for _, ok in verdicts)} of {len(verdicts)}"
          + (f"; missed: {', '.join(missed)}" if missed else "") + f". Wall time {time.time() - t_start:.0f} s.")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"peak": pk, "engine": em, "pytorch": tm, "samples": samples}, f, indent=1)


def cost_table(args, pin, clock, engine, native_env, wanted):
    """The book's arithmetic against the native one, in the engine alone, pair by pair as above."""
    native = Side("engine-native", pin + [args.engine, "--serve", "--seconds", str(args.seconds), "--clock", clock],
                  native_env)
    nm = native.ready["machine"]
    em = engine.ready["machine"]
    print(f"\n## What one arithmetic costs (engine only)\n")
    print(f"- book: OpenBLAS {em['blas_kernel']} (OPENBLAS_CORETYPE={em['OPENBLAS_CORETYPE']}), the arithmetic every "
          f"chapter runs in; native: OpenBLAS {nm['blas_kernel']} (OPENBLAS_CORETYPE={nm['OPENBLAS_CORETYPE']}), "
          "this CPU's fastest, whose results differ in the last bits")
    print(f"- ratio = median over {args.pairs} alternated pairs of book time ÷ native time (> 1: the book's arithmetic "
          "is slower by that factor), in brackets the lowest and highest pair\n")
    print("| row | phase | book | native | book ÷ native |")
    print("|---|---|---:|---:|---:|")
    labels = {name: label for name, label, _ in ROWS}
    for name, metric in COST_ROWS:
        if name not in wanted:
            continue
        b_runs, n_runs = [], []
        for i in range(args.pairs):
            order = [(b_runs, engine), (n_runs, native)] if i % 2 == 0 else [(n_runs, native), (b_runs, engine)]
            for runs, side in order:
                s = side.sample(name)
                if "error" in s:
                    raise RuntimeError(f"{s['side']}: {name}: {s['error']}")
                runs.append(s["seconds"][metric])
        ratios = [b / n for b, n in zip(b_runs, n_runs)]
        print(f"| {labels[name]} | {metric} | {fmt_time(statistics.median(b_runs))} | "
              f"{fmt_time(statistics.median(n_runs))} | {statistics.median(ratios):.2f}× "
              f"({min(ratios):.2f}–{max(ratios):.2f}) |", flush=True)
    native.close()


if __name__ == "__main__":
    main()
