"""The demo review that `make run` loads: real, public, clearly labelled data only."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files import File
from django.db import transaction

from analysis.demo_bcg import bcg_demo
from reviews import services
from reviews.imports import import_file
from reviews.models import Database, Membership, Review, Role

DEMO_PASSWORD = "evident-demo"
DEMO_USERS = (
    ("demo-lead", Role.LEAD),
    ("demo-reviewer", Role.REVIEWER),
    ("demo-reviewer2", Role.REVIEWER),
    ("demo-viewer", Role.VIEWER),
)

# The question of a classic, public meta-analysis: Colditz GA, Brewer TF, Berkey CS, et al.
# Efficacy of BCG vaccine in the prevention of tuberculosis: meta-analysis of the published
# literature. JAMA 1994;271(9):698-702. Its 13 trials ship with R's metafor as dat.bcg.
DEMO_REVIEW = {
    "title": "Demo: BCG vaccine for preventing tuberculosis (after Colditz et al., JAMA 1994)",
    "question": (
        "Does BCG vaccination prevent tuberculosis, and does its efficacy vary with the "
        "latitude of the trial site? (Demo review re-creating the question of Colditz et al. "
        "1994, a public, widely used meta-analysis dataset.)"
    ),
    "population": "Children and adults in prospective trials of BCG vaccination.",
    "intervention": "BCG vaccination.",
    "comparator": "No vaccination.",
    "outcomes": "Cases of tuberculosis during follow-up.",
    "inclusion_criteria": [
        "Prospective trial with concurrent unvaccinated control group",
        "Random or systematic allocation to vaccination",
        "Reports tuberculosis cases in both groups",
    ],
    "exclusion_criteria": [
        "Case-control or historical-control designs",
        "No report of tuberculosis incidence",
    ],
    "protocol_registration": "",
}


# Real PubMed records to practise screening on: the triptans search of Cohen AM et al.,
# J Am Med Inform Assoc 2006;13:206-19, from the SYNERGY dataset (screening/demo/SOURCES.md).
SCREENING_RECORDS = (
    Path(__file__).resolve().parents[1] / "screening/demo/cohen2006_triptans_records.csv"
)
SCREENING_REVIEW = {
    "title": "Demo: triptans for migraine — screening practice (records of Cohen et al. 2006)",
    "question": (
        "Which triptans are effective and safe for acute migraine in adults? (Demo review for "
        "practising screening on the 671 real PubMed records of the triptans drug-class review "
        "studied by Cohen et al., JAMIA 2006; the original decisions are not loaded.)"
    ),
    "population": "Adults with migraine.",
    "intervention": "A triptan (sumatriptan, zolmitriptan, naratriptan, rizatriptan, ...).",
    "comparator": "Placebo or another triptan.",
    "outcomes": "Pain relief at 2 hours; adverse events.",
    "inclusion_criteria": ["Randomised controlled trial", "Head-to-head or placebo comparison"],
    "exclusion_criteria": ["Not a triptan", "Not a randomised trial", "Prophylaxis only"],
    "protocol_registration": "",
}
SCREENING_MAPPING = {
    "title": "title",
    "abstract": "abstract",
    "authors": "authors",
    "keywords": "keywords",
    "pmid": "pubmedID",
}


def _users() -> dict:
    user_model = get_user_model()
    users = {}
    for username, _role in DEMO_USERS:
        user, created = user_model.objects.get_or_create(
            username=username, defaults={"email": f"{username}@example.org"}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        users[username] = user
    return users


def _review(users: dict, data: dict) -> tuple[Review, bool]:
    lead = users["demo-lead"]
    review = Review.objects.filter(title=data["title"], created_by=lead).first()
    created = review is None
    if created:
        review = services.review_create(user=lead, data=data)
    for username, role in DEMO_USERS:
        if not Membership.objects.filter(review=review, user=users[username]).exists():
            services.member_add(actor=lead, review=review, identifier=username, role=role)
    return review, created


@transaction.atomic
def demo_load() -> list[Review]:
    """Create the demo accounts and reviews; running it again changes nothing."""
    users = _users()
    bcg, _ = _review(users, DEMO_REVIEW)
    # The BCG trials extracted, locked and analysed, so the whole lifecycle shows.
    bcg_demo(lead=users["demo-lead"], review=bcg)
    triptans, _ = _review(users, SCREENING_REVIEW)
    if not triptans.imports.exists():
        with SCREENING_RECORDS.open("rb") as handle:
            import_file(
                user=users["demo-lead"],
                review=triptans,
                upload=File(handle, name=SCREENING_RECORDS.name),
                database=Database.PUBMED,
                interface="PubMed (records from the SYNERGY dataset)",
                format_name="generic_csv",
                column_mapping=SCREENING_MAPPING,
            )
    return [bcg, triptans]
