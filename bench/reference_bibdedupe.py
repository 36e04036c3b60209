"""Run bib-dedupe (CoLRev, PyPI ``bib-dedupe``) on one labelled set; print its groups as JSON.

Usage (with an interpreter that has bib-dedupe installed, never the project's venv)::

    /tmp/bibdedupe-venv/bin/python bench/reference_bibdedupe.py rathbone_haematology

``bench/bench_dedup.py --reference-python PYTHON`` runs this once per set in a subprocess and
scores the groups with its own code, so both engines are measured the same way on the same
records. This script therefore scores nothing and imports nothing from the project (the other
interpreter has neither Django nor our dependencies).

Output, one JSON object on stdout::

    {"version": "0.11.0", "seconds": 1.9, "groups": [[1, 3], ...], "maybe": [[5, 9], ...]}

``groups``: bib-dedupe's automatic duplicate groups (``cluster`` of the pairs ``match`` labels
"duplicate"), ids as integers. ``maybe``: the pairs it labels "maybe" (its manual-review
queue). ``seconds``: wall time of ``prep`` + ``block`` + ``match`` + ``cluster``, the steps of
bib-dedupe's own evaluation script (``notebooks/evaluation.py`` in CoLRev-Environment/
bib-dedupe), reading excluded. bib-dedupe's default ``cpu=-1`` uses every core; it is left so,
as a user would run it.
"""

import codecs
import csv
import json
import os
import sys
import time
from importlib.metadata import version
from pathlib import Path

import pandas as pd
from bib_dedupe.bib_dedupe import block, cluster, match, prep
from bib_dedupe.constants.fields import DUPLICATE_LABEL, MAYBE

DATA = Path(__file__).resolve().parent / "data" / "dedup"


def _cp1252_fallback(error: UnicodeDecodeError) -> tuple[str, int]:
    # Same decoding as bench_dedup.py: the ASySD file mixes UTF-8 with Windows-1252 bytes.
    return error.object[error.start : error.start + 1].decode("cp1252", "replace"), error.start + 1


codecs.register_error("cp1252_fallback", _cp1252_fallback)


def load(name: str) -> pd.DataFrame:
    if name.startswith("rathbone_"):
        # Read as bib-dedupe's own benchmark read these very files (pd.read_csv, as is).
        return pd.read_csv(DATA / name / "records_pre_merged.csv")
    # ASySD Diabetes: bib-dedupe's column names; ``author`` is passed as the file has it
    # ("Adeli K.Lewis G. F."), since bib-dedupe splits run-together author lists itself.
    text = (DATA / "asysd_diabetes_labelled_test_set.csv").read_bytes()
    rows = csv.DictReader(text.decode("utf-8", "cp1252_fallback").splitlines(keepends=True))
    fields = ("title", "author", "year", "journal", "volume", "number", "pages", "doi", "abstract")
    return pd.DataFrame(
        [
            {"ID": row["record_id"], "ENTRYTYPE": "article", **{f: row[f] for f in fields}}
            for row in rows
        ]
    )


def _id(value: str) -> int:
    return int(str(value).removeprefix("id_"))


def main() -> None:
    records = load(sys.argv[1])
    # bib-dedupe prints progress on stdout, from its worker processes too: point file
    # descriptor 1 at stderr while it runs, so stdout carries only the JSON.
    stdout = os.dup(1)
    os.dup2(2, 1)
    start = time.perf_counter()
    matched = match(block(prep(records)))
    groups = cluster(matched)
    seconds = time.perf_counter() - start
    sys.stdout.flush()
    os.dup2(stdout, 1)
    maybe = matched[matched[DUPLICATE_LABEL] == MAYBE]
    result = {
        "version": version("bib-dedupe"),
        "seconds": seconds,
        "groups": [sorted(_id(i) for i in g) for g in groups],
        "maybe": [
            sorted((_id(a), _id(b))) for a, b in zip(maybe["ID_1"], maybe["ID_2"], strict=True)
        ],
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
