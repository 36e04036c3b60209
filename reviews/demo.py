"""The demo review that `make run` loads: real, public, clearly labelled data only."""

from django.contrib.auth import get_user_model
from django.db import transaction

from reviews import services
from reviews.models import Membership, Review, Role

DEMO_PASSWORD = "evident-demo"
DEMO_USERS = (
    ("demo-lead", Role.LEAD),
    ("demo-reviewer", Role.REVIEWER),
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


@transaction.atomic
def demo_load() -> Review:
    """Create the demo accounts and review; running it again changes nothing."""
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
    lead = users["demo-lead"]
    review = Review.objects.filter(title=DEMO_REVIEW["title"], created_by=lead).first()
    if review is None:
        review = services.review_create(user=lead, data=DEMO_REVIEW)
    for username, role in DEMO_USERS:
        if not Membership.objects.filter(review=review, user=users[username]).exists():
            services.member_add(actor=lead, review=review, identifier=username, role=role)
    return review
