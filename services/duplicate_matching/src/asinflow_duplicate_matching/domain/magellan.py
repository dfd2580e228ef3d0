"""Reading a benchmark folder in the Magellan/DeepMatcher layout.

``tableA.csv`` and ``tableB.csv`` hold the records (first column ``id``); pair files such as
``train.csv`` hold ``ltable_id,rtable_id,label`` (1 = same product).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from asinflow_duplicate_matching.domain.product import Product

PAIR_COLUMNS = ("ltable_id", "rtable_id", "label")


class DatasetError(ValueError):
    """A benchmark folder or file that cannot be read as the Magellan layout."""


@dataclass(frozen=True)
class LabelledPair:
    left: str
    right: str
    label: int  # 1 = same product


@dataclass(frozen=True)
class MagellanDataset:
    directory: Path
    left: dict[str, Product]  # tableA by id
    right: dict[str, Product]  # tableB by id

    @property
    def name(self) -> str:
        return self.directory.name

    @classmethod
    def load(cls, directory: str | Path) -> MagellanDataset:
        path = Path(directory)
        if not path.is_dir():
            raise DatasetError(f"{path}: no such dataset folder")
        return cls(path, read_records(path / "tableA.csv"), read_records(path / "tableB.csv"))

    def pairs(self, pairs_csv: str | Path) -> list[LabelledPair]:
        """Labelled pairs from a path, or from a file name inside the folder ("test.csv")."""
        path = Path(pairs_csv)
        if not path.exists():
            inside = self.directory / path
            if not inside.exists():
                raise DatasetError(f"{pairs_csv}: no such file, neither as given nor in {self.directory}")
            path = inside
        pairs = read_pairs(path)
        for p in pairs:
            if p.left not in self.left or p.right not in self.right:
                raise DatasetError(f"{path}: pair ({p.left}, {p.right}) names a record missing from the tables")
        return pairs


def read_records(path: Path) -> dict[str, Product]:
    columns, rows = _read(path)
    if "id" not in columns:
        raise DatasetError(f"{path}: no 'id' column")
    return {row.get("id", "").strip(): Product.from_row(row) for row in rows}


def read_pairs(path: Path) -> list[LabelledPair]:
    columns, rows = _read(path)
    missing = [c for c in PAIR_COLUMNS if c not in columns]
    if missing:
        raise DatasetError(f"{path}: missing column(s) {', '.join(missing)}")
    pairs = []
    for line, row in enumerate(rows, start=2):
        label = row.get("label", "").strip()
        if label not in {"0", "1"}:
            raise DatasetError(f"{path}, line {line}: label {label!r} is not 0 or 1")
        pairs.append(LabelledPair(row.get("ltable_id", "").strip(), row.get("rtable_id", "").strip(), int(label)))
    return pairs


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Column names (lower-case) and rows of a CSV file."""
    if not path.is_file():
        raise DatasetError(f"{path}: no such file")
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f)
            header = next(reader, None)
            if header is None:
                raise DatasetError(f"{path}: empty file")
            columns = [h.strip().lower() for h in header]
            rows = [dict(zip(columns, values, strict=False)) for values in reader if values]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise DatasetError(f"{path}: {exc}") from exc
    return columns, rows
