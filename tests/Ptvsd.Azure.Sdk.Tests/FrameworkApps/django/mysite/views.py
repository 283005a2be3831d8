"""The view added to a `django-admin startproject mysite` project, for the framework matrix.

It answers with the id of the process that served it; tests break on the ``breakpoint-here`` line.
"""

import os

from django.http import HttpResponse


def hello(request):
    name = request.GET.get("name", "world")
    greeting = f"Hello, {name}!"
    return HttpResponse(f"{greeting} (pid {os.getpid()})", content_type="text/plain")  # breakpoint-here
