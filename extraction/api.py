"""REST API for extraction (/api/v1/reviews/{id}/extraction/…): settings, the form, studies and
their reports, the lock, snapshots and their exports, and the spreadsheet import. Extractions,
values and consensus are in `api_entry`.

Viewers read; reviewers extract; leads build the form, manage studies and reports, build
consensus (with the arbiter), lock, unlock and import. While extraction is locked every write
answers 409 with the reason.
"""

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from extraction import exports, importer, locking, selectors, services
from extraction.access import snapshot_for_user, study_for_user
from extraction.models import Design, Snapshot, Study
from extraction.services import ExtractionLocked, ExtractionNotLocked
from reviews.access import review_for_user
from reviews.models import Membership


class ExtractionAPIView(APIView):
    """Answers 409 Conflict when extraction of the review is locked."""

    def handle_exception(self, exc):
        if isinstance(exc, ExtractionLocked | ExtractionNotLocked):
            return Response({"detail": " ".join(exc.messages)}, status=status.HTTP_409_CONFLICT)
        return super().handle_exception(exc)


LOCKED = OpenApiResponse(description="Extraction of the review is locked.")


# Settings and form ----------------------------------------------------------------------------


class SettingsSerializer(serializers.Serializer):
    extractors_required = serializers.IntegerField(min_value=1, max_value=2, required=False)
    assumed_r = serializers.FloatField(min_value=-1, max_value=1, required=False)
    arbiter = serializers.CharField(
        required=False, allow_null=True, help_text="Username of a reviewer, or null."
    )


def _settings_data(settings) -> dict:
    return {
        "extractors_required": settings.extractors_required,
        "assumed_r": settings.assumed_r,
        "arbiter": settings.arbiter.get_username() if settings.arbiter_id else None,
    }


@extend_schema(tags=["extraction"])
class SettingsView(ExtractionAPIView):
    @extend_schema(responses=SettingsSerializer)
    def get(self, request: Request, review_id: int) -> Response:
        review = review_for_user(request.user, review_id)
        return Response(_settings_data(selectors.extraction_settings(review)))

    @extend_schema(request=SettingsSerializer, responses={200: SettingsSerializer, 409: LOCKED})
    def patch(self, request: Request, review_id: int) -> Response:
        review = review_for_user(request.user, review_id, lead=True)
        data = SettingsSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if values.get("arbiter"):
            member = Membership.objects.filter(
                review=review, user__username=values["arbiter"]
            ).first()
            if member is None:
                raise serializers.ValidationError({"arbiter": _("Not a member of this review.")})
            values["arbiter"] = member.user
        settings = services.settings_update(lead=request.user, review=review, data=values)
        return Response(_settings_data(settings))


class FormSerializer(serializers.Serializer):
    version = serializers.IntegerField(read_only=True, allow_null=True)
    definition = serializers.DictField(
        help_text='{"fields": [{key, label, type, required, help, choices}], "outcomes": '
        "[{key, name, type, unit, direction, timepoints, primary}]}"
    )


@extend_schema(tags=["extraction"])
class FormView(ExtractionAPIView):
    @extend_schema(responses=FormSerializer)
    def get(self, request: Request, review_id: int) -> Response:
        """The current form (the default template before a lead saves one: version null)."""
        review = review_for_user(request.user, review_id)
        current = selectors.form_current(review)
        return Response(
            {
                "version": current.number if current else None,
                "definition": selectors.form_definition(review),
            }
        )

    @extend_schema(request=FormSerializer, responses={200: FormSerializer, 409: LOCKED})
    def put(self, request: Request, review_id: int) -> Response:
        """Save the form: a new version once extraction has started."""
        review = review_for_user(request.user, review_id, lead=True)
        data = FormSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = services.form_save(
            lead=request.user, review=review, definition=data.validated_data["definition"]
        )
        return Response({"version": version.number, "definition": version.definition})


@extend_schema(tags=["extraction"])
class FormVersionsView(ExtractionAPIView):
    @extend_schema(
        operation_id="reviews_extraction_form_versions_list",
        responses=FormSerializer(many=True),
    )
    def get(self, request: Request, review_id: int) -> Response:
        review = review_for_user(request.user, review_id)
        return Response(
            [
                {"version": v.number, "definition": v.definition, "created_at": v.created_at}
                for v in review.form_versions.order_by("-number")
            ]
        )


# Studies ---------------------------------------------------------------------------------------


class ReportSerializer(serializers.Serializer):
    record = serializers.IntegerField()
    title = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    doi = serializers.CharField()
    included = serializers.BooleanField(help_text="Still included at full text.")


class ExtractionStateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    extractor = serializers.CharField(allow_null=True, help_text="Null for the consensus.")
    status = serializers.CharField()


class StudySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    label = serializers.CharField(max_length=100)
    design = serializers.ChoiceField(choices=[("", _("Not set")), *Design.choices], required=False)
    # Studies the API creates are added by hand, and those need their citation.
    citation = serializers.CharField()
    provenance = serializers.CharField(read_only=True)
    reports = ReportSerializer(many=True, read_only=True)
    extractions = ExtractionStateSerializer(many=True, read_only=True)
    consensus = ExtractionStateSerializer(read_only=True, allow_null=True)
    no_longer_included = serializers.BooleanField(read_only=True)


def study_data(row: selectors.StudyRow) -> dict:
    dropped = {r.record_id for r in row.dropped}
    return {
        "id": row.study.pk,
        "label": row.study.label,
        "design": row.study.design,
        "citation": row.study.citation,
        "provenance": row.study.provenance,
        "reports": [
            {
                "record": r.record_id,
                "title": selectors.publication(r.record)["title"],
                "year": selectors.publication(r.record)["year"],
                "doi": selectors.publication(r.record)["doi"],
                "included": r.record_id not in dropped,
            }
            for r in row.reports
        ],
        # Who extracts and how far they are; never what they entered.
        "extractions": [
            {"id": e.pk, "extractor": e.extractor.get_username(), "status": e.status}
            for e in row.extractions
        ],
        "consensus": (
            {"id": row.consensus.pk, "extractor": None, "status": row.consensus.status}
            if row.consensus
            else None
        ),
        "no_longer_included": row.no_longer_included,
    }


def _row(study: Study) -> selectors.StudyRow:
    return selectors.study_rows(study.review, selectors.studies(study.review).filter(pk=study.pk))[
        0
    ]


@extend_schema(tags=["extraction"])
class StudyListView(ExtractionAPIView):
    @extend_schema(
        operation_id="reviews_extraction_studies_list", responses=StudySerializer(many=True)
    )
    def get(self, request: Request, review_id: int) -> Response:
        """Every study; reports newly included at full text become studies first."""
        review = review_for_user(request.user, review_id)
        services.studies_sync(review=review)
        return Response([study_data(row) for row in selectors.study_rows(review)])

    @extend_schema(
        summary="Add a study by hand (found by other methods)",
        request=StudySerializer,
        responses={201: StudySerializer, 409: LOCKED},
    )
    def post(self, request: Request, review_id: int) -> Response:
        review = review_for_user(request.user, review_id, lead=True)
        data = StudySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        study = services.study_create(
            lead=request.user,
            review=review,
            label=data.validated_data["label"],
            citation=data.validated_data.get("citation", ""),
            design=data.validated_data.get("design", ""),
        )
        return Response(study_data(_row(study)), status=status.HTTP_201_CREATED)


@extend_schema(tags=["extraction"])
class StudyDetailView(ExtractionAPIView):
    @extend_schema(responses=StudySerializer)
    def get(self, request: Request, review_id: int, study_id: int) -> Response:
        study = study_for_user(request.user, review_id, study_id)
        return Response(study_data(_row(study)))

    @extend_schema(request=StudySerializer, responses={200: StudySerializer, 409: LOCKED})
    def patch(self, request: Request, review_id: int, study_id: int) -> Response:
        study = study_for_user(request.user, review_id, study_id, lead=True)
        data = StudySerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.study_update(lead=request.user, study=study, data=dict(data.validated_data))
        return Response(study_data(_row(study)))

    @extend_schema(responses={204: None, 409: LOCKED})
    def delete(self, request: Request, review_id: int, study_id: int) -> Response:
        study = study_for_user(request.user, review_id, study_id, lead=True)
        services.study_delete(lead=request.user, study=study)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LinkSerializer(serializers.Serializer):
    record = serializers.IntegerField(help_text="A record included at full text.")


@extend_schema(tags=["extraction"])
class ReportLinkView(ExtractionAPIView):
    @extend_schema(
        summary="Link an included report to the study",
        request=LinkSerializer,
        responses={200: StudySerializer, 409: LOCKED},
    )
    def post(self, request: Request, review_id: int, study_id: int) -> Response:
        study = study_for_user(request.user, review_id, study_id, lead=True)
        data = LinkSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.report_link(
            lead=request.user, study=study, record_id=data.validated_data["record"]
        )
        return Response(study_data(_row(study)))


@extend_schema(tags=["extraction"])
class ReportUnlinkView(ExtractionAPIView):
    @extend_schema(
        summary="Separate a report from the study (it becomes a study of its own)",
        responses={200: StudySerializer, 409: LOCKED},
    )
    def delete(self, request: Request, review_id: int, study_id: int, record_id: int) -> Response:
        study = study_for_user(request.user, review_id, study_id, lead=True)
        own = services.report_unlink(lead=request.user, study=study, record_id=record_id)
        return Response(study_data(_row(own)))


# Lock and snapshots ---------------------------------------------------------------------------


class SnapshotSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    sha256 = serializers.CharField()
    reason = serializers.CharField()
    created_by = serializers.CharField()
    created_at = serializers.DateTimeField()
    studies = serializers.IntegerField()
    downloads = serializers.DictField(child=serializers.CharField())


def snapshot_data(request: Request, snapshot: Snapshot) -> dict:
    base = f"/api/v1/reviews/{snapshot.review_id}/extraction/snapshots/{snapshot.version}/"
    return {
        "version": snapshot.version,
        "sha256": snapshot.sha256,
        "reason": snapshot.reason,
        "created_by": snapshot.created_by.get_username(),
        "created_at": snapshot.created_at,
        "studies": len(snapshot.data["studies"]),
        "downloads": {
            "csv": request.build_absolute_uri(base + "export.csv"),
            "xlsx": request.build_absolute_uri(base + "export.xlsx"),
            "metaanalyze": request.build_absolute_uri(base + "metaanalyze.csv"),
        },
    }


class LockStateSerializer(serializers.Serializer):
    locked = serializers.BooleanField()
    snapshot = SnapshotSerializer(allow_null=True)
    locked_by = serializers.CharField(allow_null=True)
    locked_at = serializers.DateTimeField(allow_null=True)
    missing = serializers.ListField(
        child=serializers.CharField(), help_text="What stops a lock, while unlocked."
    )


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


def lock_state(request: Request, review) -> dict:
    lock = selectors.lock_of(review)
    return {
        "locked": lock is not None,
        "snapshot": snapshot_data(request, lock.snapshot) if lock else None,
        "locked_by": lock.locked_by.get_username() if lock else None,
        "locked_at": lock.locked_at if lock else None,
        "missing": [] if lock else locking.lock_blockers(review),
    }


@extend_schema(tags=["extraction"])
class LockView(ExtractionAPIView):
    @extend_schema(responses=LockStateSerializer)
    def get(self, request: Request, review_id: int) -> Response:
        review = review_for_user(request.user, review_id)
        services.studies_sync(review=review)
        return Response(lock_state(request, review))

    @extend_schema(
        summary="Lock extraction and write the next snapshot",
        description="Refused (400, listing what is missing) until every study's consensus is "
        "complete.",
        request=ReasonSerializer,
        responses={201: LockStateSerializer, 409: LOCKED},
    )
    def post(self, request: Request, review_id: int) -> Response:
        review = review_for_user(request.user, review_id, lead=True)
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        locking.extraction_lock(
            lead=request.user, review=review, reason=data.validated_data["reason"]
        )
        return Response(lock_state(request, review), status=status.HTTP_201_CREATED)


class UnlockSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text="Why (the audit log keeps it).")


@extend_schema(tags=["extraction"])
class UnlockView(ExtractionAPIView):
    @extend_schema(
        request=UnlockSerializer,
        responses={
            200: LockStateSerializer,
            409: OpenApiResponse(description="Extraction of the review is not locked."),
        },
    )
    def post(self, request: Request, review_id: int) -> Response:
        review = review_for_user(request.user, review_id, lead=True)
        data = UnlockSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        locking.extraction_unlock(
            lead=request.user, review=review, reason=data.validated_data["reason"]
        )
        return Response(lock_state(request, review))


@extend_schema(tags=["extraction"])
class SnapshotListView(ExtractionAPIView):
    @extend_schema(
        operation_id="reviews_extraction_snapshots_list", responses=SnapshotSerializer(many=True)
    )
    def get(self, request: Request, review_id: int) -> Response:
        review = review_for_user(request.user, review_id)
        return Response([snapshot_data(request, s) for s in selectors.snapshots(review)])


class SnapshotDetailSerializer(SnapshotSerializer):
    data = serializers.JSONField(help_text="The hashed content (extraction.snapshots).")
    index = serializers.JSONField(help_text="Study label → database ids (not hashed).")


@extend_schema(tags=["extraction"])
class SnapshotDetailView(ExtractionAPIView):
    @extend_schema(responses=SnapshotDetailSerializer)
    def get(self, request: Request, review_id: int, version: int) -> Response:
        snapshot = snapshot_for_user(request.user, review_id, version)
        return Response(
            {**snapshot_data(request, snapshot), "data": snapshot.data, "index": snapshot.index}
        )


class _Download(ExtractionAPIView):
    def perform_content_negotiation(self, request: Request, force: bool = False):
        # Success is a file; errors are always JSON.
        return super().perform_content_negotiation(request, force=True)


def download(content, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@extend_schema(tags=["extraction"])
class SnapshotCsvView(_Download):
    @extend_schema(
        summary="The snapshot as CSV (one row per study × outcome × time point × arm)",
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR)},
    )
    def get(self, request: Request, review_id: int, version: int):
        snapshot = snapshot_for_user(request.user, review_id, version)
        name = f"review-{snapshot.review_id}-extraction-v{snapshot.version}.csv"
        return download(exports.snapshot_csv(snapshot), "text/csv; charset=utf-8", name)


@extend_schema(tags=["extraction"])
class SnapshotXlsxView(_Download):
    @extend_schema(
        summary="The snapshot as XLSX",
        responses={(200, XLSX): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    def get(self, request: Request, review_id: int, version: int):
        snapshot = snapshot_for_user(request.user, review_id, version)
        name = f"review-{snapshot.review_id}-extraction-v{snapshot.version}.xlsx"
        return download(exports.snapshot_xlsx(snapshot), XLSX, name)


@extend_schema(tags=["extraction"])
class SnapshotMetaanalyzeView(_Download):
    @extend_schema(
        summary="One outcome at one time point in the CSV layout `metaanalyze` reads",
        parameters=[
            OpenApiParameter("outcome", str, required=True, description="The outcome's key."),
            OpenApiParameter("timepoint", str, required=True),
            OpenApiParameter("layout", str, enum=["continuous", "paired", "binary"]),
        ],
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR)},
    )
    def get(self, request: Request, review_id: int, version: int):
        snapshot = snapshot_for_user(request.user, review_id, version)
        outcome = request.query_params.get("outcome", "")
        timepoint = request.query_params.get("timepoint", "")
        layout = request.query_params.get("layout") or None
        if outcome not in {o["key"] for o in snapshot.data["form"]["outcomes"]}:
            raise NotFound(
                _("Snapshot v%(version)s has no outcome “%(outcome)s”.")
                % {"version": snapshot.version, "outcome": outcome}
            )
        if layout not in (None, "continuous", "paired", "binary"):
            raise serializers.ValidationError({"layout": _("continuous, paired or binary.")})
        name = f"review-{snapshot.review_id}-v{snapshot.version}-{outcome}-{timepoint}.csv"
        body = exports.metaanalyze_csv(snapshot, outcome, timepoint, layout)
        return download(body, "text/csv; charset=utf-8", name.replace(" ", "_"))


# Import ----------------------------------------------------------------------------------------


class ImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV or XLSX, long format (see the README).")
    replace = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Replace the consensus data of studies that have some.",
    )


class ImportSummarySerializer(serializers.Serializer):
    rows = serializers.IntegerField()
    studies_added = serializers.ListField(child=serializers.CharField())
    studies_replaced = serializers.ListField(child=serializers.CharField())
    values = serializers.IntegerField()
    form_version = serializers.IntegerField()
    incomplete = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


@extend_schema(tags=["extraction"])
class ImportView(ExtractionAPIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        summary="Import extraction data from a spreadsheet, all rows or none",
        request=ImportSerializer,
        responses={201: ImportSummarySerializer, 409: LOCKED},
    )
    def post(self, request: Request, review_id: int) -> Response:
        review = review_for_user(request.user, review_id, lead=True)
        data = ImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        summary = importer.extraction_import(
            lead=request.user,
            review=review,
            file_name=upload.name,
            content=upload.read(),
            replace=data.validated_data["replace"],
        )
        return Response(summary.as_dict(), status=status.HTTP_201_CREATED)
