#!/usr/bin/python3
"""Read an nzcompress output file (HDF5) with h5py, without nzcompress.

  nzc_h5.py list OUT.h5 [--json]
      the file's attributes and one line per tensor: kind, name, stored dtype and shape,
      original dtype and shape, stored bytes
  nzc_h5.py export-msmodelslim OUT.h5 DIR [--description JSON] [--force]
      what msModelSlim's weight compression writes, for the tools that load it:
        DIR/quant_model_weight_w8a8sc.safetensors   X.weight (compressed bytes, int8 1-D),
                                                    X.index (int8 1-D), X.info (int64 [5])
                                                    for every compressed or disabled weight
                                                    X.weight, plus every passthrough tensor
                                                    with its own dtype and shape
        DIR/quant_model_description_w8a8sc.json     name -> "W8A8SC" / "W16A16SC" for the
                                                    compressed tensors; for the others the
                                                    type from the input's description
                                                    (--description, or the one named in the
                                                    file's config), W8A8S -> W8A8SC

The layout read is the one of docs/OUTPUT_FORMAT.md: /weight/<name>, /index/<name>,
/info/<name>, /passthrough/<name>, /report and the root attributes. Tensor names are stored
as HDF5 link names with '%' written "%25", '/' written "%2F" (and a name that is exactly
"." written "%2E"): they are unescaped here. Needs /usr/bin/python3 with python3-h5py and
python3-numpy (Debian). Exit codes: 0 ok, 2 usage, 3 the file is not a (complete) nzcompress
file, 4 I/O error.
"""

import argparse
import json
import os
import re
import struct
import sys

import h5py
import numpy as np

NUMPY_TO_SAFETENSORS = {
    "bool": "BOOL", "uint8": "U8", "int8": "I8", "int16": "I16", "uint16": "U16",
    "float16": "F16", "int32": "I32", "uint32": "U32", "float32": "F32", "float64": "F64",
    "int64": "I64", "uint64": "U64",
}
SAFETENSORS_SIZES = {
    "BOOL": 1, "U8": 1, "I8": 1, "I16": 2, "U16": 2, "F16": 2, "BF16": 2, "I32": 4, "U32": 4,
    "F32": 4, "F64": 8, "I64": 8, "U64": 8, "F8_E4M3": 1, "F8_E5M2": 1,
}


class FormatError(Exception):
    """The file is not what the format says (exit code 3)."""


def unescape(link):
    """The inverse of nzcompress's link-name escaping: every %XX is the byte 0xXX."""
    raw = link.encode("utf-8")
    if b"%" not in raw:
        return link
    out = bytearray()
    i = 0
    while i < len(raw):
        if raw[i] == 0x25:  # '%'
            hexpart = raw[i + 1:i + 3]
            if len(hexpart) != 2 or not re.fullmatch(rb"[0-9A-Fa-f]{2}", hexpart):
                raise FormatError(f"malformed escape in link name {link!r}")
            out.append(int(hexpart, 16))
            i += 3
        else:
            out.append(raw[i])
            i += 1
    return out.decode("utf-8")


def text(value):
    """An attribute as a Python string (h5py gives str or bytes, scalars or 1-element arrays)."""
    if isinstance(value, np.ndarray) and value.size == 1:
        value = value.reshape(())[()]
    if isinstance(value, bytes):
        return value.decode("utf-8")
    return str(value)


def plain(value):
    """An attribute as JSON-friendly Python."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, np.ndarray):
        return [plain(v) for v in value.tolist()] if value.ndim else plain(value[()])
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def dtype_name(ds):
    """The tensor's safetensors spelling: the "dtype" attribute if the writer left one (it
    keeps BF16 and F8 apart from the 2-byte and 1-byte types HDF5 stores them as)."""
    if "dtype" in ds.attrs:
        return text(ds.attrs["dtype"])
    name = NUMPY_TO_SAFETENSORS.get(ds.dtype.name)
    if name is None:
        raise FormatError(f"{ds.name}: unsupported dtype {ds.dtype}")
    return name


def raw_bytes(ds):
    """A dataset's bytes exactly as stored: read with the file's own type as the memory type,
    so that HDF5 converts nothing (a BF16 stored as a 2-byte float stays BF16)."""
    size = int(np.prod(ds.shape, dtype=np.int64)) * ds.id.get_type().get_size()
    buf = np.empty(size, dtype=np.uint8)
    if size:
        ds.id.read(h5py.h5s.ALL, h5py.h5s.ALL, buf, mtype=ds.id.get_type())
    return buf


def tensors(f, group):
    """{tensor name: dataset} of one group (empty if the group is absent). The name is the
    link name unescaped; a "name" attribute, where the writer left one, must agree with it."""
    if group not in f:
        return {}
    found = {}
    for link in f[group]:
        ds = f[group][link]
        name = unescape(link)
        if "name" in ds.attrs and text(ds.attrs["name"]) != name:
            raise FormatError(f"/{group}/{link}: attribute name={text(ds.attrs['name'])!r} "
                              f"does not match the link name (unescaped: {name!r})")
        found[name] = ds
    return found


def open_file(path):
    """h5py.File(path) with a file that exists but is not HDF5 reported as invalid input."""
    if os.path.isfile(path) and not h5py.is_hdf5(path):
        raise FormatError(f"{path}: not an HDF5 file")
    return h5py.File(path, "r")


def check_file(f, path, allow_incomplete=False):
    fmt = text(f.attrs.get("format", ""))
    if fmt != "nzcompress":
        raise FormatError(f"{path}: not an nzcompress file (root attribute format={fmt!r})")
    complete = int(np.asarray(f.attrs.get("complete", 0)).reshape(-1)[0])
    if not complete and not allow_incomplete:
        raise FormatError(f"{path}: the run that wrote it has not finished (complete != 1); "
                          "resume it with nzcompress compress --resume")


def weight_kind(ds, index_ds):
    kind = text(ds.attrs.get("kind", "")) if "kind" in ds.attrs else ""
    if kind:
        return kind
    return "disabled" if index_ds is None or index_ds.shape == (0,) else "compressed"


def compressed_type(ds):
    """W8A8SC for low-sparse (int8), W16A16SC for high-sparse (fp16)."""
    ctype = text(ds.attrs.get("compress_type", "")).lower() if "compress_type" in ds.attrs else ""
    if ctype in ("high", "1"):
        return "W16A16SC"
    if ctype in ("low", "0"):
        return "W8A8SC"
    original = text(ds.attrs.get("dtype", "I8")) if "dtype" in ds.attrs else "I8"
    return "W16A16SC" if original in ("F16", "BF16") else "W8A8SC"


def cmd_list(a):
    with open_file(a.file) as f:
        check_file(f, a.file, allow_incomplete=True)
        attrs = {k: plain(v) for k, v in f.attrs.items()}
        weights, indexes = tensors(f, "weight"), tensors(f, "index")
        rows = []
        for name, ds in sorted(weights.items()):
            rows.append({
                "name": name, "kind": weight_kind(ds, indexes.get(name)),
                "stored_dtype": NUMPY_TO_SAFETENSORS.get(ds.dtype.name, str(ds.dtype)),
                "stored_shape": list(ds.shape),
                "dtype": text(ds.attrs["dtype"]) if "dtype" in ds.attrs else None,
                "shape": plain(ds.attrs["shape"]) if "shape" in ds.attrs else None,
                "stored_bytes": int(ds.id.get_storage_size()) + (
                    int(indexes[name].id.get_storage_size()) if name in indexes else 0),
                "attrs": {k: plain(v) for k, v in ds.attrs.items()},
            })
        for name, ds in sorted(tensors(f, "passthrough").items()):
            rows.append({
                "name": name, "kind": "passthrough", "stored_dtype": dtype_name(ds),
                "stored_shape": list(ds.shape), "dtype": dtype_name(ds),
                "shape": list(ds.shape), "stored_bytes": int(ds.id.get_storage_size()),
                "attrs": {k: plain(v) for k, v in ds.attrs.items()},
            })
    if a.json:
        json.dump({"file": a.file, "attrs": attrs, "tensors": rows}, sys.stdout, indent=2)
        print()
        return 0
    for key in sorted(attrs):
        value = attrs[key]
        shown = value if not isinstance(value, str) or len(value) < 80 else value[:77] + "..."
        print(f"# {key} = {shown}")
    for r in rows:
        original = f"{r['dtype'] or ''}{r['shape'] if r['shape'] is not None else ''}"
        print(f"{r['kind']:<11} {r['name']}  {r['stored_dtype']}{r['stored_shape']}"
              f"  {original}  {r['stored_bytes']} B")
    counts = {}
    for r in rows:
        counts[r["kind"]] = counts.get(r["kind"], 0) + 1
    print(f"# {len(rows)} tensors: " + ", ".join(f"{n} {k}" for k, n in sorted(counts.items())))
    return 0


def index_name(name, suffix):
    """X.weight -> X.index / X.info, as msModelSlim names them."""
    base = name[:-len(".weight")] if name.endswith(".weight") else name
    return f"{base}.{suffix}"


def load_description(a, f):
    """The input's quant description: --description, else the one the run's config names."""
    path = a.description
    if path is None and "config" in f.attrs:
        try:
            config = json.loads(text(f.attrs["config"]))
            path = None
            if isinstance(config, dict):
                path = config.get("description") or config.get("--description")
        except ValueError:
            path = None
        if path and not os.path.isfile(path):
            print(f"nzc_h5: note: the run's description {path} is not readable here; "
                  "pass --description", file=sys.stderr)
            path = None
    if not path:
        return {}
    with open(path) as fh:
        return {k: v for k, v in json.load(fh).items() if isinstance(v, str)}


def write_safetensors(path, items):
    """items: list of (name, dtype spelling, shape, size in bytes, reader() -> bytes-like).
    Ordered by element size, largest first, so that every tensor is aligned to its size."""
    items = sorted(items, key=lambda it: -SAFETENSORS_SIZES[it[1]])
    header = {"__metadata__": {"format": "pt", "producer": "nzcompress nzc_h5.py"}}
    offset = 0
    for name, dtype, shape, size, _ in items:
        header[name] = {"dtype": dtype, "shape": list(shape),
                        "data_offsets": [offset, offset + size]}
        offset += size
    blob = json.dumps(header, separators=(",", ":")).encode()
    blob += b" " * (-len(blob) % 8)
    tmp = path + ".partial"
    with open(tmp, "wb") as out:
        out.write(struct.pack("<Q", len(blob)))
        out.write(blob)
        for name, _, _, size, reader in items:
            data = reader()
            if len(data) != size:
                raise FormatError(f"{name}: {len(data)} bytes where {size} were expected")
            out.write(memoryview(data))
    os.replace(tmp, path)
    return offset


def cmd_export(a):
    out_dir = a.dir
    weight_path = os.path.join(out_dir, "quant_model_weight_w8a8sc.safetensors")
    desc_path = os.path.join(out_dir, "quant_model_description_w8a8sc.json")
    for p in (weight_path, desc_path):
        if os.path.exists(p) and not a.force:
            print(f"nzc_h5: error: {p} exists (use --force to overwrite)", file=sys.stderr)
            return 2
    os.makedirs(out_dir, exist_ok=True)
    with open_file(a.file) as f:
        check_file(f, a.file)
        description = load_description(a, f)
        weights, indexes, infos = tensors(f, "weight"), tensors(f, "index"), tensors(f, "info")
        passthrough = tensors(f, "passthrough")
        items, types, prefixes = [], {}, {}

        def reader(ds):
            return lambda: raw_bytes(ds)

        for name, ds in sorted(weights.items()):
            if ds.ndim != 1:
                raise FormatError(f"{a.file}: /weight/{name} is not 1-D")
            if name not in infos:
                raise FormatError(f"{a.file}: /info/{name} is missing")
            qtype = compressed_type(ds)
            n = int(ds.shape[0])
            items.append((name, "I8", [n], n, reader(ds)))
            index = indexes.get(name)
            n_index = int(index.shape[0]) if index is not None else 0
            items.append((index_name(name, "index"), "I8", [n_index], n_index,
                          reader(index) if index is not None else (lambda: b"")))
            info = infos[name]
            # int64 as written: msModelSlim's own export truncates info to int8; do not.
            info_values = np.asarray(info[()], dtype="<i8").reshape(-1)
            items.append((index_name(name, "info"), "I64", [info_values.size],
                          info_values.size * 8, lambda v=info_values: v.tobytes()))
            for x in (name, index_name(name, "index"), index_name(name, "info")):
                types[x] = qtype
            prefixes[name.rsplit(".", 1)[0]] = qtype
        for name, ds in sorted(passthrough.items()):
            dtype = dtype_name(ds)
            size = int(np.prod(ds.shape, dtype=np.int64)) * SAFETENSORS_SIZES[dtype]
            items.append((name, dtype, list(ds.shape), size, reader(ds)))
            given = description.get(name)
            if given is not None:
                types[name] = {"W8A8S": "W8A8SC", "W16A16S": "W16A16SC"}.get(given, given)
            else:
                # Without the input's description: a tensor of a compressed layer (its scales,
                # its bias) takes the layer's type, anything else is FLOAT.
                types[name] = prefixes.get(name.rsplit(".", 1)[0], "FLOAT")
        total = write_safetensors(weight_path, items)

    kinds = set(v for k, v in types.items() if k in weights)
    model_type = "W16A16SC" if kinds == {"W16A16SC"} else "W8A8SC"
    out_desc = {"model_quant_type": model_type}
    # Entries of the input's description that are not tensor names (a version, ...) stay.
    out_desc.update({k: v for k, v in description.items()
                     if "." not in k and k != "model_quant_type"})
    out_desc.update(dict(sorted(types.items())))
    with open(desc_path, "w") as fh:
        json.dump(out_desc, fh, indent=2)
        fh.write("\n")
    print(f"{weight_path}: {len(items)} tensors, {total} bytes of data "
          f"({len(weights)} compressed weights, {len(passthrough)} passthrough)")
    print(desc_path)
    return 0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 epilog=__doc__[__doc__.index("\n\n") + 2:],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("list", help="attributes and tensors of the file")
    p.add_argument("file")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(run=cmd_list)
    p = sub.add_parser("export-msmodelslim", help="write msModelSlim's W8A8SC files into DIR")
    p.add_argument("file")
    p.add_argument("dir")
    p.add_argument("--description", help="the input's quant_model_description*.json")
    p.add_argument("--force", action="store_true", help="overwrite existing files in DIR")
    p.set_defaults(run=cmd_export)
    a = ap.parse_args(argv)
    try:
        return a.run(a)
    except FormatError as e:
        print(f"nzc_h5: error: {e}", file=sys.stderr)
        return 3
    except OSError as e:
        print(f"nzc_h5: error: {e}", file=sys.stderr)
        return 4


if __name__ == "__main__":
    sys.exit(main())
