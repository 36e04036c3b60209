from django.utils.translation import gettext_lazy as _
from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    """DRF's page-number pagination, strict about `page`: a value that is not a page number
    from 1 (an empty one too) answers 404 and says why, as a page past the end does, instead
    of quietly giving the first page; `last` is not a page number either."""

    last_page_strings = ()
    invalid_page_message = _("No page “{page_number}”: {message}.")

    def get_page_number(self, request, paginator):
        return request.query_params.get(self.page_query_param, 1)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
        return parameters
