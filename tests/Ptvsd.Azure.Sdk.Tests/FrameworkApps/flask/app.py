"""A Flask app as users write one, for the framework matrix: served by Flask's dev server, gunicorn and waitress.

The view answers with the id of the process that served it, so a test can check that the debugger stopped in
that very process (a gunicorn worker, not its master). Tests break on the ``breakpoint-here`` line.
"""

import os

from flask import Flask, request

app = Flask(__name__)


@app.route("/")
def hello():
    name = request.args.get("name", "world")
    greeting = f"Hello, {name}!"
    return f"{greeting} (pid {os.getpid()})"  # breakpoint-here
