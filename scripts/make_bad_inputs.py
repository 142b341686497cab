#!/usr/bin/python3
"""Writes the malformed-input corpus (tests/data/bad/) and the small good fixtures made by
numpy itself (tests/data/checkpoint/), with the manifest tests/data/bad/README.md.

Every bad entry breaks exactly one rule of the checkpoint readers; the unit tests open each
one and expect an InputError naming the file. Run with the system Python (it has numpy):

    /usr/bin/python3 scripts/make_bad_inputs.py

The output is deterministic, so re-running it leaves a clean git tree.
"""

import io
import json
import os
import shutil
import struct
import zipfile
from unittest import mock
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
BAD = ROOT / "tests" / "data" / "bad"
GOOD = ROOT / "tests" / "data" / "checkpoint"

# A fixed timestamp keeps the zip files byte-identical between runs.
ZIP_TIME = (2024, 1, 1, 0, 0, 0)

manifest = []  # (entry, rule)


def add(name, rule, content):
    """Writes one corpus entry: bytes for a file, a dict {relative path: bytes} for a folder."""
    path = BAD / name
    if isinstance(content, dict):
        path.mkdir(parents=True)
        for rel, data in content.items():
            (path / rel).parent.mkdir(parents=True, exist_ok=True)
            (path / rel).write_bytes(data)
    else:
        path.write_bytes(content)
    manifest.append((name + ("/" if isinstance(content, dict) else ""), rule))


# ---- safetensors -----------------------------------------------------------------------------


def st_bytes(header, data=b"", length=None, raw_header=None):
    """A safetensors file; `raw_header` bypasses JSON encoding, `length` overrides the prefix."""
    text = raw_header if raw_header is not None else json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    n = len(text) if length is None else length
    return struct.pack("<Q", n) + text + data


def tensor(dtype, shape, begin, end):
    return {"dtype": dtype, "shape": shape, "data_offsets": [begin, end]}


def good_st(name="w"):
    return st_bytes({name: tensor("I8", [2, 2], 0, 4)}, bytes([1, 2, 3, 4]))


def make_safetensors():
    add("st_empty_file.safetensors", "file shorter than the 8-byte header length", b"")
    add("st_short_prefix.safetensors", "file shorter than the 8-byte header length", b"\x05\0\0")
    add("st_header_too_large.safetensors", "header length over the 100 MB limit",
        struct.pack("<Q", 100_000_001) + b"{}")
    add("st_header_past_eof.safetensors", "header length runs past the end of the file",
        st_bytes({}, length=4096))
    add("st_invalid_utf8.safetensors", "header is not valid UTF-8",
        st_bytes(None, raw_header=b'{"w\xff": {"dtype": "I8", "shape": [0], '
                                  b'"data_offsets": [0, 0]}}'))
    add("st_not_json.safetensors", "header is not JSON", st_bytes(None, raw_header=b"{not json"))
    add("st_not_object.safetensors", "header is not a JSON object", st_bytes([1, 2, 3]))
    add("st_unknown_dtype.safetensors", "unknown dtype",
        st_bytes({"w": tensor("Q7", [4], 0, 4)}, bytes(4)))
    add("st_missing_dtype.safetensors", "tensor entry lacks dtype",
        st_bytes({"w": {"shape": [4], "data_offsets": [0, 4]}}, bytes(4)))
    add("st_tensor_not_object.safetensors", "tensor entry is not an object",
        st_bytes({"w": 5}))
    add("st_shape_not_array.safetensors", "shape is not an array",
        st_bytes({"w": tensor("I8", "2x2", 0, 4)}, bytes(4)))
    add("st_negative_dim.safetensors", "shape has a negative dimension",
        st_bytes({"w": tensor("I8", [-4], 0, 4)}, bytes(4)))
    add("st_shape_overflow.safetensors", "shape product overflows 64 bits",
        st_bytes({"w": tensor("I8", [2**32, 2**32, 16], 0, 4)}, bytes(4)))
    add("st_bytes_overflow.safetensors", "elements * itemsize overflows 64 bits",
        st_bytes({"w": tensor("F32", [2**62], 0, 4)}, bytes(4)))
    add("st_end_before_begin.safetensors", "data_offsets end before begin",
        st_bytes({"lm_head.weight": tensor("I8", [0], 10, 2)}, bytes(10)))
    add("st_size_mismatch.safetensors", "end - begin differs from elements * itemsize",
        st_bytes({"w": tensor("F16", [4], 0, 4)}, bytes(4)))
    add("st_offsets_one_value.safetensors", "data_offsets is not a pair",
        st_bytes({"w": {"dtype": "I8", "shape": [4], "data_offsets": [0]}}, bytes(4)))
    add("st_offsets_float.safetensors", "data_offsets holds a float",
        st_bytes({"w": {"dtype": "I8", "shape": [4], "data_offsets": [0, 4.0]}}, bytes(4)))
    add("st_hole.safetensors", "hole between tensors",
        st_bytes({"a": tensor("I8", [4], 0, 4), "b": tensor("I8", [4], 8, 12)}, bytes(12)))
    add("st_overlap.safetensors", "tensors overlap",
        st_bytes({"a": tensor("I8", [8], 0, 8), "b": tensor("I8", [8], 4, 12)}, bytes(12)))
    add("st_not_from_zero.safetensors", "first tensor does not start at offset 0",
        st_bytes({"w": tensor("I8", [4], 4, 8)}, bytes(8)))
    add("st_trailing_bytes.safetensors", "file longer than header plus data",
        good_st() + b"\0\0\0\0")
    add("st_truncated_data.safetensors", "file shorter than header plus data", good_st()[:-2])
    add("st_duplicate_tensor.safetensors", "the same tensor name twice",
        st_bytes(None, raw_header=b'{"w": {"dtype": "I8", "shape": [2], "data_offsets": [0, 2]},'
                                  b' "w": {"dtype": "I8", "shape": [2], "data_offsets": [2, 4]}}',
                 data=bytes(4)))
    add("st_metadata_not_string.safetensors", "__metadata__ value is not a string",
        st_bytes({"__metadata__": {"format": 1}, "w": tensor("I8", [4], 0, 4)}, bytes(4)))
    add("st_deep_nesting.safetensors", "JSON nested far too deep",
        st_bytes(None, raw_header=b"{\"w\": " + b"[" * 5000 + b"]" * 5000 + b"}"))


# ---- sharded checkpoints ---------------------------------------------------------------------


def index(weight_map, total_size=4):
    return json.dumps({"metadata": {"total_size": total_size}, "weight_map": weight_map}).encode()


IDX = "model.safetensors.index.json"


def make_sharded():
    add("idx_absolute_path", "weight_map shard path is absolute",
        {IDX: index({"w": "/etc/passwd"}), "model-1.safetensors": good_st()})
    add("idx_parent_escape", "weight_map shard path climbs out with ..",
        {IDX: index({"w": "../model-1.safetensors"}), "model-1.safetensors": good_st()})
    add("idx_missing_tensor", "a mapped tensor is absent from its shard",
        {IDX: index({"w": "model-1.safetensors", "lm_head.weight": "model-1.safetensors"}),
         "model-1.safetensors": good_st()})
    add("idx_missing_shard", "a mapped shard file does not exist",
        {IDX: index({"w": "model-1.safetensors", "v": "model-2.safetensors"}),
         "model-1.safetensors": good_st()})
    add("idx_no_weight_map", "index has no weight_map",
        {IDX: b'{"metadata": {"total_size": 4}}', "model-1.safetensors": good_st()})
    add("idx_weight_map_not_string", "weight_map value is not a string",
        {IDX: index({"w": 1}), "model-1.safetensors": good_st()})
    add("idx_not_json", "index is not JSON",
        {IDX: b'{"weight_map": {"w": "model-1.safetensors"', "model-1.safetensors": good_st()})
    add("idx_duplicate_key", "weight_map names a tensor twice",
        {IDX: b'{"weight_map": {"w": "model-1.safetensors", "w": "model-2.safetensors"}}',
         "model-1.safetensors": good_st()})
    add("idx_two_indexes", "folder holds two index files",
        {IDX: index({"w": "model-1.safetensors"}),
         "other.safetensors.index.json": index({"w": "model-1.safetensors"}),
         "model-1.safetensors": good_st()})
    add("idx_bad_shard", "a shard is malformed (offsets end before begin)",
        {IDX: index({"w": "model-1.safetensors"}),
         "model-1.safetensors": st_bytes({"w": tensor("I8", [0], 4, 0)}, bytes(4))})
    add("dup_across_files", "two safetensors files in a folder define the same tensor",
        {"a.safetensors": good_st(), "b.safetensors": good_st()})


# ---- npy -------------------------------------------------------------------------------------


def npy_bytes(header, data=b"", version=1, magic=b"\x93NUMPY"):
    """An npy file with a literal header text, padded like numpy pads it."""
    text = header.encode("latin1")
    prefix = 10 if version == 1 else 12
    text += b" " * (-(prefix + len(text) + 1) % 64) + b"\n"
    fmt = "<H" if version == 1 else "<I"
    return magic + bytes([version, 0]) + struct.pack(fmt, len(text)) + text + data


def good_npy_header(descr="<i4", shape="(2,)"):
    return "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, shape)


def saved(array, **kwargs):
    buffer = io.BytesIO()
    np.save(buffer, array, **kwargs)
    return buffer.getvalue()


def make_npy():
    add("npy_bad_magic.npy", "npy magic is wrong", npy_bytes(good_npy_header(), bytes(8),
                                                          magic=b"\x93NUMPZ"))
    add("npy_truncated_prefix.npy", "file shorter than the npy prefix", b"\x93NUMPY\x01")
    add("npy_bad_version.npy", "npy version 4.0", npy_bytes(good_npy_header(), bytes(8), 4))
    add("npy_header_past_eof.npy", "header length runs past the end of the file",
        b"\x93NUMPY\x01\x00" + struct.pack("<H", 5000) + b"{'descr': '<i4'")
    add("npy_object_dtype.npy", "object array (pickled data)",
        saved(np.array([{"a": 1}, None], dtype=object), allow_pickle=True))
    add("npy_big_endian.npy", "big-endian dtype", saved(np.arange(4, dtype=">i4")))
    add("npy_fortran_order.npy", "2-D array in Fortran order",
        saved(np.asfortranarray(np.arange(6, dtype="<i2").reshape(2, 3))))
    add("npy_extra_key.npy", "header dict has a key besides descr/fortran_order/shape",
        npy_bytes("{'descr': '<i4', 'fortran_order': False, 'shape': (2,), 'x': 1}", bytes(8)))
    add("npy_missing_shape.npy", "header dict lacks shape",
        npy_bytes("{'descr': '<i4', 'fortran_order': False}", bytes(8)))
    add("npy_duplicate_key.npy", "header dict has descr twice",
        npy_bytes("{'descr': '<i4', 'descr': '<i4', 'fortran_order': False, 'shape': (2,)}",
                  bytes(8)))
    add("npy_data_too_short.npy", "data shorter than dtype * shape",
        npy_bytes(good_npy_header(), bytes(6)))
    add("npy_data_too_long.npy", "data longer than dtype * shape",
        npy_bytes(good_npy_header(), bytes(12)))
    add("npy_not_a_dict.npy", "header is a list, not a dict", npy_bytes("[1, 2]", bytes(8)))
    add("npy_code_injection.npy", "header holds a call (must be refused, never evaluated)",
        npy_bytes("{'descr': __import__('os').system('touch /tmp/pwned'), "
                  "'fortran_order': False, 'shape': (2,), }", bytes(8)))
    add("npy_structured_dtype.npy", "structured dtype", saved(np.zeros(2, dtype=[("a", "<i4")])))
    add("npy_negative_dim.npy", "negative dimension",
        npy_bytes(good_npy_header(shape="(-2,)"), bytes(8)))
    add("npy_shape_overflow.npy", "shape product overflows 64 bits",
        npy_bytes(good_npy_header(shape="(4294967296, 4294967296, 16)"), bytes(8)))
    add("npy_unterminated_string.npy", "string literal never closes",
        npy_bytes("{'descr': '<i4, 'fortran_order': False, 'shape': (2,)}", bytes(8)))
    add("npy_deep_nesting.npy", "literal nested far too deep",
        npy_bytes("{'descr': '<i4', 'fortran_order': False, 'shape': " + "(" * 500 + ")" * 500
                  + "}", bytes(8), version=2))
    add("npy_complex_dtype.npy", "unsupported dtype (complex64)",
        saved(np.zeros(2, dtype="<c8")))
    add("npy_pipe_multibyte.npy", "byte-order-free marker on a 4-byte type",
        npy_bytes(good_npy_header(descr="|i4"), bytes(8)))
    add("npy_shape_not_tuple.npy", "shape is a list",
        npy_bytes(good_npy_header(shape="[2]"), bytes(8)))
    add("npy_fortran_not_bool.npy", "fortran_order is not a bool",
        npy_bytes("{'descr': '<i4', 'fortran_order': 0, 'shape': (2,), }", bytes(8)))
    add("npydir_bad_member", "folder of npy files where one is malformed",
        {"a.npy": saved(np.arange(3, dtype="<i1")),
         "b.npy": npy_bytes(good_npy_header(descr=">f8"), bytes(16))})


# ---- npz -------------------------------------------------------------------------------------


def zip_bytes(members, method=zipfile.ZIP_STORED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = method
            z.writestr(info, data)
    return buffer.getvalue()


def make_npz():
    good = saved(np.arange(4, dtype="<i1"))
    add("npz_not_zip.npz", "not a zip archive", b"this is not a zip archive at all" * 4)
    add("npz_truncated.npz", "zip cut in half (no central directory)",
        zip_bytes({"a.npy": good, "b.npy": good})[:60])
    add("npz_bad_member.npz", "a member's npy magic is wrong",
        zip_bytes({"a.npy": good, "b.npy": b"\x93NUMPZ" + good[6:]}))
    add("npz_object_member.npz", "a member is an object array (pickled)",
        zip_bytes({"a.npy": saved(np.array([None, 1], dtype=object), allow_pickle=True)},
                  zipfile.ZIP_DEFLATED))
    add("npz_non_npy_member.npz", "a member is not an .npy file",
        zip_bytes({"a.npy": good, "readme.txt": b"hello"}))
    add("npz_size_mismatch.npz", "a deflated member's data is shorter than its header says",
        zip_bytes({"a.npy": good[:-1]}, zipfile.ZIP_DEFLATED))
    add("npz_bzip2_member.npz", "a member uses bzip2, not stored or deflated",
        zip_bytes({"a.npy": good}, zipfile.ZIP_BZIP2))


# ---- quant descriptions ----------------------------------------------------------------------


def make_quant():
    add("quant_not_json.json", "quant description is not JSON", b'{"a.weight": "W8A8S",')
    add("quant_not_object.json", "quant description is not an object", b'["a.weight"]')
    add("quant_duplicate.json", "quant description names a tensor twice",
        b'{"a.weight": "W8A8S", "a.weight": "FLOAT"}')
    add("quant_invalid_utf8.json", "quant description is not valid UTF-8",
        b'{"a.weight\xc0\xaf": "W8A8S"}')
    add("quant_empty.json", "quant description has no entries", b"{}")
    add("quant_empty_type.json", "quant description gives a tensor an empty type",
        b'{"a.weight": ""}')


# ---- good fixtures written by numpy ----------------------------------------------------------


def make_good():
    # One array per supported npy dtype, with values the C++ tests recompute.
    arrays = {
        "i8_2x3": np.arange(-3, 3, dtype="<i1").reshape(2, 3),
        "u8_4": np.arange(250, 254, dtype="<u1"),
        "bool_3": np.array([True, False, True]),
        "f16_2x2": np.array([[1.0, -2.0], [0.5, 65504.0]], dtype="<f2"),
        "f32_3": np.array([1.5, -0.25, 3.0], dtype="<f4"),
        "i64_2": np.array([-(2**40), 2**40 + 7], dtype="<i8"),
        "scalar_i32": np.array(123456, dtype="<i4"),
        "empty_f32_0x4": np.zeros((0, 4), dtype="<f4"),
        "fortran_1d_i16": np.asfortranarray(np.arange(5, dtype="<i2")),
    }
    folder = GOOD / "npy_folder"
    folder.mkdir(parents=True)
    for name, array in arrays.items():
        np.save(folder / (name + ".npy"), array)
    (GOOD / "npy_v2_i16.npy").write_bytes(
        npy_bytes(good_npy_header(descr="<i2", shape="(3,)"), np.arange(3, dtype="<i2").tobytes(),
                  version=2))
    (GOOD / "npy_v3_u16.npy").write_bytes(
        npy_bytes(good_npy_header(descr="<u2", shape="(2,)"), np.array([1, 65535], "<u2").tobytes(),
                  version=3))
    members = {name + ".npy": saved(a) for name, a in arrays.items() if name != "fortran_1d_i16"}
    (GOOD / "stored.npz").write_bytes(zip_bytes(members, zipfile.ZIP_STORED))
    (GOOD / "deflated.npz").write_bytes(zip_bytes(members, zipfile.ZIP_DEFLATED))
    # numpy's own writers (zip64 extras, its member order); the clock is pinned because
    # np.savez stamps members with the current time.
    pair = {"w": np.arange(-6, 6, dtype="<i1").reshape(3, 4), "v": np.ones(5, dtype="<f2")}
    with mock.patch("time.time", return_value=1704067200.0):
        np.savez(GOOD / "numpy_savez.npz", **pair)
        np.savez_compressed(GOOD / "numpy_savez_compressed.npz", **pair)


def write_manifest():
    lines = [
        "# Malformed checkpoint inputs",
        "",
        "Generated by `scripts/make_bad_inputs.py`; do not edit by hand. Each entry breaks one",
        "rule of the checkpoint readers, and `CheckpointBadInput` opens each and expects an",
        "InputError (exit code 3) whose message names the file. Entries starting with `quant_`",
        "are quant descriptions; folders end in `/`.",
        "",
        "| entry | rule it breaks |",
        "|---|---|",
    ]
    lines += ["| `%s` | %s |" % (entry, rule) for entry, rule in sorted(manifest)]
    (BAD / "README.md").write_text("\n".join(lines) + "\n")


def main():
    for folder in (BAD, GOOD):
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
    make_safetensors()
    make_sharded()
    make_npy()
    make_npz()
    make_quant()
    make_good()
    write_manifest()
    print("wrote %d bad entries to %s" % (len(manifest), os.path.relpath(BAD, ROOT)))


if __name__ == "__main__":
    main()
