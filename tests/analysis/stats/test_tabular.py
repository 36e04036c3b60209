"""CSV validation: one clear message naming the row and the column."""

import io

import numpy as np
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


MIXED = (
    "study,design,n_t,n_c,n,mean_t,sd_t,mean_c,sd_c,r\n"
    "P,parallel,20,22,,5,1,4,1,\n"
    "W,within,,,12,5,1,4,1.5,0.4\n"
    "X,within,,,15,6,2,5,2,\n"
)


def test_mixed_table_keeps_each_row_to_its_design():
    t = validate(_table(MIXED), "SMD", assume_r=0.5)
    assert t.layout == "mixed"
    assert t.extra["design"] == ("parallel", "within", "within")
    c = t.columns
    assert c["n_t"][0] == 20 and np.isnan(c["n_t"][1:]).all()
    assert np.isnan(c["n"][0]) and c["n"][1:].tolist() == [12, 15]
    # r: none for the parallel study, reported for W, not reported (nan) for X
    assert np.isnan(c["r"][0]) and c["r"][1] == 0.4 and np.isnan(c["r"][2])


def test_mixed_design_follows_from_the_sample_sizes_without_a_design_column():
    text = MIXED.replace("design,", "").replace("parallel,", "").replace("within,", "")
    t = validate(_table(text), "MD", assume_r=0.5)
    assert t.extra["design"] == ("parallel", "within", "within")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("X,within,,,15,", "X,within,,,,", r"row 3 \(study 'X'\), column 'n': missing value"),
        ("X,within,,,15,", "X,within,15,,15,", r"column 'n_t': a within-person study's size"),
        ("P,parallel,20,22,,", "P,parallel,20,22,30,", r"column 'n': a parallel study's sizes"),
        ("0.4\n", "1.4\n", r"row 2 \(study 'W'\), column 'r': correlation must be between"),
    ],
)
def test_bad_mixed_rows_name_row_study_and_column(old, new, message):
    with pytest.raises(InputError, match=message):
        validate(_table(MIXED.replace(old, new)), "SMD", assume_r=0.5)


def test_a_blank_r_needs_an_assumed_correlation():
    with pytest.raises(InputError, match=r"row 3 \(study 'X'\), column 'r': missing value"):
        validate(_table(MIXED), "SMD")


def test_a_paired_table_may_leave_r_out_when_one_is_assumed():
    t = validate(_table("study,n,mean_t,sd_t,mean_c,sd_c\nA,10,1,1,0,1\n"), "SMCRH", assume_r=0.5)
    assert np.isnan(t.columns["r"]).all()


def test_a_within_person_measure_refuses_a_table_that_mixes_designs():
    with pytest.raises(InputError, match="--measure SMCRH is for within-person studies only"):
        validate(_table(MIXED), "SMCRH", assume_r=0.5)
