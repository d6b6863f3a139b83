"""Plot loss / lr / metric curves of training runs, or summarise their best and last values.

    python tools/analysis/analyze_logs.py work_dirs/run/20250101_000000/vis_data/scalars.json \
        --keys loss coco/AP --out curves.png
    python tools/analysis/analyze_logs.py a/scalars.json b/scalars.json --keys loss \
        --legend baseline moe --out compare.png
    python tools/analysis/analyze_logs.py run/scalars.json --keys loss lr coco/AP --summary

The logs are mmengine's scalar logs (one JSON object per line). Training lines carry ``iter``
and ``step`` = the global iteration; validation lines carry only ``step``, which is the epoch
in epoch-based runs. Each key gets its own panel; several logs are overlaid.
"""
import argparse
import io
import json
import math
import os
import os.path as osp

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the headless backend)

from mmpose.checkpoint import atomic_write_bytes  # noqa: E402
from mmpose.utils import run_cli  # noqa: E402

# keys where lower is better; everything else (AP, AR, PCK, AUC, ...) is higher-is-better
_LOWER_BETTER = ('loss', 'epe', 'time', 'memory', 'grad_norm')


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('logs', nargs='+', help='scalars.json files (vis_data/scalars.json)')
    p.add_argument('--keys', nargs='+', default=['loss'], help='scalars to plot / summarise')
    p.add_argument('--legend', nargs='+', help='one label per log (default: the run folder)')
    p.add_argument('--out', help='output PNG')
    p.add_argument('--title', help='figure title')
    p.add_argument('--summary', action='store_true', help='print best and last value per key')
    return p.parse_args()


def load_scalars(path: str) -> list[dict]:
    """The records of one scalar log."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'log not found: {path!r}')
    records = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                raise ValueError(f'{path}:{n} is not a JSON object; expected mmengine '
                                 'vis_data/scalars.json (one JSON object per line)') from None
            if isinstance(rec, dict) and 'step' in rec:
                records.append(rec)
    if not records:
        raise ValueError(f'{path!r} holds no scalar records (lines with "step")')
    return records


def series(records: list[dict], key: str) -> tuple[list[float], list[float], str]:
    """(x, y, x label) of ``key``; training records win when a key is in both phases."""
    train = [r for r in records if key in r and 'iter' in r]
    picked = train or [r for r in records if key in r]
    by_epoch = any('epoch' in r for r in records)
    label = 'iter' if train or not by_epoch else 'epoch'
    values = [(r['step'], float(r[key])) for r in picked if isinstance(r[key], (int, float))]
    return [x for x, _ in values], [y for _, y in values], label


def run_label(path: str) -> str:
    """``work_dirs/<run>/<timestamp>/vis_data/scalars.json`` -> ``<run>/<timestamp>``."""
    parts = osp.normpath(osp.abspath(path)).split(os.sep)
    if len(parts) >= 4 and parts[-2] == 'vis_data':
        return f'{parts[-4]}/{parts[-3]}'
    return osp.basename(path)


def check_keys(logs: dict[str, list[dict]], keys: list[str]) -> None:
    for key in keys:
        if not any(key in r for recs in logs.values() for r in recs):
            available = sorted({k for recs in logs.values() for r in recs for k in r} - {'step'})
            raise KeyError(f'key {key!r} is in none of the logs; available: {available}')


def plot(logs: dict[str, list[dict]], keys: list[str], out: str, title: str | None) -> None:
    fig, axes = plt.subplots(len(keys), 1, figsize=(8, 3 * len(keys)), squeeze=False)
    for ax, key in zip(axes[:, 0], keys):
        for label, records in logs.items():
            x, y, xlabel = series(records, key)
            if x:
                ax.plot(x, y, label=label, marker='o' if len(x) < 30 else None, markersize=3)
                ax.set_xlabel(xlabel)
        ax.set_ylabel(key)
        ax.grid(alpha=0.3)
        if key.startswith('loss') or key == 'lr':
            ys = [v for recs in logs.values() for v in series(recs, key)[1]]
            if ys and min(ys) > 0 and max(ys) / min(ys) > 100:
                ax.set_yscale('log')
        if len(logs) > 1:
            ax.legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    buf = io.BytesIO()
    try:
        fig.savefig(buf, format='png', dpi=100)
    finally:
        plt.close(fig)
    atomic_write_bytes(buf.getvalue(), out)


def summary(logs: dict[str, list[dict]], keys: list[str]) -> None:
    for label, records in logs.items():
        print(label)
        for key in keys:
            x, y, xlabel = series(records, key)
            if not y:
                print(f'  {key:<24} (not in this log)')
                continue
            line = f'  {key:<24} last={y[-1]:.6g} ({xlabel} {x[-1]})'
            if key != 'lr':
                lower = any(t in key.lower() for t in _LOWER_BETTER)
                finite = [(v, s) for v, s in zip(y, x) if math.isfinite(v)]
                if finite:
                    best, at = (min if lower else max)(finite, key=lambda t: t[0])
                    line += f'  best={best:.6g} ({xlabel} {at}, {"min" if lower else "max"})'
            else:
                line += f'  min={min(y):.6g}  max={max(y):.6g}'
            print(line)


def main() -> None:
    args = parse_args()
    if not args.out and not args.summary:
        raise ValueError('nothing to do: give --out PNG and/or --summary')
    if args.legend and len(args.legend) != len(args.logs):
        raise ValueError(f'--legend has {len(args.legend)} labels for {len(args.logs)} logs')
    labels = args.legend or [run_label(p) for p in args.logs]
    if len(set(labels)) != len(labels):
        labels = [f'{i}: {lab}' for i, lab in enumerate(labels)]
    logs = {label: load_scalars(path) for label, path in zip(labels, args.logs)}
    check_keys(logs, args.keys)
    if args.out:
        plot(logs, args.keys, args.out, args.title)
        print(f'curves of {args.keys} -> {args.out}')
    if args.summary:
        summary(logs, args.keys)


if __name__ == '__main__':
    run_cli(main)
