#!/usr/bin/env python3
"""Writes the small .npy/.npz fixtures of the MovieRecs persistence tests, with numpy itself.

Usage:
    make_npz_fixtures.py [OUTPUT_DIR]      write the fixtures and expected.json (default: ../MovieRecs.Tests/Fixtures/npz)
    make_npz_fixtures.py --verify PATH...  load files written by MovieRecs with numpy and check them (see verify())

Every value comes from a fixed formula, so the files are deterministic; zip timestamps are pinned to
2000-01-01 so that regenerating gives the same bytes (for the same numpy and zlib). The fixtures are ours:
no MovieLens data is involved. The tests read expected.json, which lists every fixture's dtype, shape and
values (C order, logical layout), or the error kind it must raise.
"""

import io
import json
import os
import pickle
import sys
import time
import zipfile
from unittest import mock

import numpy as np

PINNED_TIME = 946684800.0  # 2000-01-01T00:00:00Z


def sequence(count, dtype):
    """The deterministic values k -> ((37k mod 23) - 11) / 8 + k / 1024 (exact in float16/32/64 for small k)."""
    k = np.arange(count, dtype=np.float64)
    values = ((k * 37) % 23 - 11) / 8 + k / 1024
    return values.astype(dtype)


def matrix(rows, cols, dtype):
    return sequence(rows * cols, dtype).reshape(rows, cols)


def float64_matrix(rows, cols):
    # Adds a part that float32 cannot hold exactly, so conversions are visible.
    return matrix(rows, cols, np.float64) + np.arange(rows * cols).reshape(rows, cols) * 1e-9


def integers(count, dtype, scale=1):
    k = np.arange(count, dtype=np.int64)
    return ((k * 7919) % 101 - 50).astype(dtype) * scale


def arrays():
    """Name -> array for every single-array fixture (the .npy files and the verify set)."""
    return {
        "f4_c_2d": matrix(3, 4, np.float32),
        "f4_f_2d": np.asfortranarray(matrix(3, 4, np.float32)),
        "f8_c_2d": float64_matrix(3, 4),
        "f8_f_2d": np.asfortranarray(float64_matrix(4, 3)),
        "f4_1d": sequence(5, np.float32),
        "f8_1d": sequence(7, np.float64) + 1e-9,
        "f2_1d": sequence(6, np.float16),
        "f4_be_2d": matrix(2, 5, np.float32).astype(">f4"),
        "f8_be_2d": float64_matrix(5, 2).astype(">f8"),
        "f8_be_f_2d": np.asfortranarray(float64_matrix(3, 2).astype(">f8")),
        "i4_1d": integers(9, np.int32),
        "i4_be_1d": integers(4, ">i4"),
        "i8_1d": integers(6, np.int64, scale=10_000_000_000),
        "i8_f_2d": np.asfortranarray(integers(6, np.int64).reshape(2, 3)),
        "u1_1d": (np.arange(8) * 37 % 256).astype(np.uint8),
        "b1_1d": np.array([True, False, False, True, True], dtype=np.bool_),
        "u4_1d": np.array([0, 1, 4000000000], dtype=np.uint32),
        "empty_2d": np.zeros((0, 3), dtype=np.float32),
        "f4_scalar": np.array(np.float32(-2.375)),
        "f8_scalar": np.array(0.1),
        "i8_scalar": np.array(np.int64(-123456789012)),
        "b1_scalar": np.array(True),
        "u_scalar": np.array("float32"),
        "u_1d": np.array(["a", "héllo", "€uro", ""]),
    }


def describe(array):
    """The expected.json record of an array: numpy's dtype name, shape and C-order values."""
    values = np.ascontiguousarray(array).reshape(-1)
    kind = array.dtype.kind
    if kind == "f":
        listed = [float(v) for v in values.astype(np.float64)]
    elif kind in "iu":
        listed = [int(v) for v in values]
    elif kind == "b":
        listed = [bool(v) for v in values]
    elif kind == "U":
        listed = [str(v) for v in values]
    else:
        raise ValueError(f"no description for {array.dtype}")
    return {
        "dtype": array.dtype.newbyteorder("=").name if kind != "U" else "str",
        "descr": array.dtype.str,
        "shape": list(array.shape),
        "fortran_order": bool(array.flags.f_contiguous and not array.flags.c_contiguous),
        "values": listed,
    }


def implicit_model(dtype=np.float32, user_ids=None, item_ids=None):
    """The arguments implicit.cpu.als.AlternatingLeastSquares.save() passes to numpy.savez, in its order.

    The keys and Python types follow implicit's save(): factor matrices, then regularization (float),
    factors (int), num_threads (int), iterations (int), use_native/use_cg (bool), cg_steps (int),
    calculate_training_loss (bool), dtype (the dtype's name, a str), random_state (int; None is left out) and
    alpha (float).
    """
    args = {
        "user_factors": matrix(5, 3, np.float64).astype(dtype) * 0.5,
        "item_factors": (matrix(4, 3, np.float64)[::-1] * 0.25).astype(dtype),
        "regularization": 0.05,
        "factors": 3,
        "num_threads": 0,
        "iterations": 15,
        "use_native": True,
        "use_cg": True,
        "cg_steps": 3,
        "calculate_training_loss": False,
        "dtype": np.dtype(dtype).name,
        "random_state": 42,
        "alpha": 40.0,
    }
    if user_ids is not None:
        args["user_ids"] = user_ids
    if item_ids is not None:
        args["item_ids"] = item_ids
    return args


def describe_npz(args, compressed):
    entries = {}
    for key, value in args.items():
        entries[key] = describe(np.asanyarray(value))
    return {"kind": "npz", "compressed": compressed, "names": list(args.keys()), "entries": entries}


def save_npz(path, args, compressed):
    with mock.patch.object(time, "time", lambda: PINNED_TIME):
        if compressed:
            np.savez_compressed(path, **args)
        else:
            np.savez(path, **args)


def write_fixtures(out):
    os.makedirs(out, exist_ok=True)
    os.environ["TZ"] = "UTC"
    time.tzset()
    expected = {}

    for name, array in arrays().items():
        np.save(os.path.join(out, name + ".npy"), array)
        expected[name + ".npy"] = dict(kind="npy", **describe(array))

    # Format versions 2.0 and 3.0 (numpy picks 1.0 for small headers, so ask for them).
    for version in ((2, 0), (3, 0)):
        array = matrix(2, 3, np.float32)
        name = f"f4_v{version[0]}.npy"
        with open(os.path.join(out, name), "wb") as f:
            np.lib.format.write_array(f, array, version=version)
        expected[name] = dict(kind="npy", **describe(array))

    # Files that must be rejected, with the error kind the reader reports.
    rejected = {
        "object_1d.npy": (np.array([1, "two", None], dtype=object), "ObjectArray"),
        "object_scalar.npy": (np.array({"a": 1}, dtype=object), "ObjectArray"),
        "structured.npy": (np.zeros(2, dtype=[("a", "<i4"), ("b", "<f4")]), "UnsupportedDataType"),
        "complex.npy": (np.zeros(2, dtype=np.complex64), "UnsupportedDataType"),
        "f4_3d.npy": (sequence(8, np.float32).reshape(2, 2, 2), "UnsupportedShape"),
    }
    for name, (array, error) in rejected.items():
        np.save(os.path.join(out, name), array, allow_pickle=True)
        expected[name] = {"kind": "rejected", "error": error}
    with open(os.path.join(out, "raw_pickle.npy"), "wb") as f:
        pickle.dump({"not": "an array"}, f, protocol=2)
    expected["raw_pickle.npy"] = {"kind": "rejected", "error": "BadMagic"}

    # Archives like numpy.savez (stored) and numpy.savez_compressed (deflated).
    mixed = {
        "a": matrix(3, 2, np.float32),
        "b": integers(4, np.int64),
        "s": np.float64(2.5),
        "name": "als",
        "flags": np.array([True, False]),
    }
    for compressed in (False, True):
        name = "mixed_deflated.npz" if compressed else "mixed_stored.npz"
        save_npz(os.path.join(out, name), mixed, compressed)
        expected[name] = describe_npz(mixed, compressed)

    with_object = {"good": sequence(3, np.float32), "bad": np.array([None, 1], dtype=object)}
    save_npz(os.path.join(out, "with_object.npz"), with_object, False)
    expected["with_object.npz"] = {
        "kind": "npz-partial",
        "names": ["good", "bad"],
        "readable": {"good": describe(with_object["good"])},
        "rejected": {"bad": "ObjectArray"},
    }

    # Models as implicit's AlternatingLeastSquares.save() writes them.
    models = {
        "implicit_als.npz": (implicit_model(), False),
        "implicit_als_deflated.npz": (implicit_model(), True),
        "implicit_als_float64.npz": (implicit_model(np.float64), False),
        "implicit_als_ids.npz": (
            implicit_model(user_ids=np.array([10, 20, 30, 40, 50], dtype=np.int64),
                           item_ids=np.array([7, 5, 3, 1], dtype=np.int32)),
            True,
        ),
    }
    for name, (args, compressed) in models.items():
        save_npz(os.path.join(out, name), args, compressed)
        expected[name] = dict(describe_npz(args, compressed), kind="implicit-model")

    with open(os.path.join(out, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, indent=1, ensure_ascii=False, sort_keys=True)
        f.write("\n")
    print(f"wrote {len(expected)} fixtures to {out}")


def check_array(label, actual, expected):
    if actual.dtype.kind != expected.dtype.kind or actual.dtype.itemsize != expected.dtype.itemsize:
        raise AssertionError(f"{label}: dtype {actual.dtype} != {expected.dtype}")
    if actual.shape != expected.shape:
        raise AssertionError(f"{label}: shape {actual.shape} != {expected.shape}")
    if not np.array_equal(actual, expected):
        raise AssertionError(f"{label}: values differ:\n{actual}\n!=\n{expected}")


def verify_implicit_model(path):
    """Loads a model file the way implicit's RecommenderBase.load() does, and checks what it gets."""
    loaded = {}
    with np.load(path, allow_pickle=False) as data:
        for key, value in data.items():
            if key == "dtype":
                value = np.dtype(str(value))
            elif value.shape == ():
                value = value.item()
            loaded[key] = value
    required = {"user_factors", "item_factors", "regularization", "factors", "iterations", "alpha", "dtype"}
    missing = required - loaded.keys()
    if missing:
        raise AssertionError(f"{path}: missing {sorted(missing)}")
    if loaded["dtype"] != np.float32:
        raise AssertionError(f"{path}: dtype {loaded['dtype']}")
    for key in ("user_factors", "item_factors"):
        if loaded[key].dtype != np.float32 or loaded[key].ndim != 2 or loaded[key].shape[1] != loaded["factors"]:
            raise AssertionError(f"{path}: {key} is {loaded[key].dtype} {loaded[key].shape}")
    for key, kind in (("factors", int), ("iterations", int), ("regularization", float), ("alpha", float)):
        if type(loaded[key]) is not kind:
            raise AssertionError(f"{path}: {key} is {type(loaded[key]).__name__}, implicit saves {kind.__name__}")
    reference = implicit_model()
    for key in ("user_factors", "item_factors"):
        check_array(f"{path}:{key}", loaded[key], reference[key])
    for key in ("regularization", "factors", "iterations", "alpha", "use_cg", "cg_steps", "random_state"):
        if key in loaded and loaded[key] != reference[key]:
            raise AssertionError(f"{path}: {key} = {loaded[key]!r}, expected {reference[key]!r}")
    return sorted(loaded.keys())


def verify(paths):
    """Checks files written by MovieRecs' writer: each name is that of a fixture, so numpy's own array of the
    same name is the reference. Single arrays must also be byte-identical to what numpy.save writes.
    implicit_*.npz files are loaded the way implicit's load() does."""
    reference = arrays()
    mixed_names = {"a", "b", "s", "name", "flags"}
    failures = 0
    files = []
    for path in paths:
        if os.path.isdir(path):
            files.extend(sorted(os.path.join(path, f) for f in os.listdir(path)))
        else:
            files.append(path)
    for path in files:
        name = os.path.basename(path)
        stem, ext = os.path.splitext(name)
        try:
            if name.startswith("implicit_") and ext == ".npz":
                keys = verify_implicit_model(path)
                print(f"ok   {name}: implicit load() gets {', '.join(keys)}")
            elif ext == ".npz":
                with np.load(path, allow_pickle=False) as data:
                    names = set(data.files)
                    if names != mixed_names:
                        raise AssertionError(f"names {sorted(names)}")
                    check_array("a", data["a"], matrix(3, 2, np.float32))
                    check_array("b", data["b"], integers(4, np.int64))
                    check_array("s", data["s"], np.array(2.5))
                    check_array("name", data["name"], np.array("als"))
                    check_array("flags", data["flags"], np.array([True, False]))
                with zipfile.ZipFile(path) as z:
                    methods = sorted({i.compress_type for i in z.infolist()})
                    bad = z.testzip()
                    if bad is not None:
                        raise AssertionError(f"bad CRC in {bad}")
                print(f"ok   {name}: {len(names)} arrays, zip methods {methods}, CRCs good")
            elif ext == ".npy":
                if stem not in reference:
                    raise AssertionError("no reference array of that name")
                expected = reference[stem]
                actual = np.load(path, allow_pickle=False)
                # Our writer stores little-endian in C order: compare logical values. (astype keeps 0-d arrays 0-d,
                # where ascontiguousarray would make them 1-d.)
                little_c = expected.astype(expected.dtype.newbyteorder("<"), order="C")
                check_array(stem, actual, little_c)
                buffer = io.BytesIO()
                np.save(buffer, little_c)
                with open(path, "rb") as f:
                    identical = f.read() == buffer.getvalue()
                print(f"ok   {name}: {actual.dtype} {actual.shape}, byte-identical to numpy.save: {identical}")
                if not identical:
                    failures += 1
            else:
                continue
        except Exception as e:  # noqa: BLE001 - report every file
            failures += 1
            print(f"FAIL {name}: {e}")
    print(f"{len(files)} files checked, {failures} failed")
    return 1 if failures else 0


def main(argv):
    if len(argv) > 1 and argv[1] == "--verify":
        return verify(argv[2:])
    default = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "MovieRecs.Tests", "Fixtures", "npz")
    write_fixtures(os.path.normpath(argv[1] if len(argv) > 1 else default))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
