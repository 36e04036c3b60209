import csv
import json
from pathlib import Path

import numpy as np
from django.core.management.base import BaseCommand, CommandError

from screening import ranking
from screening.simulation import simulate

LABEL_COLUMNS = ("label_included", "label")


def read_dataset(path: Path) -> tuple[list[str], np.ndarray]:
    """Texts (title, abstract and keywords when there is such a column) and 0/1 labels, or a
    CommandError naming the file, the row and the column at fault."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            columns = reader.fieldnames or []
            label = next((c for c in LABEL_COLUMNS if c in columns), None)
            missing = [c for c in ("title", "abstract") if c not in columns]
            if missing or label is None:
                wanted = missing + ([] if label else ["label_included or label"])
                raise CommandError(f"{path}: no column {', '.join(wanted)}.")
            texts, labels = [], []
            for line, row in enumerate(reader, start=2):
                value = (row[label] or "").strip()
                if value not in ("0", "1"):
                    raise CommandError(
                        f"{path}, line {line}: {label} is {value!r}; it must be 1 (included) or 0."
                    )
                parts = [row["title"] or "", row["abstract"] or "", row.get("keywords") or ""]
                texts.append(" ".join(parts))
                labels.append(int(value))
    except OSError as exc:
        raise CommandError(f"{path}: {exc.strerror}.") from None
    except UnicodeDecodeError:
        raise CommandError(f"{path}: not UTF-8 text.") from None
    return texts, np.array(labels, dtype=int)


class Command(BaseCommand):
    help = (
        "Replay a labelled data set (CSV: title, abstract, label_included or label, 1 = "
        "included) through the app's relevance ranking and retraining schedule, from one "
        "include and one exclude per seed: WSS@95, recall at 10/25/50% screened, records to "
        "95% and 100%, and where the stopping criterion said stop and the recall reached there."
    )

    def add_arguments(self, parser):
        parser.add_argument("dataset", type=Path)
        parser.add_argument(
            "--model", choices=ranking.CLASSIFIERS, default=ranking.DEFAULT_CLASSIFIER
        )
        parser.add_argument("--seeds", type=int, default=10)
        parser.add_argument("--target", type=float, default=0.95, help="Recall target.")
        parser.add_argument(
            "--confidence", type=float, default=0.95, help="The stopping test's confidence."
        )
        parser.add_argument("--json", action="store_true", help="Print a JSON object.")

    def handle(self, *args, dataset: Path, model: str, seeds: int, target: float, **options):
        confidence = options["confidence"]
        if seeds < 1:
            raise CommandError("--seeds must be at least 1.")
        if not (0 < target < 1 and 0 < confidence < 1):
            raise CommandError("--target and --confidence must lie between 0 and 1.")
        texts, y = read_dataset(dataset)
        try:
            result = simulate(
                texts, y, classifier=model, seeds=seeds, target=target, confidence=confidence
            )
        except ValueError as exc:
            raise CommandError(f"{dataset}: {exc}") from None
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=2))
            return
        m = result["mean"]
        stop = "never" if m["stop_at"] is None else f"after {m['stop_at']:,.0f} records"
        self.stdout.write(
            f"{result['records']:,} records, {result['includes']} includes, {model}, "
            f"{seeds} seeds: WSS@95 {m['wss95']:.3f}; recall at 10/25/50% "
            f"{m['recall_10']:.3f}/{m['recall_25']:.3f}/{m['recall_50']:.3f}; 95% after "
            f"{m['n95']:,.0f} records, 100% after {m['n100']:,.0f}. Stopping ({target:.0%} "
            f"recall, {confidence:.0%} confidence): stopped in {m['runs_stopped']} of {seeds} "
            f"runs, on average {stop}; recall there {m['recall_at_stop']:.3f}; target met "
            f"in {m['share_target_met']:.0%} of runs."
        )
