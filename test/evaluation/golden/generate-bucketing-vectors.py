#!/usr/bin/env python3
"""Golden bucketing vectors for test/evaluation/bucketing.test.ts.

Written in Python (hashlib + integer arithmetic) on purpose: it shares no code,
no runtime and no md5 binding with the TypeScript implementation, so an error in
one is not repeated in the other. It follows SPEC 2 literally:

  h = int(md5(flagKey + ':' + bucketKey).hexdigest()[:8], 16)
  rollout in  iff  h % 100 < w  or  (h % 100 == w and (h // 100) % 100 < f)
                   with percentage = w + f/100 (f in hundredths, 0..99)
  variants: vh = int(md5(flagKey + ':' + bucketKey + ':variant').hexdigest()[:8], 16),
            b = vh % 100, first variant whose running weight sum exceeds b, else the first.

Percentages are written as integer hundredths here (1225 = 12.25%) so the
generator does no floating point in the rollout test.

Run: python3 test/evaluation/golden/generate-bucketing-vectors.py
and paste the output into the GOLDEN table of bucketing.test.ts.
"""
import hashlib
import json

def h32(s: str) -> int:
    return int(hashlib.md5(s.encode("utf-8")).hexdigest()[:8], 16)


# (flagKey, bucketKey): the bucketKey is what the seed's
# `user?.id || tenant?.id || 'anonymous'` yields for the contexts in the test.
PAIRS = [
    ("new-orchestrator-v2", "user-1"),
    ("new-orchestrator-v2", "user-2"),
    ("new-orchestrator-v2", "user-3"),
    ("new-orchestrator-v2", "user-42"),
    ("new-orchestrator-v2", "tenant-beta-1"),
    ("new-orchestrator-v2", "tenant-acme"),
    ("new-orchestrator-v2", "anonymous"),
    ("self-evolution-enabled", "user-1"),
    ("self-evolution-enabled", "tenant-acme"),
    ("self-evolution-enabled", "anonymous"),
    ("parallel-agents-limit", "user-1"),
    ("parallel-agents-limit", "42"),
    ("model-provider", "user-1"),
    ("model-provider", "anonymous"),
    ("checkout-redesign", "u-0001"),
    ("checkout-redesign", "u-0002"),
    ("checkout-redesign", "u-0003"),
    ("checkout-redesign", "u-0004"),
    ("checkout-redesign", "u-0005"),
    ("checkout-redesign", "jos\u00e9"),
    ("checkout-redesign", "\u7528\u6237-7"),
    ("checkout-redesign", "tenant-only-9"),
    ("checkout-redesign", "anonymous"),
    ("pricing.v2", "alice@example.com"),
    ("pricing.v2", "bob@example.com"),
    ("pricing.v2", "carol@example.com"),
    ("pricing.v2", "0"),
    ("a", "b"),
    ("A_b-c.d", "user:with:colons"),
    ("search-ranking", "1234567890"),
]

# Contexts that land exactly in the partly-included bucket h % 100 == w of a
# fractional percentage, on each side of the hundredths cut: the first
# "edge-N" id (N = 0, 1, 2, ...) with that property, so the choice is reproducible.
EDGE_FLAG = "checkout-redesign"
EDGE_CASES = [(50, True), (50, False), (1225, True), (1225, False), (9999, True), (9999, False), (3333, True)]


def find_edge(hundredths: int, inside: bool) -> str:
    w, f = divmod(hundredths, 100)
    n = 0
    while True:
        h = h32(f"{EDGE_FLAG}:edge-{n}")
        if h % 100 == w and (((h // 100) % 100 < f) == inside):
            return f"edge-{n}"
        n += 1


# Percentages in hundredths.
PERCENTAGES = [50, 1000, 1225, 5000, 9999, 10000, 0, 3333]

WEIGHT_SETS = {
    "50/50": [50, 50],
    "10/20/70": [10, 20, 70],
    "33.33/33.33/33.34": [33.33, 33.33, 33.34],
}


def in_rollout(h: int, hundredths: int) -> bool:
    w, f = divmod(hundredths, 100)
    b = h % 100
    return b < w or (b == w and (h // 100) % 100 < f)


def pick(vh: int, weights) -> int:
    b = vh % 100
    total = 0.0
    for i, w in enumerate(weights):
        total += w
        if b < total:
            return i
    return 0


PAIRS += [(EDGE_FLAG, find_edge(p, inside)) for p, inside in EDGE_CASES]

rows = []
for flag, bucket in PAIRS:
    h = h32(f"{flag}:{bucket}")
    vh = h32(f"{flag}:{bucket}:variant")
    rows.append({
        "flagKey": flag,
        "bucketKey": bucket,
        "hex8": hashlib.md5(f"{flag}:{bucket}".encode("utf-8")).hexdigest()[:8],
        "h": h,
        "bucket": h % 100,
        "hundredths": (h // 100) % 100,
        "inRollout": {f"{p / 100:g}": in_rollout(h, p) for p in PERCENTAGES},
        "variantH": vh,
        "variantBucket": vh % 100,
        "variantIndex": {name: pick(vh, ws) for name, ws in WEIGHT_SETS.items()},
    })

for r in rows:
    print("  " + json.dumps(r, ensure_ascii=True) + ",")
