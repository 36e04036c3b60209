"""REST API for extracting (/api/v1/reviews/{id}/extraction/…): starting one's extraction of a
study, its values (study-level fields, arms, outcome rows), marking it done, the comparison of
a study's extractions and building its consensus.

An extraction is visible to its extractor; the others' only once blinding lifts
(`extraction.access`). The consensus is an extraction too: a lead or the arbiter changes it
through the same endpoints once every required extraction is done.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from extraction import consensus, selectors, services
from extraction.access import consensus_study_for_user, extraction_for_user, study_for_user
from extraction.api import LOCKED, ExtractionAPIView
from extraction.conversions import ALL_INPUTS
from extraction.models import Arm, Extraction


class FieldValueSerializer(serializers.Serializer):
    key = serializers.CharField()
    value = serializers.JSONField(allow_null=True)
    source = serializers.CharField(required=False, allow_blank=True, default="")
    quote = serializers.CharField(required=False, allow_blank=True, default="")
    flag = serializers.CharField(required=False, allow_blank=True, default="")
    form_version = serializers.IntegerField(read_only=True)


class ArmSerializer(serializers.Serializer):
    position = serializers.IntegerField(read_only=True)
    label = serializers.CharField(max_length=200)
    n = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    role = serializers.ChoiceField(choices=Arm.Role.choices, default=Arm.Role.INTERVENTION)


class OutcomeValueSerializer(serializers.Serializer):
    outcome = serializers.CharField()
    timepoint = serializers.CharField()
    arm = serializers.IntegerField(allow_null=True, help_text="Position; null: within-person row.")
    format = serializers.CharField()
    reported = serializers.DictField(child=serializers.CharField(), help_text="As typed.")
    n = serializers.IntegerField(allow_null=True)
    mean = serializers.FloatField(allow_null=True)
    sd = serializers.FloatField(allow_null=True)
    events = serializers.IntegerField(allow_null=True)
    r = serializers.FloatField(allow_null=True)
    basis = serializers.CharField()
    method = serializers.CharField(help_text="How mean and SD were obtained.")
    unconverted = serializers.CharField(help_text="Why mean and SD are missing, if they are.")
    source = serializers.CharField()
    quote = serializers.CharField()
    flag = serializers.CharField()
    form_version = serializers.IntegerField()


class ExtractionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    study = serializers.IntegerField()
    extractor = serializers.CharField(allow_null=True, help_text="Null for the consensus.")
    status = serializers.CharField()
    form_version = serializers.IntegerField()
    fields = FieldValueSerializer(many=True)
    arms = ArmSerializer(many=True)
    outcomes = OutcomeValueSerializer(many=True)
    problems = serializers.ListField(
        child=serializers.CharField(), help_text="What stops it from being marked done."
    )


def extraction_data(extraction: Extraction) -> dict:
    data = selectors.extraction_data(extraction)
    current = selectors.form_current(extraction.review)
    return {
        "id": extraction.pk,
        "study": extraction.study_id,
        "extractor": extraction.extractor.get_username() if extraction.extractor_id else None,
        "status": extraction.status,
        "form_version": extraction.form_version.number,
        "fields": [
            {
                "key": v.key,
                "value": v.value,
                "source": v.source,
                "quote": v.quote,
                "flag": v.flag,
                "form_version": v.form_version.number,
            }
            for v in data.fields.values()
        ],
        "arms": [
            {"position": a.position, "label": a.label, "n": a.n, "role": a.role} for a in data.arms
        ],
        "outcomes": [
            {
                "outcome": v.outcome,
                "timepoint": v.timepoint,
                "arm": v.arm.position if v.arm_id else None,
                "format": v.format,
                "reported": v.reported,
                "n": v.n,
                "mean": v.mean,
                "sd": v.sd,
                "events": v.events,
                "r": v.r,
                "basis": v.basis,
                "method": v.method,
                "unconverted": v.unconverted,
                "source": v.source,
                "quote": v.quote,
                "flag": v.flag,
                "form_version": v.form_version.number,
            }
            for v in data.values.values()
        ],
        "problems": selectors.extraction_problems(extraction, current) if current else [],
    }


@extend_schema(tags=["extraction"])
class ExtractionStartView(ExtractionAPIView):
    @extend_schema(
        summary="Start (or return) your extraction of the study",
        request=None,
        responses={201: ExtractionSerializer, 409: LOCKED},
    )
    def post(self, request: Request, review_id: int, study_id: int) -> Response:
        study = study_for_user(request.user, review_id, study_id, write=True)
        extraction = services.extraction_start(extractor=request.user, study=study)
        return Response(extraction_data(extraction), status=status.HTTP_201_CREATED)


@extend_schema(tags=["extraction"])
class ExtractionDetailView(ExtractionAPIView):
    @extend_schema(responses=ExtractionSerializer)
    def get(self, request: Request, review_id: int, extraction_id: int) -> Response:
        extraction = extraction_for_user(request.user, review_id, extraction_id)
        return Response(extraction_data(extraction))


@extend_schema(tags=["extraction"])
class FieldValueView(ExtractionAPIView):
    @extend_schema(
        summary="Answer a study-level field (null: not reported)",
        request=FieldValueSerializer,
        responses={200: ExtractionSerializer, 409: LOCKED},
    )
    def put(self, request: Request, review_id: int, extraction_id: int, key: str) -> Response:
        extraction = extraction_for_user(request.user, review_id, extraction_id, write=True)
        data = FieldValueSerializer(data={**request.data, "key": key})
        data.is_valid(raise_exception=True)
        values = data.validated_data
        services.field_save(
            user=request.user,
            extraction=extraction,
            key=key,
            value=values["value"],
            source=values["source"],
            quote=values["quote"],
            flag=values["flag"],
        )
        return Response(extraction_data(extraction))


@extend_schema(tags=["extraction"])
class ArmView(ExtractionAPIView):
    @extend_schema(
        summary="Add or change the arm at a position (1, 2 … as the report's table orders them)",
        request=ArmSerializer,
        responses={200: ExtractionSerializer, 409: LOCKED},
    )
    def put(self, request: Request, review_id: int, extraction_id: int, position: int) -> Response:
        extraction = extraction_for_user(request.user, review_id, extraction_id, write=True)
        data = ArmSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.arm_save(
            user=request.user, extraction=extraction, position=position, **data.validated_data
        )
        return Response(extraction_data(extraction))

    @extend_schema(summary="Remove an arm and its values", responses={200: ExtractionSerializer})
    def delete(self, request: Request, review_id: int, extraction_id: int, position: int):
        extraction = extraction_for_user(request.user, review_id, extraction_id, write=True)
        services.arm_delete(user=request.user, extraction=extraction, position=position)
        return Response(extraction_data(extraction))


class CellSerializer(serializers.Serializer):
    arm = serializers.IntegerField(allow_null=True, help_text="Position; null: within-person.")
    format = serializers.CharField(required=False, allow_blank=True, default="")
    values = serializers.DictField(
        child=serializers.CharField(allow_blank=True, allow_null=True),
        help_text=f"Numbers as typed, by name: {', '.join(ALL_INPUTS)}.",
    )
    source = serializers.CharField(required=False, allow_blank=True, default="")
    quote = serializers.CharField(required=False, allow_blank=True, default="")
    flag = serializers.CharField(required=False, allow_blank=True, default="")


class OutcomeRowSerializer(serializers.Serializer):
    outcome = serializers.CharField()
    timepoint = serializers.CharField()
    cells = CellSerializer(many=True)


@extend_schema(tags=["extraction"])
class OutcomeRowView(ExtractionAPIView):
    @extend_schema(
        summary="Save an outcome at a time point, every arm at once (all or none)",
        description="Formats: mean_sd, mean_se, mean_ci, median_iqr, median_range, "
        "median_iqr_range, change_sd, events_total, not_reported; the within-person row "
        "(arm null) of a paired design takes n, r, diff_mean, diff_sd, diff_se. A cell without "
        "numbers clears its value.",
        request=OutcomeRowSerializer,
        responses={200: ExtractionSerializer, 409: LOCKED},
    )
    def put(self, request: Request, review_id: int, extraction_id: int) -> Response:
        extraction = extraction_for_user(request.user, review_id, extraction_id, write=True)
        data = OutcomeRowSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.outcome_row_save(user=request.user, extraction=extraction, **data.validated_data)
        return Response(extraction_data(extraction))


@extend_schema(tags=["extraction"])
class ExtractionDoneView(ExtractionAPIView):
    @extend_schema(
        summary="Mark your extraction done (400 lists what is missing)",
        request=None,
        responses={200: ExtractionSerializer, 409: LOCKED},
    )
    def post(self, request: Request, review_id: int, extraction_id: int) -> Response:
        extraction = extraction_for_user(request.user, review_id, extraction_id, write=True)
        services.extraction_done(user=request.user, extraction=extraction)
        return Response(extraction_data(extraction))


@extend_schema(tags=["extraction"])
class ExtractionReopenView(ExtractionAPIView):
    @extend_schema(request=None, responses={200: ExtractionSerializer, 409: LOCKED})
    def post(self, request: Request, review_id: int, extraction_id: int) -> Response:
        extraction = extraction_for_user(request.user, review_id, extraction_id, write=True)
        services.extraction_reopen(user=request.user, extraction=extraction)
        return Response(extraction_data(extraction))


# Comparison and consensus ---------------------------------------------------------------------


class ItemSerializer(serializers.Serializer):
    item = serializers.CharField()
    label = serializers.CharField()
    values = serializers.ListField(child=serializers.CharField(), help_text="Per extraction.")
    consensus = serializers.CharField()
    differs = serializers.BooleanField()
    decision = serializers.DictField(allow_null=True)


class ComparisonSerializer(serializers.Serializer):
    study = serializers.IntegerField()
    extractions = serializers.ListField(child=serializers.DictField())
    consensus = serializers.DictField(allow_null=True)
    ready = serializers.BooleanField()
    items = ItemSerializer(many=True)


def comparison_data(found: consensus.Comparison) -> dict:
    return {
        "study": found.study.pk,
        "extractions": [
            {"id": e.pk, "extractor": e.extractor.get_username()} for e in found.extractions
        ],
        "consensus": (
            {"id": found.consensus.pk, "status": found.consensus.status}
            if found.consensus
            else None
        ),
        "ready": found.ready,
        "items": [
            {
                "item": item.key,
                "label": item.label,
                "values": item.shown,
                "consensus": item.consensus_shown,
                "differs": item.differs,
                "decision": (
                    {
                        "choice": item.decision.choice,
                        "by": item.decision.decided_by.get_username(),
                        "at": item.decision.decided_at.isoformat(),
                        "from": item.decision.accepted_from_id,
                    }
                    if item.decision
                    else None
                ),
            }
            for item in found.items
        ],
    }


def _viewable(request: Request, review_id: int, study_id: int):
    study = study_for_user(request.user, review_id, study_id)
    settings = selectors.extraction_settings(study.review)
    if not consensus.can_view(study, study.review.membership, settings):
        raise PermissionDenied(
            _(
                "Extraction is blinded: the comparison opens to leads and the arbiter once every "
                "required extraction is done, and to everyone once the consensus is complete."
            )
        )
    return study


@extend_schema(tags=["extraction"])
class ComparisonView(ExtractionAPIView):
    @extend_schema(responses=ComparisonSerializer)
    def get(self, request: Request, review_id: int, study_id: int) -> Response:
        """Every item side by side, the differing ones marked, with the consensus so far."""
        study = _viewable(request, review_id, study_id)
        return Response(comparison_data(consensus.comparison(study)))


class AcceptSerializer(serializers.Serializer):
    item = serializers.CharField(help_text="e.g. field:country, arm:1, outcome:key|time|1")
    extraction = serializers.IntegerField(help_text="The extraction whose value is accepted.")


# A body-less consensus action refused by the study's state, which no schema can state.
NOT_READY = OpenApiResponse(
    description="Refused in the study's present state (extractions not all done, items "
    "undecided, or the consensus not complete): `detail` says which."
)


@extend_schema(tags=["extraction"])
class ConsensusAcceptView(ExtractionAPIView):
    @extend_schema(request=AcceptSerializer, responses={200: ComparisonSerializer, 409: LOCKED})
    def post(self, request: Request, review_id: int, study_id: int) -> Response:
        study = consensus_study_for_user(request.user, review_id, study_id)
        data = AcceptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        consensus.consensus_accept(
            user=request.user,
            study=study,
            item=data.validated_data["item"],
            extraction_id=data.validated_data["extraction"],
        )
        return Response(comparison_data(consensus.comparison(study)))


@extend_schema(tags=["extraction"])
class ConsensusAgreeingView(ExtractionAPIView):
    @extend_schema(
        summary="Take every item the extractors agree on",
        request=None,
        responses={200: ComparisonSerializer, 400: NOT_READY, 409: LOCKED},
    )
    def post(self, request: Request, review_id: int, study_id: int) -> Response:
        study = consensus_study_for_user(request.user, review_id, study_id)
        consensus.consensus_accept_agreeing(user=request.user, study=study)
        return Response(comparison_data(consensus.comparison(study)))


@extend_schema(tags=["extraction"])
class ConsensusCompleteView(ExtractionAPIView):
    @extend_schema(
        summary="Complete the consensus (400 lists what is undecided or missing)",
        request=None,
        responses={200: ComparisonSerializer, 400: NOT_READY, 409: LOCKED},
    )
    def post(self, request: Request, review_id: int, study_id: int) -> Response:
        study = consensus_study_for_user(request.user, review_id, study_id)
        consensus.consensus_complete(user=request.user, study=study)
        return Response(comparison_data(consensus.comparison(study)))


@extend_schema(tags=["extraction"])
class ConsensusReopenView(ExtractionAPIView):
    @extend_schema(request=None, responses={200: ComparisonSerializer, 400: NOT_READY, 409: LOCKED})
    def post(self, request: Request, review_id: int, study_id: int) -> Response:
        study = consensus_study_for_user(request.user, review_id, study_id)
        consensus.consensus_reopen(user=request.user, study=study)
        return Response(comparison_data(consensus.comparison(study)))
