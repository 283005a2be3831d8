"""Ptvsd bootstrap: start debugpy on loopback inside the Python web app.

Ptvsd.WebSocketProxy starts the app with this folder first on PYTHONPATH, so Python
imports this module at start-up (``site`` imports ``sitecustomize``) before any of the
app's code runs. It reads:

  WSGI_PTVSD_ADDRESS      host:port for debugpy (default localhost:5678); loopback only.
  PTVSD_BOOTSTRAP_REPORT  optional path; a JSON status file is written there.
  PTVSD_BOOTSTRAP_NODELAY which debugger sockets get TCP_NODELAY: "all" (the default: pydevd's
                          and debugpy's adapter's), "pydevd" (pydevd's only) or "off"; the
                          last two exist to measure the difference.
  PTVSD_BOOTSTRAP_SOCKETS optional path; one JSON line per socket given TCP_NODELAY is
                          appended there, with getsockopt's answer (a diagnostic).

and sets PTVSD_BOOTSTRAP_PID so that Python child processes, which inherit PYTHONPATH
and import this module again, leave debugging alone.

The proxy also sets PTVSD_PROXY_PID (itself) and PTVSD_APP_TREE (a marker every process
of this start of the app inherits). The app's first process and debugpy's adapter, and
every process forked from them, watch the proxy: when it dies, even by SIGKILL, which
leaves it no chance to clean up, they end every process carrying the marker, and then
themselves, so no debugger or app outlives its proxy.

Whatever happens, this module never raises: a broken debugger must not take the site
down. Failures are one ``ptvsd-bootstrap:`` line on stderr, and the app runs undebugged.
Keep it Python 3.7+ and free of third-party imports other than debugpy itself.
"""

import os
import sys

_PREFIX = "ptvsd-bootstrap:"
_DEFAULT_ADDRESS = "localhost:5678"
# Set by the first process of the tree. Its children (the debugpy adapter, which is
# itself a Python process; Flask's reloader child; anything run with subprocess) see it
# and must not try to own the same port. debugpy attaches to those children on its own.
_OWNER_VARIABLE = "PTVSD_BOOTSTRAP_PID"
_NODELAY_VARIABLE = "PTVSD_BOOTSTRAP_NODELAY"
_SOCKETS_VARIABLE = "PTVSD_BOOTSTRAP_SOCKETS"
_PROXY_PID_VARIABLE = "PTVSD_PROXY_PID"
_TREE_VARIABLE = "PTVSD_APP_TREE"
_shadowed = None  # The sitecustomize module ours hides, once it has run.


def _say(message):
    try:
        sys.stderr.write("%s %s\n" % (_PREFIX, message))
        sys.stderr.flush()
    except Exception:
        pass  # No usable stderr (pythonw, closed handle): stay silent rather than fail.


def _chain_shadowed_sitecustomize():
    """Run the sitecustomize that ours hides, e.g. Debian's /usr/lib/python3.11/sitecustomize.py.

    Python imports only the first ``sitecustomize`` on sys.path, and our folder is first.
    Without this, putting the bootstrap on PYTHONPATH would silently switch off the
    distro's or the virtualenv's customization.
    """
    import importlib.machinery
    import importlib.util

    def key(entry):
        return os.path.normcase(os.path.realpath(entry or os.curdir))

    here = key(os.path.dirname(os.path.abspath(__file__)))
    keys = [key(entry) for entry in sys.path]
    if here not in keys:
        return  # Loaded some other way; we can't tell what we shadow.
    first = keys.index(here) + 1
    rest = [entry for entry, k in zip(sys.path[first:], keys[first:]) if k != here]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", rest)
    if spec is None or spec.loader is None:
        return
    global _shadowed  # Keep it alive, as if it had been imported: its hooks may need its globals.
    try:
        _shadowed = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(_shadowed)
    except Exception as exc:
        # Same policy as site.py for a failing sitecustomize: report and carry on.
        _say("error in %s: %s: %s" % (spec.origin, type(exc).__name__, exc))


def _parse_address(text):
    """'host:port', '[::1]:port' or '::1:port' -> (host, port); ValueError if malformed."""
    host, colon, port = text.strip().rpartition(":")
    host = host.strip().strip("[]")
    if not colon or not host:
        raise ValueError("expected host:port")
    port = int(port)
    if not 0 < port < 65536:
        raise ValueError("port out of range")
    return host, port


def _is_loopback(host):
    import ipaddress

    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # Any other name could resolve to a routable interface.


def _nodelay_mode():
    mode = (os.environ.get(_NODELAY_VARIABLE) or "all").strip().lower()
    return mode if mode in ("all", "pydevd", "off") else "all"


def _set_nodelay(sock, role):
    """TCP_NODELAY on a TCP socket; with PTVSD_BOOTSTRAP_SOCKETS set, record what the socket now says."""
    import socket

    try:
        if sock.family not in (socket.AF_INET, getattr(socket, "AF_INET6", None)) or sock.type != socket.SOCK_STREAM:
            return
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except Exception:
        return  # Closed already, or not ours to change: the debugger works as it would without us.
    path = os.environ.get(_SOCKETS_VARIABLE)
    if path:
        try:
            import json

            line = json.dumps({"pid": os.getpid(), "role": role,
                               "nodelay": sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)})
            with open(path, "a") as f:
                f.write(line + "\n")
        except Exception as exc:
            _say("cannot record socket in %s: %s" % (path, exc))


def _is_debugpy_adapter():
    """True in the adapter process debugpy.listen() spawns: python <...>/debugpy/adapter --for-server ..."""
    argv = getattr(sys, "argv", None) or []  # Set before sitecustomize runs from Python 3.8 on.
    if "--for-server" not in argv:
        return False
    if argv[:2] == ["-m", "debugpy.adapter"]:
        return True
    program = os.path.normcase(os.path.normpath(argv[0]))
    return program.endswith(os.path.normcase(os.path.join("debugpy", "adapter")))


def _install_adapter_nodelay():
    """TCP_NODELAY on every TCP socket debugpy's adapter accepts or connects.

    The adapter writes to the client's connection and to pydevd's as pydevd does, a
    message in pieces, and without TCP_NODELAY a reply that follows an unacknowledged
    write waits for the peer's delayed ACK (~40 ms). This process is the adapter and
    nothing else, so every socket in it is a debugger socket: the app's are untouched.
    """
    import socket

    original_accept = socket.socket.accept
    original_connect = socket.socket.connect
    if getattr(original_accept, "_ptvsd_nodelay", False):
        return

    def accept(self):
        connection, address = original_accept(self)
        _set_nodelay(connection, "adapter-accepted")
        return connection, address

    def connect(self, address):
        original_connect(self, address)
        _set_nodelay(self, "adapter-connected")

    accept._ptvsd_nodelay = True
    socket.socket.accept = accept
    socket.socket.connect = connect


def _install_nodelay_hook(pydevd):
    """Turn on TCP_NODELAY on every socket pydevd uses to talk to debugpy's adapter.

    pydevd sends each message as two writes (header, then body) and never sets
    TCP_NODELAY, so with Nagle plus delayed ACKs most replies wait ~40 ms for the
    body. ``PyDB.initialize_network`` receives the connected socket on every path that
    creates one (listen, and the reconnect of a forked child, e.g. a gunicorn worker),
    so wrapping it covers them all without copying pydevd's connect logic.
    """
    import functools

    original = pydevd.PyDB.initialize_network
    if getattr(original, "_ptvsd_nodelay", False):
        return

    @functools.wraps(original)
    def initialize_network(self, sock, *args, **kwargs):
        _set_nodelay(sock, "pydevd")
        return original(self, sock, *args, **kwargs)

    initialize_network._ptvsd_nodelay = True
    pydevd.PyDB.initialize_network = initialize_network


def _end_app_tree(marker):
    """SIGKILL every process whose environment carries ``marker``, this one last."""
    import signal

    entry = ("%s=%s" % (_TREE_VARIABLE, marker)).encode()
    me = os.getpid()
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == me:
            continue
        try:
            with open("/proc/%s/environ" % name, "rb") as f:
                if entry in f.read().split(b"\0"):
                    os.kill(int(name), signal.SIGKILL)
        except OSError:
            pass  # Gone already, or another user's: not of this tree either way.
    os.kill(me, signal.SIGKILL)


def _watch_proxy():
    """End this app tree when the proxy that started it dies. Linux only; quietly nothing elsewhere."""
    marker = os.environ.get(_TREE_VARIABLE)
    try:
        proxy = int(os.environ.get(_PROXY_PID_VARIABLE) or "")
    except ValueError:
        return
    if not marker or not sys.platform.startswith("linux"):
        return

    import threading

    def wait_for_proxy_exit():
        try:
            # A pidfd becomes readable when the process exits, whoever reaps it, and cannot be fooled by pid reuse.
            fd = os.pidfd_open(proxy)
        except ProcessLookupError:
            fd = None  # Gone already.
        except (AttributeError, OSError):
            fd = -1  # Python before 3.9 or Linux before 5.3: poll instead.
        if fd is not None and fd >= 0:
            import select

            select.select([fd], [], [])
        elif fd == -1:
            import time

            while True:
                time.sleep(1)
                try:
                    os.kill(proxy, 0)
                except ProcessLookupError:
                    break
                except OSError:
                    pass  # Alive, only not ours to signal.
        _end_app_tree(marker)

    def start():
        threading.Thread(target=wait_for_proxy_exit, name="ptvsd-proxy-watch", daemon=True).start()

    start()
    # Threads do not survive fork: gunicorn's workers, and the daemon debugpy's adapter makes of itself, watch anew.
    if hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=start)


def _write_report(path, report):
    import json

    temp = "%s.%d.tmp" % (path, os.getpid())
    try:
        with open(temp, "w") as f:
            json.dump(report, f)
        os.replace(temp, path)  # Readers see the old file or the whole new one, never half.
    except Exception as exc:
        _say("cannot write report %s: %s" % (path, exc))
        try:
            os.remove(temp)
        except OSError:
            pass


def _start_debugging():
    """Listen once; return the report. Every failure becomes report['error'] and one line."""
    address = os.environ.get("WSGI_PTVSD_ADDRESS") or _DEFAULT_ADDRESS
    report = {
        "pid": os.getpid(),
        "python": sys.version,
        "debugpy": None,
        "address": address,
        "listening": False,
        "error": None,
    }

    def fail(message):
        report["error"] = message
        _say(message + "; the app runs without the debugger")
        return report

    try:
        host, port = _parse_address(address)
    except ValueError as exc:
        return fail("bad WSGI_PTVSD_ADDRESS %r (%s): use host:port, e.g. 127.0.0.1:5678" % (address, exc))
    if not _is_loopback(host):
        # debugpy has no authentication: whoever reaches its port can run code here.
        # Only the authenticated proxy, on this machine, may reach it.
        return fail("refusing to listen on non-loopback WSGI_PTVSD_ADDRESS %s: debugpy has no "
                    "authentication; use 127.0.0.1:<port>" % address)

    # pydevd warns on stderr that the stdlib's frozen modules may miss breakpoints (Python
    # 3.11+). That concerns only breakpoints inside the stdlib, not the app, and the noise
    # would look like a failure in the site's log; a user's own setting still wins.
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    try:
        import debugpy
        from debugpy.server import api  # Puts debugpy's pydevd on sys.path and imports it.
    except ImportError as exc:
        return fail("cannot import debugpy (%s) into %s: add debugpy to requirements.txt, or "
                    "'pip install debugpy', or 'apt-get install python3-debugpy'"
                    % (exc, sys.executable))
    except Exception as exc:
        return fail("debugpy failed to load: %s: %s" % (type(exc).__name__, exc))
    report["debugpy"] = getattr(debugpy, "__version__", None)

    try:
        if _nodelay_mode() != "off":
            _install_nodelay_hook(api.pydevd)
    except Exception as exc:
        _say("TCP_NODELAY hook not installed (%s: %s); debugging works, just slower"
             % (type(exc).__name__, exc))

    try:
        debugpy.listen((host, port))
    except Exception as exc:
        if "in use" in str(exc).lower():
            hint = ("another process (an old instance of this app?) has port %d: stop it or set "
                    "WSGI_PTVSD_ADDRESS to a free port" % port)
        else:
            hint = "check WSGI_PTVSD_ADDRESS (debugpy 1.6 listens on IPv4 only, e.g. 127.0.0.1:5678)"
        return fail("debugpy.listen(%s) failed: %s; %s" % (address, exc, hint))

    report["listening"] = True
    _say("debugpy %s listening on %s (pid %d)" % (report["debugpy"], address, os.getpid()))
    return report


def _start_watching():
    try:
        _watch_proxy()
    except Exception as exc:
        _say("cannot watch the proxy (%s: %s); if it dies, this app may outlive it" % (type(exc).__name__, exc))


def _main():
    try:
        _chain_shadowed_sitecustomize()
    except Exception as exc:
        _say("cannot look for another sitecustomize: %s" % exc)

    if os.environ.get(_OWNER_VARIABLE):
        # A parent already made the decision for this process tree; if this is the adapter
        # it started, its sockets are the debugger's.
        if _is_debugpy_adapter():
            _start_watching()
            if _nodelay_mode() == "all":
                try:
                    _install_adapter_nodelay()
                except Exception as exc:
                    _say("TCP_NODELAY not set in debugpy's adapter (%s: %s); debugging works, just slower"
                         % (type(exc).__name__, exc))
        return
    # Before listen: debugpy's adapter is a child Python that imports this module too.
    os.environ[_OWNER_VARIABLE] = str(os.getpid())
    _start_watching()

    report = _start_debugging()
    path = os.environ.get("PTVSD_BOOTSTRAP_REPORT")
    if path:
        _write_report(path, report)


try:
    _main()
except Exception as exc:  # A bug of ours must never stop the app from starting.
    _say("internal error, continuing without the debugger: %s: %s" % (type(exc).__name__, exc))
