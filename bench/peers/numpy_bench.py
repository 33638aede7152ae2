"""numpy reference for posenc's benchmark: times the vaswani table (docs/conventions.md §1) in float64 and
float32, written the way numpy code usually builds it (MAE's get_1d_sincos_pos_embed style, with
numpy's SIMD sin/cos for float32), and dumps each result for posenc's checker. Two variants:
"new" allocates everything per call (what such code does); "out" writes into a preallocated
table through a preallocated angle buffer (ufuncs with out=), like posenc's `out` option.

Input (stdin, JSON): {"shapes": [[L, d], ...], "repeat": 7, "min_time": 0.02, "dump_dir": "/tmp/..."}
Output (stdout, JSON): {"python": ..., "numpy": ..., "simd": ..., "results": [...]}
Each result: {"length", "dim", "dtype", "variant", "median_ms", "p25_ms", "p75_ms", "min_ms", "repeats",
"number", "file"}; times are per call, each a median over `repeat` timeit repeats of `number` calls.
"""
import json
import os
import platform
import sys
import timeit

import numpy as np


def table(length, dim, dt):
    pos = np.arange(length, dtype=dt)[:, None]
    freq = (1.0 / np.power(10000.0, np.arange(0, dim, 2, dtype=np.float64) / dim)).astype(dt)
    ang = pos * freq
    pe = np.empty((length, dim), dtype=dt)
    pe[:, 0::2] = np.sin(ang)
    pe[:, 1::2] = np.cos(ang)
    return pe


def prepared(length, dim, dt):
    """Positions, frequencies, angle scratch and table, allocated and touched once."""
    pos = np.arange(length, dtype=dt)[:, None]
    freq = (1.0 / np.power(10000.0, np.arange(0, dim, 2, dtype=np.float64) / dim)).astype(dt)
    ang = np.zeros((length, dim // 2), dtype=dt)
    pe = np.zeros((length, dim), dtype=dt)
    return pos, freq, ang, pe


def table_into(pos, freq, ang, pe):
    np.multiply(pos, freq, out=ang)
    np.sin(ang, out=pe[:, 0::2])
    np.cos(ang, out=pe[:, 1::2])
    return pe


def quantile(sorted_values, q):
    h = (len(sorted_values) - 1) * q
    lo = int(h)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (h - lo) * (sorted_values[hi] - sorted_values[lo])


def simd_info():
    try:
        try:
            from numpy._core._multiarray_umath import __cpu_features__, __cpu_dispatch__, __cpu_baseline__
        except ImportError:
            from numpy.core._multiarray_umath import __cpu_features__, __cpu_dispatch__, __cpu_baseline__
        found = [f for f in __cpu_dispatch__ if __cpu_features__.get(f)]
        return {"baseline": list(__cpu_baseline__), "dispatched": found}
    except Exception as e:  # older or unusual numpy builds
        return {"error": str(e)}


def main():
    req = json.load(sys.stdin)
    repeat = int(req.get("repeat", 7))
    min_time = float(req.get("min_time", 0.02))
    dump = req.get("dump_dir")
    results = []
    for length, dim in req["shapes"]:
        for name, dt in (("float32", np.float32), ("float64", np.float64)):
            bufs = prepared(length, dim, dt)
            variants = (("new", lambda: table(length, dim, dt)), ("out", lambda: table_into(*bufs)))
            for variant, fn in variants:
                pe = fn()
                file = None
                if dump:
                    file = os.path.join(dump, f"numpy_{length}x{dim}_{name}_{variant}.bin")
                    pe.tofile(file)
                del pe
                timer = timeit.Timer(fn)
                t1 = min(timer.repeat(repeat=2, number=1))
                number = max(1, int(min_time / max(t1, 1e-9)))
                per_call = sorted(t / number for t in timer.repeat(repeat=repeat, number=number))
                results.append({
                    "length": length, "dim": dim, "dtype": name, "variant": variant,
                    "median_ms": quantile(per_call, 0.5) * 1e3,
                    "p25_ms": quantile(per_call, 0.25) * 1e3,
                    "p75_ms": quantile(per_call, 0.75) * 1e3,
                    "min_ms": per_call[0] * 1e3,
                    "repeats": repeat, "number": number, "file": file,
                })
    json.dump({
        "python": platform.python_version(),
        "numpy": np.__version__,
        "simd": simd_info(),
        "results": results,
    }, sys.stdout)


if __name__ == "__main__":
    main()
