#!/bin/bash
# More ranks than tensors: idle ranks take part in every collective and the run succeeds; the
# output is the same as with one rank. Also names with '/' and '%' (escaped in HDF5 links).
source "$(dirname "$0")/lib.sh"

"$PYTHON" - "$WORK/tiny.safetensors" <<'PY'
import json, struct, sys
import numpy as np
rng = np.random.default_rng(5)
w = rng.integers(-8, 8, size=(48, 96), dtype=np.int8)
w[rng.random(w.shape) < 0.5] = 0
tensors = {"enc/layer.weight": w, "100%.scale": np.arange(4, dtype=np.float32)}
header, data = {}, b""
for name, array in tensors.items():
    raw = array.tobytes()
    header[name] = {"dtype": {"int8": "I8", "float32": "F32"}[str(array.dtype)],
                    "shape": list(array.shape), "data_offsets": [len(data), len(data) + len(raw)]}
    data += raw
text = json.dumps(header).encode()
text += b" " * (-len(text) % 8)
with open(sys.argv[1], "wb") as out:
    out.write(struct.pack("<Q", len(text)) + text + data)
PY
for n in 1 4; do
    run_ranks "$n" --input "$WORK/tiny.safetensors" --output "$WORK/n$n.h5" --quiet ||
        fail "$n ranks on 2 tensors exited with $?"
done
same_data "$WORK/n1.h5" "$WORK/n4.h5"
"$CHECK_OUTPUT" "$WORK/n4.h5" "$WORK/tiny.safetensors" || fail "check_output"
h5ls -r "$WORK/n4.h5" | grep -q '/weight/enc%2Flayer.weight' || fail "'/' not escaped"
h5ls -r "$WORK/n4.h5" | grep -q '/passthrough/100%25.scale' || fail "'%' not escaped"
echo "PASS"
