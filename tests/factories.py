import factory
from django.contrib.auth import get_user_model

from reviews.models import Job, Membership, Review, Role, SearchImport

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save_password(self, create, extracted, **kwargs):
        if create:
            self.save(update_fields=["password"])


class ReviewFactory(factory.django.DjangoModelFactory):
    """A review with its creator as lead, as `review_create` makes it (without audit)."""

    class Meta:
        model = Review
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Synthetic test review {n}")
    question = "Synthetic question for tests."
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def lead_membership(self, create, extracted, **kwargs):
        if create:
            Membership.objects.create(
                review=self, user=self.created_by, role=Role.LEAD, added_by=self.created_by
            )


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    review = factory.SubFactory(ReviewFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.REVIEWER


def completed_import(*, review: Review, user, **fields) -> SearchImport:
    """A search import as a finished import job leaves it, for tests that write its records
    themselves (synthetic titles and DOIs)."""
    job = Job.objects.create(
        review=review, kind="import", status=Job.Status.SUCCEEDED, created_by=user
    )
    values = {
        "database": "other",
        "file": "imports/synthetic.ris",
        "file_name": "synthetic.ris",
        "file_sha256": "0" * 64,
        "file_size": 1,
        "format": "ris",
        "encoding": "utf-8",
        **fields,
    }
    search_import = SearchImport.objects.create(review=review, uploaded_by=user, job=job, **values)
    job.params = {"search_import": search_import.pk}
    job.save(update_fields=["params"])
    return search_import
