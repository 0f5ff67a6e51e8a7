from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from dangvu.accounts.models import TREE_READERS, Role, User


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Members land on their handbook (sổ tay đảng viên); everyone else on the organisation tree of their scope."""
    user = request.user
    assert isinstance(user, User)
    if user.role == Role.MEMBER:
        return redirect("handbook:home")
    if user.role in TREE_READERS:
        return redirect("orgs:tree")
    return redirect("accounts:password_change")
