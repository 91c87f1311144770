"""The project's URLs plus bench/form/, a minimal Django form, as the reference for bench/submissions.py.

The reference sits in front of the project's own URLs so that it is served by the same gunicorn
workers through the same middleware (sessions, CSRF, locale, page cache, CSP...): the ratio of the
appeal form's throughput to it then measures what the appeal path adds, not the server or the stack.
"""

from django import forms
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.urls import path
from django.utils.html import format_html

from appeals import urls as project_urls

# Created by bench/submissions.py with raw SQL: the reference must not depend on any project model.
REFERENCE_TABLE = "bench_reference_row"


class ReferenceForm(forms.Form):
    text = forms.CharField(max_length=200)


def reference_form(request):
    if request.method == "POST":
        form = ReferenceForm(request.POST)
        if form.is_valid():
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {REFERENCE_TABLE} (text) VALUES (%s)", [form.cleaned_data["text"]]
                )
            return HttpResponse("<!doctype html><title>saved</title><p>saved</p>")
        status = 400
    else:
        form, status = ReferenceForm(), 200
    # Rendered as plainly as possible, but with a real CSRF token and a real form, as the appeal form has.
    html = format_html(
        '<!doctype html><title>form</title><form method="post">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">{}<button>send</button></form>',
        get_token(request),
        form.as_p(),
    )
    response = HttpResponse(html, status=status)
    response["Cache-Control"] = "no-store"
    return response


urlpatterns = [path("bench/form/", reference_form, name="bench_reference_form"), *project_urls.urlpatterns]
