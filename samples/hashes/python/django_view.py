"""views.py: the billing page; portal_hash.py sits next to manage.py."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from portal_hash import portal_attributes


@login_required
def billing(request):
    # billing.html: <invoice-portal edge="https://billing.example.com" email="{{ portal.email }}"
    #     hash="{{ portal.hash }}" expires="{{ portal.expires }}"></invoice-portal>
    return render(request, "billing.html", {"portal": portal_attributes(request.user.email)})
