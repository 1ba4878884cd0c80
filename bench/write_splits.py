import csv, sys
from pathlib import Path
from bot.reading.corpus import load_corpus, assign_splits, read_splits
root = Path("data/corpus")
examples = load_corpus(root / "raw")
path = root / "splits.csv"
old = read_splits(path) if path.exists() else {}
new = assign_splits(examples)
for i, s in old.items():  # a row's split never changes once written
    assert new.get(i, s) == s, i
merged = {**new, **old}
with path.open("w", newline="", encoding="utf-8") as f:
    w = csv.writer(f); w.writerow(["id", "split"])
    for i in sorted(merged): w.writerow([i, merged[i]])
from collections import Counter
print(Counter(merged.values()))
