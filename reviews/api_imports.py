"""REST API for search imports and records (/api/v1/reviews/{id}/imports/, …/records/)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from reviews import selectors
from reviews.access import import_for_user, review_for_user
from reviews.import_rejects import RecordsRefused, import_skip_invalid, rejected_text
from reviews.importers import generic_csv
from reviews.importers.formats import BY_NAME
from reviews.imports import import_file, import_stage, import_start
from reviews.models import BIBLIOGRAPHIC_FIELDS, Database, Record, SearchImport


class SearchImportSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.CharField(source="uploaded_by.username", read_only=True)
    job = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    # The import's state is its job's (reviews.jobs), told in the words of an import.
    status = serializers.ChoiceField(choices=SearchImport.Status.choices, read_only=True)
    error = serializers.CharField(read_only=True)
    completed_at = serializers.DateTimeField(
        source="job.finished_at", read_only=True, allow_null=True
    )

    class Meta:
        model = SearchImport
        fields = [
            "id",
            "database",
            "interface",
            "search_date",
            "search_string",
            "file_name",
            "file_sha256",
            "file_size",
            "format",
            "encoding",
            "status",
            "record_count",
            "warning_count",
            "warnings",
            "skipped_count",
            "skipped",
            "column_mapping",
            "rejected_count",
            "rejected",
            "skip_invalid",
            "error",
            "uploaded_by",
            "created_at",
            "completed_at",
            "job",
        ]
        read_only_fields = fields


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True)
    database = serializers.ChoiceField(choices=Database.choices)
    interface = serializers.CharField(required=False, allow_blank=True, max_length=100)
    search_date = serializers.DateField(required=False, allow_null=True)
    search_string = serializers.CharField(required=False, allow_blank=True)
    format = serializers.ChoiceField(choices=sorted(BY_NAME), required=False, allow_blank=True)
    encoding = serializers.CharField(required=False, allow_blank=True, max_length=32)
    confirm_duplicate = serializers.BooleanField(required=False, default=False)
    column_mapping = serializers.JSONField(
        required=False,
        help_text="For a CSV read as generic_csv: {field: column header}, e.g. "
        '{"title": "Title", "year": "Publication Year"} (a JSON object in this form field). '
        f"Fields: {', '.join(generic_csv.FIELDS)}. Fields left out are guessed from the header; "
        "the mapping used is in the import's preview.",
    )
    skip_invalid = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Import the valid records and skip the unusable ones (listed on the import) "
        "instead of refusing the whole file.",
    )

    def validate_column_mapping(self, value: object) -> dict[str, str]:
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            raise serializers.ValidationError(
                _("Give a JSON object of field names to column names.")
            )
        unknown = sorted(set(value) - set(generic_csv.FIELDS))
        if unknown:
            raise serializers.ValidationError(
                _("Not fields: %(unknown)s; the fields are %(fields)s.")
                % {"unknown": ", ".join(unknown), "fields": ", ".join(generic_csv.FIELDS)}
            )
        return value

    def validate(self, data: dict) -> dict:
        if data.get("column_mapping") and data.get("format", "") not in ("", generic_csv.NAME):
            raise serializers.ValidationError(
                {
                    "column_mapping": _("A column mapping reads the file as %(format)s.")
                    % {"format": generic_csv.NAME}
                }
            )
        return data


class SkipInvalidSerializer(serializers.Serializer):
    skip = serializers.IntegerField(
        min_value=1,
        help_text="The number of unusable records the refusal listed (rejected_count): the "
        "confirmation that these are the records to skip.",
    )


class RecordFilterSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, help_text="Words in the title")
    database = serializers.ChoiceField(choices=Database.choices, required=False)
    search_import = serializers.IntegerField(required=False, min_value=1)
    year = serializers.IntegerField(required=False, min_value=0)
    doi = serializers.CharField(required=False, allow_blank=True)
    pmid = serializers.CharField(required=False, allow_blank=True)


class RecordSerializer(serializers.ModelSerializer):
    database = serializers.CharField(source="search_import.database", read_only=True)

    class Meta:
        model = Record
        fields = [
            "id",
            "search_import",
            "database",
            "source_index",
            "source_line",
            *BIBLIOGRAPHIC_FIELDS,
            "raw",
        ]
        read_only_fields = fields


@extend_schema(tags=["imports"])
class ImportListView(generics.GenericAPIView):
    serializer_class = SearchImportSerializer
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(operation_id="reviews_imports_list", responses=SearchImportSerializer(many=True))
    def get(self, request: Request, review_id: int) -> Response:
        review = review_for_user(request.user, review_id)
        page = self.paginate_queryset(selectors.review_imports(review))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        request={"multipart/form-data": ImportUploadSerializer},
        responses={201: SearchImportSerializer, 202: SearchImportSerializer},
        description=(
            "Upload one export file. Files up to IMPORT_INLINE_MAX_MB are imported during the "
            "request (201, or 400 naming every unusable record and its line, all of them in "
            "errors.rejected); larger ones are imported by a worker (202; poll the import or "
            "its job). With skip_invalid the valid records are imported and the unusable ones "
            "skipped and listed on the import."
        ),
    )
    def post(self, request: Request, review_id: int) -> Response:
        review = review_for_user(request.user, review_id, write=True)
        upload = ImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        data = upload.validated_data
        args = {
            "user": request.user,
            "review": review,
            "upload": data["file"],
            "database": data["database"],
            "interface": data.get("interface", ""),
            "search_date": data.get("search_date"),
            "search_string": data.get("search_string", ""),
            "format_name": generic_csv.NAME
            if data.get("column_mapping")
            else data.get("format", ""),
            "column_mapping": data.get("column_mapping") or None,
            "encoding": data.get("encoding", ""),
            "skip_invalid": data["skip_invalid"],
        }
        if data["file"].size <= settings.IMPORT_INLINE_MAX_SIZE:
            try:
                search_import = import_file(confirm_duplicate=data["confirm_duplicate"], **args)
            except RecordsRefused as refusal:
                # Every unusable record, not only the first: the client fixes them at once.
                # The shape of every validation error (config/errors.py).
                body = {
                    "detail": " ".join(refusal.messages),
                    "errors": {"rejected": [rejected_text(item) for item in refusal.rejected]},
                }
                return Response(body, status=status.HTTP_400_BAD_REQUEST)
            return Response(self.get_serializer(search_import).data, status=status.HTTP_201_CREATED)
        search_import = import_stage(**args)
        try:
            import_start(
                user=request.user,
                search_import=search_import,
                confirm_duplicate=data["confirm_duplicate"],
            )
        except ValidationError:
            search_import.file.delete(save=False)
            search_import.delete()
            raise
        search_import.refresh_from_db()
        return Response(self.get_serializer(search_import).data, status=status.HTTP_202_ACCEPTED)


@extend_schema(tags=["imports"])
class ImportDetailView(generics.GenericAPIView):
    serializer_class = SearchImportSerializer

    def get(self, request: Request, review_id: int, import_id: int) -> Response:
        search_import = import_for_user(request.user, review_id, import_id)
        return Response(self.get_serializer(search_import).data)


@extend_schema(tags=["imports"])
class ImportSkipInvalidView(generics.GenericAPIView):
    serializer_class = SearchImportSerializer

    @extend_schema(
        request=SkipInvalidSerializer,
        responses={
            202: SearchImportSerializer,
            409: OpenApiResponse(
                description="The import was not refused for unusable records, or `skip` is "
                "not its rejected_count."
            ),
        },
        description=(
            "Import a refused file's valid records and skip its unusable ones (a job, as for "
            "a large upload). `skip` must be the import's rejected_count: the confirmation "
            "that these are the records to skip."
        ),
    )
    def post(self, request: Request, review_id: int, import_id: int) -> Response:
        search_import = import_for_user(request.user, review_id, import_id, write=True)
        body = SkipInvalidSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            import_skip_invalid(
                user=request.user, search_import=search_import, skip=body.validated_data["skip"]
            )
        except ValidationError as exc:
            # The import's state, not the request, is what does not fit.
            return Response({"detail": " ".join(exc.messages)}, status=status.HTTP_409_CONFLICT)
        search_import = import_for_user(request.user, review_id, import_id)
        return Response(self.get_serializer(search_import).data, status=status.HTTP_202_ACCEPTED)


@extend_schema(tags=["records"])
class RecordListView(generics.GenericAPIView):
    serializer_class = RecordSerializer

    @extend_schema(
        operation_id="reviews_records_list",
        responses=RecordSerializer(many=True),
        parameters=[RecordFilterSerializer],
    )
    def get(self, request: Request, review_id: int) -> Response:
        review = review_for_user(request.user, review_id)
        # A plain dict: DRF reads an empty value in a QueryDict as a missing one, but
        # `?year=` is not a year.
        filters = RecordFilterSerializer(data=request.query_params.dict())
        filters.is_valid(raise_exception=True)
        # The page's filters are strings (and ignore what they cannot read); give them the
        # validated values in that form.
        params = {name: str(value) for name, value in filters.validated_data.items()}
        records = selectors.filter_records(selectors.review_records(review), params)
        page = self.paginate_queryset(records)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
