"""REST API for reviews, members, jobs and tokens (/api/v1/). Thin: parse, call, serialise."""

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.serializers import JSONTypes
from reviews import selectors, services
from reviews.access import job_for_user, membership_for_user, review_for_user
from reviews.models import (
    REVIEW_DETAILS,
    REVIEW_SETTINGS,
    AuditEvent,
    Job,
    Membership,
    Review,
    Role,
)
from reviews.tokens import token_issue


class ReviewSerializer(JSONTypes, serializers.ModelSerializer):
    inclusion_criteria = serializers.ListField(
        child=serializers.CharField(max_length=2000), required=False
    )
    exclusion_criteria = serializers.ListField(
        child=serializers.CharField(max_length=2000), required=False
    )
    created_by = serializers.CharField(source="created_by.username", read_only=True)
    my_role = serializers.SerializerMethodField()

    class Meta:
        model = Review
        fields = [
            "id",
            *REVIEW_DETAILS,
            *REVIEW_SETTINGS,
            "created_by",
            "created_at",
            "updated_at",
            "my_role",
        ]
        read_only_fields = ["id", "created_by", "created_at", "updated_at", "my_role"]

    def get_my_role(self, review: Review) -> str | None:
        if hasattr(review, "my_role"):
            return review.my_role
        membership = getattr(review, "membership", None)
        return membership.role if membership else None


class MembershipSerializer(JSONTypes, serializers.ModelSerializer):
    username = serializers.CharField(
        source="user.username",
        help_text="On creation: the username or the email address of an existing account.",
    )
    email = serializers.EmailField(source="user.email", read_only=True)
    role = serializers.ChoiceField(choices=Role.choices)

    class Meta:
        model = Membership
        fields = ["id", "username", "email", "role", "created_at"]
        read_only_fields = ["id", "email", "created_at"]


class MembershipRoleSerializer(JSONTypes, serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)


class JobSerializer(serializers.ModelSerializer):
    progress = serializers.IntegerField(source="current_progress", read_only=True)

    class Meta:
        model = Job
        fields = [
            "id",
            "review",
            "kind",
            "status",
            "progress",
            "message",
            "result",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields


class AuditEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(
        source="actor.username", default=None, allow_null=True, read_only=True
    )

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "created_at",
            "actor",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "changes",
        ]
        read_only_fields = fields


@extend_schema(tags=["auth"])
class TokenView(APIView):
    """Exchange a username and password for an API token.

    The same token comes back until it expires (API_TOKEN_DAYS) or the password changes;
    then a new one."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        request=inline_serializer(
            "Token",
            {"username": serializers.CharField(), "password": serializers.CharField()},
        ),
        responses={
            200: inline_serializer("TokenResponse", {"token": serializers.CharField()}),
            400: OpenApiResponse(description="The username or password is wrong or missing."),
            429: OpenApiResponse(
                description="Too many failed logins for this username from this address: "
                "wait LOGIN_LOCKOUT_MINUTES.",
            ),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        username = request.data.get("username")
        password = request.data.get("password")
        if not isinstance(username, str) or not isinstance(password, str):
            raise serializers.ValidationError(
                {"non_field_errors": [_("Send a JSON object with “username” and “password”.")]}
            )
        user = authenticate(request=request._request, username=username, password=password)
        if user is None:
            raise serializers.ValidationError(
                {"non_field_errors": [_("Wrong username or password.")]}
            )
        # A token is a login: record it as one (last_login, and django-axes clears the
        # username's failed attempts).
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        return Response({"token": token_issue(user=user).key})


@extend_schema(tags=["reviews"])
class ReviewListView(generics.GenericAPIView):
    serializer_class = ReviewSerializer

    def get_queryset(self):
        return selectors.reviews_for_user(self.request.user).select_related("created_by")

    @extend_schema(operation_id="reviews_list", responses=ReviewSerializer(many=True))
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(responses={201: ReviewSerializer})
    def post(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        review = services.review_create(user=request.user, data=serializer.validated_data)
        review = review_for_user(request.user, review.pk)
        return Response(self.get_serializer(review).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["reviews"])
class ReviewDetailView(generics.GenericAPIView):
    serializer_class = ReviewSerializer
    # PUT would demand every field; PATCH covers editing.
    http_method_names = ["get", "patch", "delete", "options"]

    def get(self, request: Request, review_id: int) -> Response:
        review = review_for_user(request.user, review_id)
        return Response(self.get_serializer(review).data)

    def patch(self, request: Request, review_id: int) -> Response:
        review = review_for_user(request.user, review_id, lead=True)
        serializer = self.get_serializer(review, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        review = services.review_update(
            user=request.user, review=review, data=serializer.validated_data
        )
        return Response(self.get_serializer(review).data)

    def delete(self, request: Request, review_id: int) -> Response:
        review = review_for_user(request.user, review_id, lead=True)
        services.review_delete(user=request.user, review=review)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["members"])
class MemberListView(generics.GenericAPIView):
    serializer_class = MembershipSerializer
    pagination_class = None

    @extend_schema(operation_id="reviews_members_list", responses=MembershipSerializer(many=True))
    def get(self, request: Request, review_id: int) -> Response:
        review = review_for_user(request.user, review_id)
        members = selectors.review_members(review)
        return Response(self.get_serializer(members, many=True).data)

    @extend_schema(responses={201: MembershipSerializer})
    def post(self, request: Request, review_id: int) -> Response:
        review = review_for_user(request.user, review_id, lead=True)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = services.member_add(
            actor=request.user,
            review=review,
            identifier=serializer.validated_data["user"]["username"],
            role=serializer.validated_data["role"],
        )
        return Response(self.get_serializer(membership).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["members"])
class MemberDetailView(generics.GenericAPIView):
    serializer_class = MembershipSerializer
    http_method_names = ["patch", "delete", "options"]

    @extend_schema(request=MembershipRoleSerializer, responses=MembershipSerializer)
    def patch(self, request: Request, review_id: int, membership_id: int) -> Response:
        membership = membership_for_user(request.user, review_id, membership_id)
        serializer = MembershipRoleSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        if "role" in serializer.validated_data:
            membership = services.member_change_role(
                actor=request.user, membership=membership, role=serializer.validated_data["role"]
            )
        return Response(self.get_serializer(membership).data)

    def delete(self, request: Request, review_id: int, membership_id: int) -> Response:
        membership = membership_for_user(request.user, review_id, membership_id)
        services.member_remove(actor=request.user, membership=membership)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["jobs"])
class WorkerCheckView(APIView):
    """Queue a job that proves a Celery worker is running; poll the job for its result."""

    @extend_schema(request=None, responses={202: JobSerializer})
    def post(self, request: Request, review_id: int) -> Response:
        review = review_for_user(request.user, review_id, lead=True)
        job = services.worker_check_start(user=request.user, review=review)
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


@extend_schema(tags=["jobs"])
class JobDetailView(generics.GenericAPIView):
    serializer_class = JobSerializer

    def get(self, request: Request, job_id: int) -> Response:
        return Response(self.get_serializer(job_for_user(request.user, job_id)).data)


@extend_schema(tags=["audit"])
class AuditLogView(generics.GenericAPIView):
    """The review's audit log, newest first (leads only)."""

    serializer_class = AuditEventSerializer

    @extend_schema(operation_id="reviews_audit_list", responses=AuditEventSerializer(many=True))
    def get(self, request: Request, review_id: int) -> Response:
        review = review_for_user(request.user, review_id, lead=True)
        page = self.paginate_queryset(selectors.review_audit_events(review, viewer=request.user))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
