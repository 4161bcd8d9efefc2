"""gunicorn settings for `make serve`: sync workers, as many as the CPUs can keep busy.

Processes tell each other what changed (a parent's progress, a new password, a published lesson)
through the shared cache. Without one (no REDIS_URL) each process would keep its own idea of what
is current, so then there is one worker unless GUNICORN_WORKERS says otherwise.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
_shared_cache = bool(os.environ.get("REDIS_URL"))
workers = int(os.environ.get("GUNICORN_WORKERS") or (multiprocessing.cpu_count() * 2 + 1 if _shared_cache else 1))
worker_class = "sync"
timeout = 30
graceful_timeout = 20
keepalive = 5
# Load the site once, before forking, so workers start at once and share memory.
preload_app = True
# One JSON line per request comes from the site itself (core.request_log); gunicorn's own is off.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Recycle workers now and then, so a slow leak can never grow without bound; rarely, because a new
# worker starts with empty per-process caches (templates, courses, page fragments) and its first
# requests take a tenth of a second each: at 5,000 under load a worker was replaced every few seconds.
max_requests = 50_000
max_requests_jitter = 5_000
# Trust no header to change the request's path: gunicorn would otherwise take SCRIPT_NAME and PATH_INFO
# from any request arriving from 127.0.0.1 (where the proxy, or anyone on the machine, connects from),
# and Django would build every link under that prefix. The scheme is Django's to read, from the one
# header the deploy guide names (DJANGO_SECURE_PROXY_SSL_HEADER), not gunicorn's.
forwarder_headers = ""
secure_scheme_headers = {}
