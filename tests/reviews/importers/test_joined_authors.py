"""Authors joined with " and " are split into one author each, in every reader whose author
field can hold several; corporate names and particles are never split (issue #19)."""

from pathlib import Path

import pytest

from reviews.importers import cnki, endnote_refer, generic_csv, ris
from reviews.importers.decoding import numbered_lines
from reviews.importers.normalise import split_joined_names

GENERIC = Path(__file__).resolve().parents[2] / "fixtures" / "imports" / "generic_csv"


def lines_of(text: str):
    return enumerate(text.split("\n"), start=1)


@pytest.mark.parametrize(
    ("field", "authors"),
    [
        ("Surname, I and Other, J", ["Surname, I", "Other, J"]),
        ("Zuber, J and Le Quintrec, M", ["Zuber, J", "Le Quintrec, M"]),
        ("van der Berg, J and de la Cruz, M", ["van der Berg, J", "de la Cruz, M"]),
        ("Johnson and Johnson Research Group", ["Johnson and Johnson Research Group"]),
        (
            "Smith, J and Johnson and Johnson Research Group",
            ["Smith, J", "Johnson and Johnson Research Group"],
        ),
        ("Anderson, K", ["Anderson, K"]),
        ("Randall, A", ["Randall, A"]),
        ("Procter and Gamble", ["Procter and Gamble"]),
    ],
)
def test_split_joined_names(field, authors):
    assert split_joined_names([field]) == authors


def test_ris_au_line_with_joined_authors():
    text = (
        "TY  - JOUR\nTI  - One\nAU  - Zuber, J and Le Quintrec, M\n"
        "AU  - Johnson and Johnson Research Group\nER  - \n"
    )
    (record,) = ris.parse(lines_of(text))
    assert record.authors == ["Zuber, J", "Le Quintrec, M", "Johnson and Johnson Research Group"]


def test_endnote_refer_with_joined_authors():
    text = (
        "%0 Journal Article\n%T One\n%A van der Berg, J and Smith, A\n"
        "%A Johnson and Johnson Research Group\n"
    )
    (record,) = endnote_refer.parse(lines_of(text))
    assert record.authors == ["van der Berg, J", "Smith, A", "Johnson and Johnson Research Group"]


def test_csv_with_joined_authors_real_rathbone_rows():
    path = GENERIC / "rathbone_cytology_and_joined_authors.csv"
    first, second = generic_csv.parse(numbered_lines(path, "utf-8"))
    assert first.authors == ["Solomon, D", "Schiffman, M", "Tarone, R", "-ALTS-Study-group"]
    assert len(second.authors) > 20
    assert "Downs Jr., L S" in second.authors


def test_csv_real_haematology_rows_keep_particles():
    path = GENERIC / "rathbone_haematology_two_untitled.csv"
    first = next(iter(generic_csv.parse(numbered_lines(path, "utf-8"))))
    assert first.authors == [
        "Zuber, J",
        "Le Quintrec, M",
        "Sberro-Soussan, R",
        "Loirat, C",
        "Fremeaux-Bacchi, V",
        "Legendre, C",
    ]


def test_csv_corporate_author_alone_is_kept_whole():
    text = "Title,Author\nOne,Johnson and Johnson Research Group\n"
    (record,) = generic_csv.parse(lines_of(text))
    assert record.authors == ["Johnson and Johnson Research Group"]


def test_semicolon_lists_are_unchanged():
    assert cnki.split_names("Smith, J; Doe, A") == ["Smith, J", "Doe, A"]
