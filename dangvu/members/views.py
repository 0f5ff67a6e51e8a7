from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse


@login_required
def member_list(request: HttpRequest) -> HttpResponse:
    return HttpResponse("TODO")


@login_required
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse("TODO")
