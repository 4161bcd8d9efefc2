from django.contrib.contenttypes.models import ContentType
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path


def bare(request):
    return HttpResponse("ok")


def five_queries(request):
    """Five simple queries and a 5 KB template: the yardstick for an ordinary page."""
    rows = [ContentType.objects.filter(pk=n).first() for n in range(1, 6)]
    return render(request, "page.html", {"rows": rows})


urlpatterns = [path("", bare), path("page/", five_queries)]
