import factory
from django.contrib.auth import get_user_model

from reviews.models import Membership, Review, Role

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
