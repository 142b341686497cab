#!/usr/bin/python3
"""Make a synthetic sparse-quantized checkpoint shaped like msModelSlim's W8A8S (or W16A16S)
export of a LLaMA-like model, scaled down: the input nzcompress compresses.

What it writes into OUT_DIR:
  quant_model_weight_w8a8s.safetensors              (one file), or with --shards N > 1:
  model-0000i-of-0000N.safetensors + model.safetensors.index.json
  quant_model_description_w8a8s.json                 tensor name -> "W8A8S" / "FLOAT"
  config.json                                        the model shape (informational)
(w16a16s in the names for --format w16a16s.)

Tensors, per decoder layer l (model.layers.l.):
  self_attn.{q,k,v,o}_proj, mlp.{gate,up,down}_proj, each a quantized linear:
    W8A8S:   .weight int8 [out, in], 50% zeros (--sparsity), the rest Gaussian-like
             (sigma --sigma, rounded, clipped to [-128, 127]); the zeros are the
             smallest-magnitude weights (--pattern magnitude, as pruning leaves them) or
             drawn at random (--pattern random);
             .weight_scale / .weight_offset float32 [out, 1], .deq_scale int64 [out]
             (float32 bits of input_scale * weight_scale in the low 32 bits, as msModelSlim
             stores it for float16 models), .quant_bias int32 [out],
             .input_scale / .input_offset float16 [1]; all typed "W8A8S"
    W16A16S: .weight float16 [out, in], sparse the same way (sigma --sigma / 600), typed
             "W16A16S"
  input_layernorm.weight, post_attention_layernorm.weight float16 [hidden] ("FLOAT")
  with --qkv-bias: self_attn.{q,k,v}_proj.bias float16 [out] (Qwen-like; typed as the layer)
and model.embed_tokens.weight, lm_head.weight float16 [vocab, hidden], model.norm.weight
float32 [hidden] ("FLOAT"). The description also has "model_quant_type".

The safetensors files are written by hand (no safetensors package): an 8-byte little-endian
header length, a JSON header (dtype, shape, data_offsets) padded with spaces to a multiple of
8 bytes, then the data, tensors ordered by element size (largest first) so that every tensor
is aligned to its element size. Every tensor's content depends only on --seed and its name,
so the same seed gives the same tensors whatever the sharding. Memory use is bounded (tensors
are generated in chunks), so 4 GiB checkpoints are fine.

Examples:
  # the tiny example committed under tests/data/example/ (about 190 KiB):
  scripts/make_synthetic_checkpoint.py tests/data/example --layers 2 --hidden 64 \\
      --intermediate 176 --heads 4 --kv-heads 2 --vocab 256 --seed 1
  # a 1 GiB W8A8S checkpoint in 4 shards for benchmarks:
  scripts/make_synthetic_checkpoint.py /tmp/ckpt1g --target-bytes 1GiB --layers 8 --shards 4
  # a W16A16S variant:
  scripts/make_synthetic_checkpoint.py /tmp/w16 --format w16a16s --layers 2 --hidden 256
"""

import argparse
import hashlib
import json
import os
import re
import struct
import sys

import numpy as np

CHUNK_ELEMENTS = 1 << 24  # generation chunk: bounds memory, fixed so output is reproducible
TABLE_SIZE = 1 << 16      # values are drawn from a 65536-entry table by uniform uint16 index

DTYPE_NAMES = {
    np.dtype(np.int8): "I8", np.dtype(np.int32): "I32", np.dtype(np.int64): "I64",
    np.dtype(np.float16): "F16", np.dtype(np.float32): "F32",
}


def parse_bytes(text):
    """'1GiB', '512MiB', '4G' (binary), '1GB' (decimal), '123' -> int."""
    m = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*([KMGT]?)(i?B?)\s*", text, re.IGNORECASE)
    if not m:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (try 1GiB, 512MiB, 1000000)")
    value, unit, suffix = float(m.group(1)), m.group(2).upper(), m.group(3)
    power = "KMGT".index(unit) + 1 if unit else 0
    base = 1000 if suffix.upper() == "B" and unit else 1024
    return int(value * base ** power)


class Tensor:
    """One tensor of the plan: its name, dtype, shape, description type and generator."""

    def __init__(self, name, dtype, shape, qtype, make):
        self.name, self.dtype, self.shape, self.qtype = name, np.dtype(dtype), tuple(shape), qtype
        self.make = make  # make(rng, count) -> 1-D array of `count` elements

    @property
    def nbytes(self):
        return int(np.prod(self.shape, dtype=np.int64)) * self.dtype.itemsize


def tensor_rng(seed, name):
    """A generator that depends only on the seed and the tensor name."""
    digest = hashlib.sha256(name.encode()).digest()
    return np.random.default_rng([seed, int.from_bytes(digest[:8], "little")])


def sparse_table(rng, values, sparsity, pattern):
    """65536 values of which a `sparsity` fraction are zero: the smallest in magnitude
    (pattern 'magnitude', as pruning leaves them) or any (pattern 'random')."""
    zeros = int(round(sparsity * TABLE_SIZE))
    if pattern == "magnitude":
        order = np.argsort(np.abs(values.astype(np.float64)), kind="stable")
    else:
        order = rng.permutation(TABLE_SIZE)
    values[order[:zeros]] = 0
    return values


def int8_weight_maker(sigma, sparsity, pattern):
    def make(rng, count):
        table = np.clip(np.rint(rng.normal(0.0, sigma, TABLE_SIZE)), -128, 127).astype(np.int8)
        table = sparse_table(rng, table, sparsity, pattern)
        return (table[rng.integers(0, TABLE_SIZE, size=n, dtype=np.uint16)] for n in chunks(count))
    return make


def fp16_weight_maker(sigma, sparsity, pattern):
    def make(rng, count):
        table = rng.normal(0.0, sigma, TABLE_SIZE).astype(np.float16)
        table = sparse_table(rng, table, sparsity, pattern)
        return (table[rng.integers(0, TABLE_SIZE, size=n, dtype=np.uint16)] for n in chunks(count))
    return make


def dense_maker(dtype, fn):
    """A small or dense tensor: fn(rng, n) -> float64 array, cast to dtype, made in chunks."""
    def make(rng, count):
        return (fn(rng, n).astype(dtype) for n in chunks(count))
    return make


def chunks(count):
    while count > 0:
        n = min(count, CHUNK_ELEMENTS)
        yield n
        count -= n


def deq_scale_maker(weight_scale_of):
    """int64 whose low 32 bits are the float32 bits of input_scale * weight_scale."""
    def make(rng, count):
        scale = (weight_scale_of(count) * np.float32(0.05)).astype(np.float32)
        return iter([scale.view(np.uint32).astype(np.int64)])
    return make


def plan_model(a):
    fmt = a.format.upper()
    hidden, inter, heads, kv_heads = a.hidden, a.intermediate, a.heads, a.kv_heads
    head_dim = hidden // heads
    kv_dim = head_dim * kv_heads
    tensors = []

    def add(name, dtype, shape, qtype, make):
        tensors.append(Tensor(name, dtype, shape, qtype, make))

    def normal(scale, mean=0.0):
        return lambda rng, n: rng.normal(mean, scale, n)

    float_make = dense_maker(np.float16, normal(0.02))
    add("model.embed_tokens.weight", np.float16, (a.vocab, hidden), "FLOAT", float_make)
    for layer in range(a.layers):
        p = f"model.layers.{layer}."
        add(p + "input_layernorm.weight", np.float16, (hidden,), "FLOAT",
            dense_maker(np.float16, normal(0.05, 1.0)))
        linears = [("self_attn.q_proj", hidden, hidden), ("self_attn.k_proj", kv_dim, hidden),
                   ("self_attn.v_proj", kv_dim, hidden), ("self_attn.o_proj", hidden, hidden)]
        post = [("mlp.gate_proj", inter, hidden), ("mlp.up_proj", inter, hidden),
                ("mlp.down_proj", hidden, inter)]
        for i, (lin, out_f, in_f) in enumerate(linears + post):
            if i == len(linears):
                add(p + "post_attention_layernorm.weight", np.float16, (hidden,), "FLOAT",
                    dense_maker(np.float16, normal(0.05, 1.0)))
            x = p + lin
            if fmt == "W8A8S":
                add(x + ".weight", np.int8, (out_f, in_f), fmt,
                    int8_weight_maker(a.sigma, a.sparsity, a.pattern))
                # The scales are small: derive deq_scale from the same weight_scale draw by
                # re-seeding from weight_scale's name, so both stay consistent.
                ws_name = x + ".weight_scale"

                def ws(count, ws_name=ws_name):
                    r = tensor_rng(a.seed, ws_name)
                    return r.uniform(0.002, 0.02, count).astype(np.float32)

                add(ws_name, np.float32, (out_f, 1), fmt, lambda rng, n, ws=ws: iter([ws(n)]))
                add(x + ".weight_offset", np.float32, (out_f, 1), fmt,
                    lambda rng, n: iter([np.zeros(n, np.float32)]))
                add(x + ".deq_scale", np.int64, (out_f,), fmt, deq_scale_maker(ws))
                add(x + ".quant_bias", np.int32, (out_f,), fmt,
                    dense_maker(np.int32, lambda rng, n: rng.integers(-2000, 2000, n)))
                add(x + ".input_scale", np.float16, (1,), fmt,
                    dense_maker(np.float16, lambda rng, n: np.full(n, 0.05)))
                add(x + ".input_offset", np.float16, (1,), fmt,
                    dense_maker(np.float16, lambda rng, n: np.rint(rng.uniform(-8, 8, n))))
            else:
                add(x + ".weight", np.float16, (out_f, in_f), fmt,
                    fp16_weight_maker(a.sigma / 600.0, a.sparsity, a.pattern))
            if a.qkv_bias and lin in ("self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj"):
                add(x + ".bias", np.float16, (out_f,), fmt, dense_maker(np.float16, normal(0.01)))
    add("model.norm.weight", np.float32, (hidden,), "FLOAT",
        dense_maker(np.float32, normal(0.05, 1.0)))
    add("lm_head.weight", np.float16, (a.vocab, hidden), "FLOAT", float_make)
    return tensors


def round_up(x, m):
    return max(m, (x + m // 2) // m * m)


def fit_to_target(a):
    """Scale hidden (and intermediate, vocab) so that the checkpoint is close to
    --target-bytes, keeping --layers, the intermediate/hidden ratio and the head counts."""
    ratio = a.intermediate / a.hidden
    vocab_ratio = a.vocab / a.hidden
    best = None
    for hidden in range(128, 65536 + 1, 128):
        trial = argparse.Namespace(**vars(a))
        trial.hidden = hidden
        trial.intermediate = round_up(int(hidden * ratio), 64)
        trial.vocab = a.vocab if a.vocab_fixed else round_up(int(hidden * vocab_ratio), 64)
        size = sum(t.nbytes for t in plan_model(trial))
        if best is None or abs(size - a.target_bytes) < abs(best[0] - a.target_bytes):
            best = (size, trial)
        if size > a.target_bytes:
            break
    return best[1]


def safetensors_header(tensors):
    """Header bytes (length prefix included) and the tensors in data order."""
    ordered = sorted(tensors, key=lambda t: -t.dtype.itemsize)  # stable: keeps model order
    header = {"__metadata__": {"format": "pt"}}
    offset = 0
    for t in ordered:
        header[t.name] = {"dtype": DTYPE_NAMES[t.dtype], "shape": list(t.shape),
                          "data_offsets": [offset, offset + t.nbytes]}
        offset += t.nbytes
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text, ordered


def write_safetensors(path, tensors, seed):
    head, ordered = safetensors_header(tensors)
    with open(path, "wb") as f:
        f.write(head)
        for t in ordered:
            count = int(np.prod(t.shape, dtype=np.int64))
            written = 0
            for part in t.make(tensor_rng(seed, t.name), count):
                part = np.ascontiguousarray(part, dtype=t.dtype.newbyteorder("<"))
                f.write(part.tobytes())
                written += part.size
            assert written == count, (t.name, written, count)
    return os.path.getsize(path)


def split_shards(tensors, shards):
    """Consecutive groups (model order) of about equal bytes."""
    total = sum(t.nbytes for t in tensors)
    groups, current, acc = [], [], 0
    for t in tensors:
        current.append(t)
        acc += t.nbytes
        if acc >= total * (len(groups) + 1) / shards and len(groups) < shards - 1:
            groups.append(current)
            current = []
    groups.append(current)
    while len(groups) < shards:  # more shards than tensors can fill: empty shards are valid
        groups.append([])
    return groups


def main(argv=None):
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=__doc__[__doc__.index("Examples:"):],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out_dir", help="folder to write (created if missing)")
    ap.add_argument("--format", choices=["w8a8s", "w16a16s"], default="w8a8s")
    ap.add_argument("--layers", type=int, default=2, help="decoder layers (default 2)")
    ap.add_argument("--hidden", type=int, default=256, help="hidden size (default 256)")
    ap.add_argument("--intermediate", type=int, default=None,
                    help="MLP size (default 2.6875 x hidden rounded to 64, as LLaMA's 11008/4096)")
    ap.add_argument("--heads", type=int, default=8, help="attention heads (default 8)")
    ap.add_argument("--kv-heads", type=int, default=None,
                    help="key/value heads (default heads / 4, grouped-query attention)")
    ap.add_argument("--vocab", type=int, default=None, help="vocabulary (default 4 x hidden)")
    ap.add_argument("--qkv-bias", action="store_true", help="add q/k/v biases (Qwen-like)")
    ap.add_argument("--sparsity", type=float, default=0.5,
                    help="fraction of zeros in the quantized weights (default 0.5)")
    ap.add_argument("--pattern", choices=["magnitude", "random"], default="magnitude",
                    help="which weights are zero: the smallest (default) or random ones")
    ap.add_argument("--sigma", type=float, default=12.0,
                    help="standard deviation of int8 weights before sparsity (default 12)")
    ap.add_argument("--shards", type=int, default=1, help="number of safetensors files")
    ap.add_argument("--target-bytes", type=parse_bytes, default=None,
                    help="scale hidden/intermediate/vocab so the total is about this size "
                         "(1GiB, 4GiB, 512MiB, ...); keeps --layers")
    ap.add_argument("--seed", type=int, default=0, help="seed (default 0): same seed, same bytes")
    a = ap.parse_args(argv)

    if a.intermediate is None:
        a.intermediate = round_up(int(a.hidden * 2.6875), 64)
    if a.kv_heads is None:
        a.kv_heads = max(1, a.heads // 4)
    a.vocab_fixed = a.vocab is not None
    if a.vocab is None:
        a.vocab = 4 * a.hidden
    for name in ("layers", "hidden", "intermediate", "heads", "kv_heads", "vocab", "shards"):
        if getattr(a, name) < 1:
            ap.error(f"--{name.replace('_', '-')} must be at least 1")
    if a.hidden % a.heads or a.heads % a.kv_heads:
        ap.error("--hidden must be a multiple of --heads, and --heads of --kv-heads")
    if not 0.0 <= a.sparsity <= 1.0:
        ap.error("--sparsity must be between 0 and 1")
    if a.target_bytes is not None:
        a = fit_to_target(a)

    tensors = plan_model(a)
    os.makedirs(a.out_dir, exist_ok=True)
    fmt = a.format
    total = 0
    if a.shards == 1:
        total = write_safetensors(os.path.join(a.out_dir, f"quant_model_weight_{fmt}.safetensors"),
                                  tensors, a.seed)
    else:
        weight_map = {}
        groups = split_shards(tensors, a.shards)
        for i, group in enumerate(groups, 1):
            fname = f"model-{i:05d}-of-{a.shards:05d}.safetensors"
            total += write_safetensors(os.path.join(a.out_dir, fname), group, a.seed)
            weight_map.update({t.name: fname for t in group})
        index = {"metadata": {"total_size": sum(t.nbytes for t in tensors)},
                 "weight_map": weight_map}
        with open(os.path.join(a.out_dir, "model.safetensors.index.json"), "w") as f:
            json.dump(index, f, indent=2)
            f.write("\n")

    description = {"model_quant_type": fmt.upper()}
    description.update({t.name: t.qtype for t in tensors})
    with open(os.path.join(a.out_dir, f"quant_model_description_{fmt}.json"), "w") as f:
        json.dump(description, f, indent=2)
        f.write("\n")
    config = {"architectures": ["LlamaForCausalLM"], "model_type": "llama",
              "hidden_size": a.hidden, "intermediate_size": a.intermediate,
              "num_hidden_layers": a.layers, "num_attention_heads": a.heads,
              "num_key_value_heads": a.kv_heads, "vocab_size": a.vocab,
              "torch_dtype": "float16", "quantize": fmt,
              "synthetic": {"seed": a.seed, "sparsity": a.sparsity, "pattern": a.pattern,
                            "sigma": a.sigma, "qkv_bias": a.qkv_bias}}
    with open(os.path.join(a.out_dir, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
        f.write("\n")
    print(f"{a.out_dir}: {len(tensors)} tensors, {total} bytes in {a.shards} file(s); "
          f"layers {a.layers}, hidden {a.hidden}, intermediate {a.intermediate}, "
          f"vocab {a.vocab}, heads {a.heads}/{a.kv_heads}, {fmt}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
