"""``asinflow match fit|eval|bench``: fit the duplicate matcher on a benchmark folder, measure it, time it."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Literal

import click
from asinflow_duplicate_matching.domain.magellan import DatasetError, MagellanDataset
from asinflow_duplicate_matching.domain.matcher import Matcher, ModelFileError
from asinflow_duplicate_matching.domain.training import evaluate, fit

PROCEDURES: dict[str, Literal["pooled", "valid", "cv"]] = {"pooled": "pooled", "valid": "valid", "cv": "cv"}


@click.group("match")
def match_group() -> None:
    """The duplicate matcher: fit it on a Magellan-layout benchmark folder and measure it."""


@match_group.command("fit")
@click.argument("dataset_dir", type=click.Path(path_type=Path))
@click.option(
    "--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Model file to write."
)
@click.option(
    "--threshold-from",
    type=click.Choice(["pooled", "valid", "cv"]),
    default="pooled",
    show_default=True,
    help="pooled: weights on train.csv + valid.csv, threshold by 5-fold cross-validation on them; "
    "valid: weights on train.csv, threshold on valid.csv; cv: weights on train.csv, threshold by "
    "cross-validation on train.csv (valid.csv stays held out).",
)
@click.option("--seed", type=int, default=0, show_default=True)
def fit_command(dataset_dir: Path, out: Path, threshold_from: str, seed: int) -> None:
    """Learn on DATASET_DIR/train.csv (and valid.csv), choose the threshold, write the model to --out."""
    started = time.perf_counter()
    try:
        matcher = fit(dataset_dir, threshold_from=PROCEDURES[threshold_from], seed=seed)
        matcher.save(out)
    except (DatasetError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    except ValueError as exc:
        raise click.ClickException(f"cannot fit on {dataset_dir}: {exc}") from exc
    info = matcher.info
    click.echo(f"threshold {matcher.threshold:.4f} (from {threshold_from})")
    if info.get("cv_f1") is not None:
        click.echo(f"cross-validated F1 {info['cv_f1'] * 100:.1f} (out-of-fold, labelled pairs fitted on)")
    held_out = {"pooled": " (not held out: fitted on)", "valid": " (the threshold was chosen on it)", "cv": ""}[
        threshold_from
    ]
    click.echo(
        f"valid F1 {info['valid_f1'] * 100:.1f}  precision {info['valid_precision'] * 100:.1f}  "
        f"recall {info['valid_recall'] * 100:.1f}  ({info['valid_pairs']} pairs){held_out}"
    )
    click.echo(f"wrote {out} ({out.stat().st_size / 1024:.0f} KiB) in {time.perf_counter() - started:.1f} s")


@match_group.command("eval")
@click.argument("dataset_dir", type=click.Path(path_type=Path))
@click.option(
    "--pairs", "pairs", required=True, help="Labelled pairs: a path, or a file name in DATASET_DIR (test.csv)."
)
@click.option(
    "--model",
    "model",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Model file (default: the shipped model, fitted on walmart_amazon).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def eval_command(dataset_dir: Path, pairs: str, model: Path | None, as_json: bool) -> None:
    """Precision, recall, F1 and top-1 accuracy of a model on labelled pairs."""
    try:
        matcher = Matcher.load(model) if model is not None else Matcher.default()
        result: dict[str, Any] = evaluate(matcher, dataset_dir, pairs)
    except (DatasetError, ModelFileError) as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(result))
        return
    click.echo(f"pairs      {result['pairs']} ({result['positives']} matching)")
    click.echo(f"threshold  {result['threshold']:.4f}")
    click.echo(f"precision  {result['precision'] * 100:.1f}")
    click.echo(f"recall     {result['recall'] * 100:.1f}")
    click.echo(f"F1         {result['f1'] * 100:.1f}")
    click.echo(f"top-1      {result['top1_accuracy'] * 100:.1f} ({result['top1_records']} records with a true match)")


@match_group.command("bench")
@click.argument("dataset_dir", type=click.Path(path_type=Path))
@click.option("--pairs", default="test.csv", show_default=True, help="Pairs to time (path or name in DATASET_DIR).")
@click.option("--model", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Default: shipped model.")
@click.option("--batch", type=int, default=50, show_default=True, help="Candidates per record in the batched timing.")
def bench_command(dataset_dir: Path, pairs: str, model: Path | None, batch: int) -> None:
    """Time the matcher: µs to prepare a record, to score a pair (alone and in batches), to explain one."""
    try:
        matcher = Matcher.load(model) if model is not None else Matcher.default()
        data = MagellanDataset.load(dataset_dir)
        labelled = data.pairs(pairs)
    except (DatasetError, ModelFileError) as exc:
        raise click.ClickException(str(exc)) from exc
    if not labelled:
        raise click.ClickException(f"{pairs}: no pairs to time")
    products = [(data.left[p.left], data.right[p.right]) for p in labelled]

    def per_item(started: float, count: int) -> float:
        return (time.perf_counter() - started) / count * 1e6

    started = time.perf_counter()
    prepared = [(matcher.prepare(a), matcher.prepare(b)) for a, b in products]
    prepare_us = per_item(started, 2 * len(products))

    started = time.perf_counter()
    scores = [matcher.score_prepared(a, b) for a, b in prepared]
    single_us = per_item(started, len(prepared))

    started = time.perf_counter()
    for score in scores:
        _ = score.evidence
    explain_us = per_item(started, len(scores))

    rights = [b for _, b in prepared]
    groups = [(a, [rights[(i + k) % len(rights)] for k in range(batch)]) for i, (a, _) in enumerate(prepared[:200])]
    started = time.perf_counter()
    for a, candidates in groups:
        matcher.score_many(a, candidates)
    batch_us = per_item(started, len(groups) * batch)

    started = time.perf_counter()
    matcher.probabilities(prepared)
    bulk_us = per_item(started, len(prepared))

    click.echo(f"pairs                          {len(prepared)}")
    click.echo(f"prepare, per record            {prepare_us:8.1f} µs")
    click.echo(f"score_prepared, one pair       {single_us:8.1f} µs/pair")
    click.echo(f"score_many, {batch:3d} candidates    {batch_us:8.1f} µs/pair")
    click.echo(f"probabilities, bulk            {bulk_us:8.1f} µs/pair")
    click.echo(f"evidence (first read)          {explain_us:8.1f} µs/pair")
