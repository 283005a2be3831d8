"""FlaskHello: the smallest web app worth attaching a debugger to.

Run it directly (``python app.py``) or under a WSGI server (``gunicorn app:app``).
It listens on 127.0.0.1 and the port in $PORT (default 5000): in production a front
end (IIS HttpPlatformHandler, or Ptvsd.WebSocketProxy while debugging) forwards to it.

Tests find the line to break on by searching this file for the ``breakpoint-here``
marker, so keep that marker at the end of exactly one line. It sits on the ``return``
of ``hello()`` so that both locals, ``name`` and ``greeting``, exist when it is hit.
"""

import os

from flask import Flask, Response, request

app = Flask(__name__)


@app.route("/")
def hello():
    name = request.args.get("name", "world")
    greeting = f"Hello, {name}!"
    return greeting  # breakpoint-here


@app.route("/echo", methods=["POST"])
def echo():
    # Echo the raw body back with the caller's content type, so a test can check
    # that bodies pass through the proxy byte for byte.
    body = request.get_data()
    return Response(body, content_type=request.content_type or "application/octet-stream")


if __name__ == "__main__":
    # No Flask debugger or reloader: the reloader re-executes the process (a second
    # Python with its own debug server), and Werkzeug's debugger would run user code
    # from the browser. Threaded, so a request held at a breakpoint doesn't block others.
    port = int(os.environ.get("PORT", "5000"))
    app.run(host="127.0.0.1", port=port, debug=False, use_reloader=False, threaded=True)
