"""manage.py robpropose: one domain's proposal from its answers, or the overall proposal from the
domain judgements; anything unknown or not allowed exits non-zero naming it."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

ROOT = Path(__file__).resolve().parents[2]


def run(*args) -> str:
    out = StringIO()
    call_command("robpropose", *args, stdout=out)
    return out.getvalue()


def run_json(*args) -> dict:
    return json.loads(run(*args, "--json"))


def test_one_domain_as_json():
    doc = run_json("rob2-parallel-assignment", "D1", "1.1=Y", "1.2=PY", "1.3=NI")
    assert doc == {"tool": "rob2-parallel-assignment", "domain": "D1", "judgement": "low"}


def test_questions_not_asked_may_be_left_out():
    doc = run_json("rob2-parallel-adherence", "D2", "2.1=N", "2.2=N", "2.4=NA", "2.5=PN")
    assert doc["judgement"] == "low"
    doc = run_json("rob2-crossover-assignment", "DS", "S.1=N", "S.2=Y", "S.3=PY")
    assert doc == {"tool": "rob2-crossover-assignment", "domain": "DS", "judgement": "low"}


def test_overall_as_json():
    doc = run_json(
        "rob2-parallel-assignment",
        "overall",
        "D1=low",
        "D2=some_concerns",
        "D3=low",
        "D4=low",
        "D5=low",
    )
    assert doc == {
        "tool": "rob2-parallel-assignment",
        "domain": "overall",
        "judgement": "some_concerns",
    }


def test_robins_i_overall():
    pairs = [f"D{i}=low" for i in range(1, 7)] + ["D7=no_information"]
    assert run_json("robins-i-2016", "overall", *pairs)["judgement"] == "no_information"


def test_nos_domain_stars_and_overall_rating_with_the_total():
    assert run_json("nos-cohort", "selection", "S1=a", "S2=a", "S3=c", "S4=a") == {
        "tool": "nos-cohort",
        "domain": "selection",
        "judgement": 3,
    }
    doc = run_json("nos-case-control", "overall", "selection=2", "comparability=1", "exposure=3")
    assert doc == {"tool": "nos-case-control", "domain": "overall", "judgement": "fair", "stars": 6}


def test_plain_output_names_the_judgement():
    assert run("rob2-parallel-assignment", "D4", "4.1=Y", "4.2=N").strip() == (
        "rob2-parallel-assignment D4: High risk of bias"
    )
    assert run("nos-cohort", "comparability", "C1a=yes", "C1b=no").strip() == (
        "nos-cohort comparability: 1 of 2 stars"
    )
    text = run("nos-cohort", "overall", "selection=4", "comparability=2", "outcome=3").strip()
    assert text == "nos-cohort overall: Good quality (9 stars)"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["rob3", "D1", "1.1=Y"], "unknown risk-of-bias tool 'rob3'"),
        (
            ["rob2-parallel-assignment", "D6", "6.1=Y"],
            "unknown domain 'D6' for rob2-parallel-assignment",
        ),
        (["rob2-parallel-assignment", "D1", "1.4=Y"], "unknown question '1.4' in domain D1"),
        (
            ["rob2-parallel-assignment", "D1", "1.1=Maybe", "1.2=Y", "1.3=N"],
            "answer 'Maybe' is not allowed for question 1.1",
        ),
        (
            ["rob2-parallel-assignment", "D3", "3.1=N", "3.2=NI"],
            "answer 'NI' is not allowed for question 3.2 (allowed: Y, PY, PN, N)",
        ),
        (["rob2-parallel-assignment", "D3", "3.1=Y", "3.2=Y"], "question 3.2 is not asked here"),
        (["rob2-parallel-assignment", "D1", "1.2=Y"], "question 1.1 has no answer"),
        (["rob2-parallel-assignment", "D1", "1.1"], "expected QUESTION=ANSWER, got '1.1'"),
        (["rob2-parallel-assignment", "D1", "1.1=Y", "1.1=N"], "1.1 is given twice"),
        (["rob2-parallel-assignment", "overall", "D1=low"], "no judgement for domain D2"),
        (
            [
                "rob2-parallel-assignment",
                "overall",
                "D1=moderate",
                "D2=low",
                "D3=low",
                "D4=low",
                "D5=low",
            ],
            "'moderate' is not a judgement of domain D1",
        ),
        (["robins-i-2016", "D1", "1.1=N"], "robins-i-2016 publishes no algorithm for domain D1"),
    ],
)
def test_bad_input_is_a_command_error_naming_it(args, message):
    with pytest.raises(CommandError) as caught:
        run(*args)
    assert message in str(caught.value)


def test_exit_status_is_non_zero_with_one_line_and_no_traceback():
    proc = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "robpropose",
            "rob2-parallel-assignment",
            "D3",
            "3.1=N",
            "3.2=NI",
            "--json",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
    )
    assert proc.returncode != 0
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines() == [
        "CommandError: answer 'NI' is not allowed for question 3.2 (allowed: Y, PY, PN, N)"
    ]
