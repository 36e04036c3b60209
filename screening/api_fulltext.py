"""REST API for full texts (/api/v1/reviews/{id}/records/{record}/fulltext/…): the state of a
report's full text, uploading its PDF, marking it not retrieved, removing either, and the PDF
itself."""

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.serializers import JSONTypes
from reviews.access import review_for_user
from reviews.models import Record
from screening import fulltext, selectors
from screening.access import report_for_user
from screening.models import FullText
from screening.views_fulltext import pdf_response


class FullTextSerializer(serializers.Serializer):
    record = serializers.IntegerField()
    status = serializers.ChoiceField(
        choices=["none", "uploaded", "not_retrieved"],
        help_text="none: nothing yet; uploaded: a PDF is there; not_retrieved: marked as such.",
    )
    original_name = serializers.CharField()
    size = serializers.IntegerField(help_text="Bytes.")
    sha256 = serializers.CharField()
    pages = serializers.IntegerField(allow_null=True)
    note = serializers.CharField()
    updated_by = serializers.CharField(allow_null=True)
    updated_at = serializers.DateTimeField(allow_null=True)
    download = serializers.URLField(allow_null=True, help_text="The PDF, when there is one.")


class FullTextUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The report as a PDF.")


class NotRetrievedSerializer(JSONTypes, serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


def _state(request: Request, record: Record) -> dict:
    full_text = selectors.full_text(record)
    if full_text is None:
        full_text = FullText(record=record)
    if full_text.file:
        state = "uploaded"
        download = request.build_absolute_uri(
            reverse("api:fulltext-pdf", args=[record.review_id, record.pk])
        )
    else:
        state = "not_retrieved" if full_text.not_retrieved else "none"
        download = None
    data = {
        "record": record.pk,
        "status": state,
        "original_name": full_text.original_name,
        "size": full_text.size,
        "sha256": full_text.sha256,
        "pages": full_text.pages,
        "note": full_text.note,
        "updated_by": full_text.updated_by.get_username() if full_text.pk else None,
        "updated_at": full_text.updated_at,
        "download": download,
    }
    return FullTextSerializer(data).data


@extend_schema(tags=["screening"])
class FullTextView(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(summary="The state of a record's full text", responses=FullTextSerializer)
    def get(self, request: Request, review_id: int, record_id: int) -> Response:
        return Response(_state(request, report_for_user(request.user, review_id, record_id)))

    @extend_schema(
        summary="Upload the PDF of a report sought (replaces any earlier one)",
        description="The file must be a readable PDF within the server's size limit "
        "(FULLTEXT_MAX_MB). Uploading clears a “not retrieved” mark.",
        request=FullTextUploadSerializer,
        responses={201: FullTextSerializer},
    )
    def post(self, request: Request, review_id: int, record_id: int) -> Response:
        record = report_for_user(request.user, review_id, record_id, write=True)
        review = record.review
        data = FullTextUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fulltext.fulltext_upload(
            user=request.user,
            review=review,
            record_id=record.pk,
            upload=data.validated_data["file"],
        )
        return Response(_state(request, record), status=status.HTTP_201_CREATED)

    @extend_schema(summary="Remove the PDF or the “not retrieved” mark", responses={204: None})
    def delete(self, request: Request, review_id: int, record_id: int) -> Response:
        record = report_for_user(request.user, review_id, record_id, write=True)
        review = record.review
        fulltext.fulltext_remove(user=request.user, review=review, record_id=record.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["screening"])
class NotRetrievedView(APIView):
    @extend_schema(
        summary="Mark a report as not retrieved",
        description="The report leaves full-text screening and counts as not retrieved in "
        "PRISMA; any PDF is removed. Refused once it has full-text decisions.",
        request=NotRetrievedSerializer,
        responses=FullTextSerializer,
    )
    def post(self, request: Request, review_id: int, record_id: int) -> Response:
        record = report_for_user(request.user, review_id, record_id, write=True)
        review = record.review
        data = NotRetrievedSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fulltext.fulltext_mark_not_retrieved(
            user=request.user, review=review, record_id=record.pk, note=data.validated_data["note"]
        )
        return Response(_state(request, record))


@extend_schema(tags=["screening"])
class FullTextPdfView(APIView):
    def perform_content_negotiation(self, request: Request, force: bool = False):
        # Success is the PDF itself; only errors are rendered, always as JSON, even for a
        # client that asks for application/pdf.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        summary="The PDF of a record's full text",
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
            404: OpenApiResponse(description="No PDF for this record."),
        },
    )
    def get(self, request: Request, review_id: int, record_id: int):
        review = review_for_user(request.user, review_id)
        full_text = (
            FullText.objects.filter(review=review, record_id=record_id).exclude(file="").first()
        )
        if full_text is None:
            raise NotFound(_("This record has no full-text PDF."))
        return pdf_response(full_text)
