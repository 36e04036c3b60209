from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reviews.fields import BIBLIOGRAPHIC_FIELDS, CITATION_FIELDS  # noqa: F401  (re-exported)
from reviews.importers.limits import FIELD_LIMITS
from reviews.models.jobs import Job
from reviews.models.review import Review


class Database(models.TextChoices):
    """The bibliographic databases a review searches (PRISMA: records identified from each)."""

    PUBMED = "pubmed", "PubMed / MEDLINE"
    EMBASE = "embase", "Embase"
    CENTRAL = "central", "Cochrane CENTRAL"
    CNKI = "cnki", "CNKI"
    WANFANG = "wanfang", _("Wanfang Data")
    VIP = "vip", _("VIP (CQVIP)")
    CBM = "cbm", _("CBM (SinoMed)")
    WOS = "wos", "Web of Science"
    SCOPUS = "scopus", "Scopus"
    CINAHL = "cinahl", "CINAHL"
    PSYCINFO = "psycinfo", "PsycINFO"
    PROQUEST = "proquest", "ProQuest"
    EBSCOHOST = "ebscohost", "EBSCOhost"
    CLINICALTRIALS = "clinicaltrials", "ClinicalTrials.gov"
    ICTRP = "ictrp", "WHO ICTRP"
    GOOGLE_SCHOLAR = "googlescholar", "Google Scholar"
    OTHER = "other", _("Other source")


class SearchImport(models.Model):
    """One uploaded export file: where it came from, how it was read, what it added."""

    class Status(models.TextChoices):
        STAGED = "staged", _("Awaiting confirmation")
        QUEUED = "queued", _("Queued")
        IMPORTING = "importing", _("Importing")
        COMPLETE = "complete", _("Imported")
        FAILED = "failed", _("Failed")

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="imports")
    database = models.CharField(max_length=16, choices=Database.choices)
    interface = models.CharField(
        max_length=100, blank=True, help_text="The platform searched, e.g. Ovid or Embase.com."
    )
    search_date = models.DateField(null=True, blank=True)
    search_string = models.TextField(blank=True)
    file = models.FileField(upload_to="imports/%Y/%m/", max_length=300)
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    file_size = models.BigIntegerField()
    format = models.CharField(max_length=32, blank=True)
    encoding = models.CharField(max_length=32, blank=True)
    format_forced = models.BooleanField(
        default=False, help_text="The user chose the format instead of detection."
    )
    encoding_forced = models.BooleanField(default=False)
    column_mapping = models.JSONField(default=dict, blank=True)
    record_count = models.PositiveIntegerField(default=0)
    warning_count = models.PositiveIntegerField(
        default=0, help_text="Records imported with minor gaps (no abstract, DOI, year …)."
    )
    warnings = models.JSONField(default=dict, blank=True)
    skipped_count = models.PositiveIntegerField(
        default=0, help_text="Parts of the file left out: text or elements that hold no record."
    )
    # The first of them, each {"kind", "message", "line", "end_line", "after_record"}
    # (after_record: how many records come before it in the file).
    skipped = models.JSONField(default=list, blank=True)
    # Records found but unusable (no title, a CSV row with the wrong number of fields …),
    # every one as {"record", "line", "message"}. A refusal names them all; the import is
    # then all or nothing unless the user chose to import the valid records and skip these.
    rejected = models.JSONField(default=list, blank=True)
    rejected_count = models.PositiveIntegerField(default=0)
    skip_invalid = models.BooleanField(
        default=False,
        help_text="The user chose to import the valid records and skip the unusable ones.",
    )
    preview = models.JSONField(default=dict, blank=True)
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    job = models.OneToOneField(
        Job,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="search_import",
        help_text="Set when the import is confirmed; the import's state is the job's.",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_database_display()})"

    @property
    def status(self) -> str:
        """Staged until confirmed; then its job's state, in the words of an import."""
        if self.job_id is None:
            return self.Status.STAGED
        return _IMPORT_STATUS[self.job.status]

    def get_status_display(self) -> str:
        return self.Status(self.status).label

    @property
    def warnings_of_every_record(self) -> list[str]:
        """Warnings that every record has: about the file (no abstract column), not a record."""
        return [k for k, n in self.warnings.items() if self.record_count and n == self.record_count]

    @property
    def warnings_of_some_records(self) -> dict[str, int]:
        every = self.warnings_of_every_record
        return {k: n for k, n in self.warnings.items() if k not in every}

    @property
    def error(self) -> str:
        return self.job.message if self.status == self.Status.FAILED else ""


_IMPORT_STATUS = {
    Job.Status.QUEUED: SearchImport.Status.QUEUED,
    Job.Status.RUNNING: SearchImport.Status.IMPORTING,
    Job.Status.SUCCEEDED: SearchImport.Status.COMPLETE,
    Job.Status.FAILED: SearchImport.Status.FAILED,
}


class Record(models.Model):
    """One bibliographic record as imported, with its source text kept verbatim."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="records")
    search_import = models.ForeignKey(
        SearchImport, on_delete=models.CASCADE, related_name="records"
    )
    source_index = models.PositiveIntegerField(help_text="Position in its file, from 1.")
    source_line = models.PositiveIntegerField(help_text="First line of the record in its file.")
    title = models.TextField()
    abstract = models.TextField(blank=True)
    authors = models.JSONField(default=list, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    journal = models.CharField(max_length=FIELD_LIMITS["journal"], blank=True)
    volume = models.CharField(max_length=FIELD_LIMITS["volume"], blank=True)
    issue = models.CharField(max_length=FIELD_LIMITS["issue"], blank=True)
    pages = models.CharField(max_length=FIELD_LIMITS["pages"], blank=True)
    doi = models.CharField(max_length=FIELD_LIMITS["doi"], blank=True, db_index=True)
    pmid = models.CharField(max_length=FIELD_LIMITS["pmid"], blank=True, db_index=True)
    other_ids = models.JSONField(default=dict, blank=True)
    keywords = models.JSONField(default=list, blank=True)
    language = models.CharField(max_length=FIELD_LIMITS["language"], blank=True)
    publication_type = models.CharField(max_length=FIELD_LIMITS["publication_type"], blank=True)
    translated_title = models.TextField(blank=True)
    raw = models.TextField(help_text="The record exactly as it appeared in the file.")
    cluster = models.ForeignKey(
        "reviews.DuplicateCluster",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )

    class Meta:
        ordering = ["search_import_id", "source_index"]
        constraints = [
            models.UniqueConstraint(
                fields=["search_import", "source_index"], name="one_record_per_file_position"
            ),
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__gte=1000, year__lte=2200),
                name="record_year_plausible",
            ),
        ]
        indexes = [
            models.Index(fields=["review", "search_import", "source_index"]),
            # Counting a review's screening units (which import, which duplicate group) from
            # the index alone on PostgreSQL, without reading the records' text: 56 → 14 ms at
            # 100,000 records (bench/RESULTS.md, "Screening under load").
            models.Index(
                fields=["review"], include=["id", "search_import", "cluster"], name="record_units"
            ),
        ]

    def __str__(self) -> str:
        return self.title[:120]
