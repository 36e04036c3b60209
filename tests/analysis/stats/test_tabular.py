"""CSV validation: one clear message naming the row and the column."""

import io

import pytest

from analysis.stats.errors import InputError
from analysis.stats.tabular import read_table, validate

BINARY = "study,events_t,n_t,events_c,n_c,region\nA,1,10,2,10,north\nB,3,12,4,11,south\n"
CONT = "study,n_t,mean_t,sd_t,n_c,mean_c,sd_c\nA,10,5.0,1.0,10,4.0,1.2\nB,12,6.0,1.1,11,4.5,1.3\n"


def _table(text):
    return read_table(io.StringIO(text))


def test_valid_binary_table_parses_numbers_and_subgroups():
    t = validate(_table(BINARY), "RR", subgroup="region")
    assert t.studies == ("A", "B")
    assert t.columns["n_c"].tolist() == [10.0, 11.0]
    assert t.groups == ("north", "south")


def test_missing_column_is_named():
    with pytest.raises(InputError, match="missing column 'n_c'"):
        validate(_table("study,events_t,n_t,events_c\nA,1,10,2\n"), "OR")


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("ten", r"row 2 \(study 'B'\), column 'n_t': 'ten' is not a number"),
        ("", r"row 2 \(study 'B'\), column 'n_t': missing value"),
        ("1", r"row 2 \(study 'B'\), column 'n_t': group size must be greater than 1"),
        ("2.5", r"row 2 \(study 'B'\), column 'n_t': 2.5 is not a whole number"),
    ],
)
def test_bad_number_names_row_study_and_column(cell, message):
    text = BINARY.replace("B,3,12,", f"B,3,{cell},")
    with pytest.raises(InputError, match=message):
        validate(_table(text), "RR")


def test_events_above_group_size_are_rejected():
    with pytest.raises(
        InputError, match=r"row 1 \(study 'A'\), column 'events_c': 12 events exceed"
    ):
        validate(_table(BINARY.replace("A,1,10,2,10", "A,1,10,12,10")), "RD")


def test_non_positive_sd_is_rejected():
    with pytest.raises(InputError, match=r"row 1 \(study 'A'\), column 'sd_c': standard deviation"):
        validate(_table(CONT.replace("4.0,1.2", "4.0,0")), "SMD")


def test_unknown_measure_is_rejected():
    with pytest.raises(InputError, match="unknown measure 'HR'"):
        validate(_table(CONT), "HR")


def test_paired_layout_requires_r():
    with pytest.raises(InputError, match="missing column 'r'"):
        validate(_table("study,n,mean_t,sd_t,mean_c,sd_c\nA,10,1,1,0,1\n"), "SMCR")


def test_missing_subgroup_value_is_named():
    with pytest.raises(InputError, match=r"row 2 \(study 'B'\), column 'region': missing"):
        validate(_table(BINARY.replace(",south", ",")), "RR", subgroup="region")


def test_spreadsheet_csv_with_byte_order_mark_is_read(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbf" + BINARY.encode())
    assert validate(read_table(path), "OR").studies == ("A", "B")
