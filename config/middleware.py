from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


class RequestSizeLimitMiddleware:
    """Refuse a request whose declared body is larger than MAX_UPLOAD_SIZE, before reading it.

    Django's own DATA_UPLOAD_MAX_MEMORY_SIZE ignores file parts, so without this a client
    could stream any amount of data to disk.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.MAX_UPLOAD_SIZE
        if length > limit:
            message = (
                f"The upload is {length / 1048576:.1f} MB; the limit on this server is "
                f"{limit / 1048576:.0f} MB (setting MAX_UPLOAD_MB)."
            )
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=413)
            return render(request, "errors/413.html", {"message": message}, status=413)
        return self.get_response(request)
