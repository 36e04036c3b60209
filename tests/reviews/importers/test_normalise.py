"""Field clean-up shared by every reader: DOIs, years, pages, lists, whitespace."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviews.importers.normalise import clean, join_pages, normalise_doi, parse_year, split_list

# --- clean -------------------------------------------------------------------------------


def test_clean_collapses_whitespace_from_continuation_lines():
    assert clean("  A high level\n      interface\tto  SCOP ") == "A high level interface to SCOP"


def test_clean_collapses_unicode_spaces_found_in_pubmed_abstracts():
    # PubMed abstracts carry EM SPACE and THIN SPACE (U+2003, U+2009).
    assert clean("OBJECTIVE:\u2003The HT\u2009>\u200950 years") == "OBJECTIVE: The HT > 50 years"


@pytest.mark.parametrize("empty", [None, "", "   ", "\n\t"])
def test_clean_turns_nothing_into_an_empty_string(empty):
    assert clean(empty) == ""


# --- normalise_doi ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "10.1016/j.scitotenv.2017.04.075",
        "https://doi.org/10.1016/j.scitotenv.2017.04.075",
        "http://doi.org/10.1016/j.scitotenv.2017.04.075",
        "http://dx.doi.org/10.1016/j.scitotenv.2017.04.075",
        "https://dx.doi.org/10.1016/j.scitotenv.2017.04.075",
        "doi:10.1016/j.scitotenv.2017.04.075",
        "DOI: 10.1016/j.scitotenv.2017.04.075",
        "doi 10.1016/j.scitotenv.2017.04.075",
        "10.1016/j.scitotenv.2017.04.075 [doi]",
        "10.1016/J.SCITOTENV.2017.04.075",
        "HTTPS://DOI.ORG/10.1016/J.SCITOTENV.2017.04.075",
        "  10.1016/j.scitotenv.2017.04.075  ",
        "10.1016/j.scitotenv.2017.04.075.",
        "10.1016/j.scitotenv.2017.04.075;",
        "(doi:10.1016/j.scitotenv.2017.04.075)",
        '"10.1016/j.scitotenv.2017.04.075",',
        "Sci Total Environ. 2017 Nov 15;598:188-197. doi: 10.1016/j.scitotenv.2017.04.075.",
    ],
)
def test_normalise_doi_reduces_every_written_form_to_the_bare_lower_case_doi(text):
    assert normalise_doi(text) == "10.1016/j.scitotenv.2017.04.075"


def test_normalise_doi_keeps_brackets_that_belong_to_the_doi():
    assert normalise_doi("10.1016/S0140-6736(12)60150-0") == "10.1016/s0140-6736(12)60150-0"


@pytest.mark.parametrize(
    ("url", "doi"),
    [
        ("https://doi.pangaea.de/10.1594/PANGAEA.55907", "10.1594/pangaea.55907"),
        (
            "https://royalsocietypublishing.org/doi/full/10.1098/rspb.2019.1969",
            "10.1098/rspb.2019.1969",
        ),
    ],
)
def test_normalise_doi_finds_the_doi_inside_a_publisher_url(url, doi):
    assert normalise_doi(url) == doi


@pytest.mark.parametrize(
    "text",
    [None, "", "   ", "S0048-9697(17)30912-9 [pii]", "no doi here", "10.12/too-short-prefix"],
)
def test_normalise_doi_returns_empty_when_there_is_no_doi(text):
    assert normalise_doi(text) == ""


def test_normalise_doi_refuses_a_doi_with_an_empty_suffix():
    assert normalise_doi("10.1234/.") == ""
    assert normalise_doi("doi:10.1234/)") == ""


_DOI_LIKE = st.from_regex(
    r"(doi: ?|https://doi\.org/|http://dx\.doi\.org/)?"
    r"10\.\d{4,9}/\S{0,8}[.,;)\]'\"]{0,3}( \[doi\])?",
    fullmatch=True,
)


@given(st.one_of(st.text(), _DOI_LIKE))
def test_normalise_doi_is_idempotent(text):
    once = normalise_doi(text)
    assert normalise_doi(once) == once


@given(
    prefix=st.integers(min_value=1000, max_value=999999999),
    suffix=st.text(
        alphabet=st.characters(
            min_codepoint=33, max_codepoint=126, exclude_characters=".,;)]}>\"'"
        ),
        min_size=1,
    ),
    dress=st.sampled_from(["{}", "https://doi.org/{}", "doi:{}", "{} [doi]", "{}.", " {} "]),
)
def test_normalise_doi_finds_any_well_formed_doi_however_it_is_dressed(prefix, suffix, dress):
    doi = f"10.{prefix}/{suffix}"
    assert normalise_doi(dress.format(doi)) == doi.lower()


# --- parse_year ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("2021 Jan 19", 2021),
        ("2006", 2006),
        ("2020//", 2020),
        ("2016/09//", 2016),
        ("2018/05/04/", 2018),
        ("2019 Spring", 2019),
        ("Winter 2020", 2020),
        ("1998 Dec-1999 Jan", 1998),
        ("2021-03-04", 2021),
        ("1887", 1887),
        ("20210119", 2021),
        ("Published 19 January 2021", 2021),
    ],
)
def test_parse_year_takes_the_first_plausible_year(text, year):
    assert parse_year(text) == year


@pytest.mark.parametrize(
    "text", [None, "", "Spring", "in press", "no date", "12345", "1799", "2101", "9781234567890"]
)
def test_parse_year_returns_none_without_a_plausible_year(text):
    assert parse_year(text) is None


# --- join_pages ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "pages"),
    [
        ("110", "123", "110-123"),
        (" 206 ", "217", "206-217"),
        ("4", "4", "4"),
        ("e5082", "", "e5082"),
        ("e5082", None, "e5082"),
        ("", "123", "123"),
        (None, None, ""),
    ],
)
def test_join_pages_joins_first_and_last_page(start, end, pages):
    assert join_pages(start, end) == pages


# --- split_list ---------------------------------------------------------------------------


def test_split_list_splits_on_semicolons_and_trims_items():
    assert split_list("Smith J; Jones A ;Lee K") == ["Smith J", "Jones A", "Lee K"]


def test_split_list_drops_empty_items():
    assert split_list(";a;; ;b;") == ["a", "b"]


def test_split_list_takes_other_separators():
    assert split_list("王小明;李华，张三,赵四", separators=";，,") == [
        "王小明",
        "李华",
        "张三",
        "赵四",
    ]


def test_split_list_escapes_separators_that_are_special_in_patterns():
    assert split_list("a]b-c^d", separators="]-^") == ["a", "b", "c", "d"]


@pytest.mark.parametrize("empty", [None, "", " ; ; "])
def test_split_list_of_nothing_is_empty(empty):
    assert split_list(empty) == []
