"""The RoB 2 decision diagrams, transcribed for the tests from the guidance, not from
rob/tools/.

Each row is one end point of a diagram: the answers on the path that leads there, written with
the diagram's own arrow labels ("Y/PY/NI"), and the judgement the diagram gives. Questions a row
leaves out are off its path, so any answer to them must give the same judgement. A box that asks
two questions at once ("Either Y/PY/NI" to 2.1 and 2.2) is written as rows that together cover
it exactly once.

Sources: Higgins JPT, Savović J, Page MJ, Sterne JAC. RoB 2 full guidance document and template,
22 August 2019 (riskofbias.info), the algorithm figure of each domain; crossover trials: Higgins
JPT, Li T, Sterne JAC, additional considerations for crossover trials, 18 March 2021. The
crossover rows for domain S and question 5.4 could not be checked against the primary document
(rob/tools/SOURCES.md says what they were compared with).
"""

# Domain 1, "Algorithm for suggested judgement of risk of bias arising from the randomization
# process": 1.2 first, then 1.1, then 1.3.
D1 = [
    ({"1.2": "N/PN"}, "high"),
    ({"1.2": "NI", "1.3": "N/PN/NI"}, "some_concerns"),
    ({"1.2": "NI", "1.3": "Y/PY"}, "high"),
    ({"1.2": "Y/PY", "1.1": "N/PN"}, "some_concerns"),
    ({"1.2": "Y/PY", "1.1": "Y/PY/NI", "1.3": "N/PN/NI"}, "low"),
    ({"1.2": "Y/PY", "1.1": "Y/PY/NI", "1.3": "Y/PY"}, "some_concerns"),
]

# "Either Y/PY/NI" to 2.1 and 2.2, as two disjoint rows.
EITHER_AWARE = [{"2.1": "Y/PY/NI"}, {"2.1": "N/PN", "2.2": "Y/PY/NI"}]

# Domain 2, effect of assignment, part 1 (questions 2.1 to 2.5).
D2_ASSIGNMENT_PART1 = [
    ({"2.1": "N/PN", "2.2": "N/PN"}, "low"),
    *[({**aware, "2.3": "N/PN"}, "low") for aware in EITHER_AWARE],
    *[({**aware, "2.3": "NI"}, "some_concerns") for aware in EITHER_AWARE],
    *[({**aware, "2.3": "Y/PY", "2.4": "N/PN"}, "some_concerns") for aware in EITHER_AWARE],
    *[
        ({**aware, "2.3": "Y/PY", "2.4": "Y/PY/NI", "2.5": "Y/PY"}, "some_concerns")
        for aware in EITHER_AWARE
    ],
    *[
        ({**aware, "2.3": "Y/PY", "2.4": "Y/PY/NI", "2.5": "N/PN/NI"}, "high")
        for aware in EITHER_AWARE
    ],
]

# Part 2 (questions 2.6 and 2.7).
D2_ASSIGNMENT_PART2 = [
    ({"2.6": "Y/PY"}, "low"),
    ({"2.6": "N/PN/NI", "2.7": "N/PN"}, "some_concerns"),
    ({"2.6": "N/PN/NI", "2.7": "Y/PY/NI"}, "high"),
]

# "Criteria for the domain": low if low in both parts, high if high in either part, otherwise
# some concerns.
D2_ASSIGNMENT_CRITERIA = {
    ("low", "low"): "low",
    ("low", "some_concerns"): "some_concerns",
    ("low", "high"): "high",
    ("some_concerns", "low"): "some_concerns",
    ("some_concerns", "some_concerns"): "some_concerns",
    ("some_concerns", "high"): "high",
    ("high", "low"): "high",
    ("high", "some_concerns"): "high",
    ("high", "high"): "high",
}

D2_ASSIGNMENT = [
    ({**path1, **path2}, D2_ASSIGNMENT_CRITERIA[judgement1, judgement2])
    for path1, judgement1 in D2_ASSIGNMENT_PART1
    for path2, judgement2 in D2_ASSIGNMENT_PART2
]

# Domain 2, effect of adhering: 2.1/2.2 both N/PN go straight to 2.4/2.5; otherwise 2.3, where
# NA/Y/PY go to 2.4/2.5 and N/PN/NI to 2.6. 2.4/2.5 both NA/N/PN is low, either Y/PY/NI goes to
# 2.6; 2.6 Y/PY is some concerns, N/PN/NI high.
TO_2_4 = [{"2.1": "N/PN", "2.2": "N/PN"}, *[{**aware, "2.3": "NA/Y/PY"} for aware in EITHER_AWARE]]
EITHER_PROBLEM = [{"2.4": "Y/PY/NI"}, {"2.4": "NA/N/PN", "2.5": "Y/PY/NI"}]
D2_ADHERENCE = [
    *[({**before, "2.4": "NA/N/PN", "2.5": "NA/N/PN"}, "low") for before in TO_2_4],
    *[
        ({**before, **problem, "2.6": analysis}, judgement)
        for before in TO_2_4
        for problem in EITHER_PROBLEM
        for analysis, judgement in (("Y/PY", "some_concerns"), ("N/PN/NI", "high"))
    ],
    *[
        ({**aware, "2.3": "N/PN/NI", "2.6": analysis}, judgement)
        for aware in EITHER_AWARE
        for analysis, judgement in (("Y/PY", "some_concerns"), ("N/PN/NI", "high"))
    ],
]

# Domain 3: 3.1, then 3.2, 3.3, 3.4.
D3 = [
    ({"3.1": "Y/PY"}, "low"),
    ({"3.1": "N/PN/NI", "3.2": "Y/PY"}, "low"),
    ({"3.1": "N/PN/NI", "3.2": "N/PN", "3.3": "N/PN"}, "low"),
    ({"3.1": "N/PN/NI", "3.2": "N/PN", "3.3": "Y/PY/NI", "3.4": "N/PN"}, "some_concerns"),
    ({"3.1": "N/PN/NI", "3.2": "N/PN", "3.3": "Y/PY/NI", "3.4": "Y/PY/NI"}, "high"),
]

# Domain 4: 4.1, 4.2, then two copies of 4.3 to 4.5, the second (4.2 NI) never reaching low.
D4 = [
    ({"4.1": "Y/PY"}, "high"),
    ({"4.1": "N/PN/NI", "4.2": "Y/PY"}, "high"),
    ({"4.1": "N/PN/NI", "4.2": "N/PN", "4.3": "N/PN"}, "low"),
    ({"4.1": "N/PN/NI", "4.2": "N/PN", "4.3": "Y/PY/NI", "4.4": "N/PN"}, "low"),
    (
        {"4.1": "N/PN/NI", "4.2": "N/PN", "4.3": "Y/PY/NI", "4.4": "Y/PY/NI", "4.5": "N/PN"},
        "some_concerns",
    ),
    (
        {"4.1": "N/PN/NI", "4.2": "N/PN", "4.3": "Y/PY/NI", "4.4": "Y/PY/NI", "4.5": "Y/PY/NI"},
        "high",
    ),
    ({"4.1": "N/PN/NI", "4.2": "NI", "4.3": "N/PN"}, "some_concerns"),
    ({"4.1": "N/PN/NI", "4.2": "NI", "4.3": "Y/PY/NI", "4.4": "N/PN"}, "some_concerns"),
    (
        {"4.1": "N/PN/NI", "4.2": "NI", "4.3": "Y/PY/NI", "4.4": "Y/PY/NI", "4.5": "N/PN"},
        "some_concerns",
    ),
    ({"4.1": "N/PN/NI", "4.2": "NI", "4.3": "Y/PY/NI", "4.4": "Y/PY/NI", "4.5": "Y/PY/NI"}, "high"),
]

# Domain 5: 5.2 and 5.3 together ("Either Y/PY", "At least one NI, but neither Y/PY",
# "Both N/PN"), then 5.1.
D5 = [
    ({"5.2": "Y/PY"}, "high"),
    ({"5.2": "N/PN/NI", "5.3": "Y/PY"}, "high"),
    ({"5.2": "NI", "5.3": "N/PN/NI"}, "some_concerns"),
    ({"5.2": "N/PN", "5.3": "NI"}, "some_concerns"),
    ({"5.2": "N/PN", "5.3": "N/PN", "5.1": "Y/PY"}, "low"),
    ({"5.2": "N/PN", "5.3": "N/PN", "5.1": "N/PN/NI"}, "some_concerns"),
]

# Crossover, domain S: period effects are dealt with when the two sequences are (nearly)
# balanced (S.1) or the analysis accounts for them (S.2); carryover when there was time for it to
# disappear (S.3). Low needs both; S.3 N/PN is high.
DS = [
    ({"S.1": "Y/PY", "S.3": "Y/PY"}, "low"),
    ({"S.1": "N/PN/NI", "S.2": "Y/PY", "S.3": "Y/PY"}, "low"),
    ({"S.1": "Y/PY", "S.3": "NI"}, "some_concerns"),
    ({"S.1": "N/PN/NI", "S.2": "Y/PY", "S.3": "NI"}, "some_concerns"),
    ({"S.1": "N/PN/NI", "S.2": "N/PN/NI", "S.3": "Y/PY/NI"}, "some_concerns"),
    ({"S.3": "N/PN"}, "high"),
]

# Crossover, domain 5: 5.4 (a result from both periods withheld because carryover was found)
# read with 5.2 and 5.3.
D5_CROSSOVER = [
    ({"5.2": "Y/PY"}, "high"),
    ({"5.2": "N/PN/NI", "5.3": "Y/PY"}, "high"),
    ({"5.2": "N/PN/NI", "5.3": "N/PN/NI", "5.4": "Y/PY"}, "high"),
    ({"5.2": "NI", "5.3": "N/PN/NI", "5.4": "N/PN/NI"}, "some_concerns"),
    ({"5.2": "N/PN", "5.3": "NI", "5.4": "N/PN/NI"}, "some_concerns"),
    ({"5.2": "N/PN", "5.3": "N/PN", "5.4": "NI"}, "some_concerns"),
    ({"5.2": "N/PN", "5.3": "N/PN", "5.4": "N/PN", "5.1": "Y/PY"}, "low"),
    ({"5.2": "N/PN", "5.3": "N/PN", "5.4": "N/PN", "5.1": "N/PN/NI"}, "some_concerns"),
]

TABLES = {
    ("rob2-parallel-assignment", "D1"): D1,
    ("rob2-parallel-assignment", "D2"): D2_ASSIGNMENT,
    ("rob2-parallel-assignment", "D3"): D3,
    ("rob2-parallel-assignment", "D4"): D4,
    ("rob2-parallel-assignment", "D5"): D5,
    ("rob2-parallel-adherence", "D1"): D1,
    ("rob2-parallel-adherence", "D2"): D2_ADHERENCE,
    ("rob2-parallel-adherence", "D3"): D3,
    ("rob2-parallel-adherence", "D4"): D4,
    ("rob2-parallel-adherence", "D5"): D5,
    ("rob2-crossover-assignment", "D1"): D1,
    ("rob2-crossover-assignment", "DS"): DS,
    ("rob2-crossover-assignment", "D2"): D2_ASSIGNMENT,
    ("rob2-crossover-assignment", "D3"): D3,
    ("rob2-crossover-assignment", "D4"): D4,
    ("rob2-crossover-assignment", "D5"): D5_CROSSOVER,
}


def groups(path: dict[str, str]) -> dict[str, set[str]]:
    """A path with its arrow labels read as sets of answers: {"1.2": {"Y", "PY"}}."""
    return {question: set(label.split("/")) for question, label in path.items()}


def on_path(path: dict[str, set[str]], answers: dict[str, str]) -> bool:
    """Whether a complete set of answers (NA where a question is not asked) takes this path."""
    return all(answers[question] in group for question, group in path.items())
