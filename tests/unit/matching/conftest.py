"""A tiny synthetic benchmark folder in the Magellan layout, quick to fit on."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest

BRANDS = ["acme", "globex", "initech", "umbrella", "hooli", "stark"]
KINDS = ["usb flash drive", "wireless mouse", "laser toner cartridge", "hdmi cable", "bluetooth speaker"]
COLOURS = ["black", "white", "red", "blue"]


def _products(rng: random.Random) -> list[dict[str, str]]:
    products = []
    for i in range(60):
        brand = BRANDS[i % len(BRANDS)]
        kind = KINDS[(i // len(BRANDS)) % len(KINDS)]
        model = f"{brand[:2]}{100 + i}{rng.choice('xyz')}"
        products.append(
            {
                "brand": brand,
                "kind": kind,
                "model": model,
                "colour": rng.choice(COLOURS),
                "size": str(rng.choice([8, 16, 32, 64])),
                "price": f"{rng.uniform(5, 200):.2f}",
            }
        )
    return products


def write_dataset(directory: Path, seed: int = 7) -> Path:
    """tableA/tableB (walmart-like columns on A, abt-like on B) and train/valid/test pairs."""
    rng = random.Random(seed)
    products = _products(rng)
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / "tableA.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "title", "category", "brand", "modelno", "price", "unknown_column"])
        for i, p in enumerate(products):
            w.writerow([i, f"{p['brand']} {p['kind']} {p['size']}gb {p['colour']}", "electronics", p["brand"],
                        p["model"], p["price"], "ignored"])  # fmt: skip
    with (directory / "tableB.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "name", "description", "price"])
        for i, p in enumerate(products):
            price = f"${float(p['price']) * rng.uniform(0.85, 1.15):.2f}" if i % 3 else ""
            w.writerow([i, f"{p['brand']} {p['colour']} {p['size']} gb {p['kind']} {p['model'].upper()}", "", price])
    pairs = []
    for i in range(len(products)):
        pairs.append((i, i, 1))
        for j in rng.sample([j for j in range(len(products)) if j != i], 3):
            pairs.append((i, j, 0))
    rng.shuffle(pairs)
    split = {"train": pairs[:120], "valid": pairs[120:180], "test": pairs[180:]}
    for name, rows in split.items():
        with (directory / f"{name}.csv").open("w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["ltable_id", "rtable_id", "label"])
            w.writerows(rows)
    return directory


@pytest.fixture(scope="session")
def tiny_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_dataset(tmp_path_factory.mktemp("magellan") / "tiny")
