"""A plain HTTP app for the proxy's supervision and forwarding tests: standard library only."""
import hashlib
import json
import os
import subprocess
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Started by the proxy: a grandchild proves that stopping the proxy leaves no process behind.
grandchild = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])


def start_daemon():
    """A daemon as debugpy's adapter makes itself: forked twice into a session of its own, so that it is in neither
    the app's process tree nor its process group, and holding the app's stdout and stderr open."""
    read_end, write_end = os.pipe()
    first = os.fork()
    if first == 0:
        os.setsid()
        if os.fork() == 0:
            os.write(write_end, str(os.getpid()).encode())
            time.sleep(600)
        os._exit(0)
    os.close(write_end)
    pid = int(os.read(read_end, 32))
    os.close(read_end)
    os.waitpid(first, 0)
    return pid


daemon = start_daemon()

# Lets a test see the "starting" state: the proxy must answer 502 until the port listens.
time.sleep(float(os.environ.get("PLAIN_APP_START_DELAY", "0")))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        if self.path.startswith("/stream"):
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for i in range(3):
                chunk = f"part {i}\n".encode()
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.flush()
                time.sleep(0.3)
            self.wfile.write(b"0\r\n\r\n")
            return
        names = ("PORT", "HTTP_PLATFORM_PORT", "WSGI_PTVSD_ADDRESS", "WSGI_PTVSD_SECRET", "PYTHONPATH", "GUNICORN_CMD_ARGS")
        self.reply(200, {
            "pid": os.getpid(),
            "grandchild": grandchild.pid,
            "daemon": daemon,
            "path": self.path,
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "env": {name: os.environ.get(name) for name in names},
        })

    def do_POST(self):
        remaining = int(self.headers.get("Content-Length", "0"))
        digest = hashlib.sha256()
        while remaining:
            chunk = self.rfile.read(min(remaining, 65536))
            if not chunk:
                break
            digest.update(chunk)
            remaining -= len(chunk)
        self.reply(201, {"sha256": digest.hexdigest()})

    def reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-App", "plain")
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
