# Test vectors for mropePositions' Qwen2.5-VL video time index (test/vl-positions.test.ts,
# "the time index of fractional secondsPerGrid"), computed with torch in the order of Hugging Face
# get_rope_index (transformers models/qwen2_5_vl, written for this test, not copied): text
# positions arange + start, then per video t_index = (arange(t).view(-1, 1).expand(-1, h·w) ·
# second_per_grid_t · tokens_per_second).long(), where second_per_grid_t is an element of the
# processor's second_per_grid_ts tensor (float32), plus text_len + start; rope_deltas =
# max + 1 − length. The float64 product is printed beside it: both agree on these cases.
# Usage: /usr/bin/python3 scripts/vl-time-vectors.py
import json
import torch

MERGE = 2


def positions(segments, tps, dtype):
    """segments: ('text', n) | ('video', (t, h, w), spg), one unpadded sequence."""
    parts = []
    for seg in segments:
        st = parts[-1].max() + 1 if parts else 0
        if seg[0] == 'text':
            parts.append(torch.arange(seg[1]).view(1, -1).expand(3, -1) + st)
            continue
        (t, h, w), spg = seg[1], seg[2]
        gh, gw = h // MERGE, w // MERGE
        rng = torch.arange(t).view(-1, 1).expand(-1, gh * gw)
        time = (rng * torch.tensor(spg, dtype=dtype) * tps).long().flatten()
        hi = torch.arange(gh).view(1, -1, 1).expand(t, -1, gw).flatten()
        wi = torch.arange(gw).view(1, 1, -1).expand(t, gh, -1).flatten()
        parts.append(torch.stack([time, hi, wi]) + st)
    pos = torch.cat(parts, dim=1)
    return pos.flatten().tolist(), int(pos.max() + 1 - pos.shape[1])


cases = []
for spg, tps, label in [(0.5, 2, '0.5'), (0.75, 2, '0.75'), (1 / 3, 2, '1 / 3'), (2 / 3, 3, '2 / 3'), (0.4, 25, '0.4'), (1.5, 1, '1.5')]:
    segs = [('text', 3), ('video', (6, 2, 2), spg), ('text', 2)]
    p32, d32 = positions(segs, tps, torch.float32)
    p64, d64 = positions(segs, tps, torch.float64)
    assert (p32, d32) == (p64, d64), (spg, tps)
    cases.append((label, tps, p32, d32))
for label, tps, p, d in cases:
    print(f'  [{label}, {tps}, {json.dumps(p).replace(" ", "")}, {d}],')
