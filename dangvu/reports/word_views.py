"""`/bao-cao/xep-loai/word/?org=&nam=&quy=[&so=&noi=]`: the rating report as a Word document (HD 36).

Same readers and scope as the report page (member role 403, out of scope 404); `so` is the document's
number and `noi` the place of the date line, both optional (blank: left for the committee to fill in,
or read from the organisation's name).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from dangvu.lib.text import clean
from dangvu.reports import views as report_views
from dangvu.reports.docx_report import docx_filename, render_docx, report_context

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@never_cache
@login_required
def ratings_word(request: HttpRequest) -> HttpResponse:
    user = report_views._user(request)
    org, key = report_views._org_and_period(request, user)
    number = clean(request.GET.get("so", ""))[:20]
    place = clean(request.GET.get("noi", ""))[:60]
    try:
        context = report_context(org, key, number=number, place=place, today=timezone.localdate())
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(render_docx(context), content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{docx_filename(context)}"'
    return response
