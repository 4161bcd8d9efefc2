"""One JSON line per request on stdout: what was asked, how it went, how long it took.

It names the route, never the path (paths can hold invitation tokens and certificate codes), and
never logs who made the request, what they sent, or any header but the request id.
"""

import json
import logging
import re
import time
import uuid

logger = logging.getLogger("sof.requests")
# A request id offered by the proxy in front is kept if it looks like one; otherwise a new one is made.
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class JsonFormatter(logging.Formatter):
    """Log records as single-line JSON objects, with any `fields` passed in `extra`."""

    def format(self, record):
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info).splitlines()[-1]
        return json.dumps(entry, ensure_ascii=False)


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        offered = request.META.get("HTTP_X_REQUEST_ID", "")  # not request.headers, which copies them all
        request.request_id = offered if REQUEST_ID.match(offered) else uuid.uuid4().hex
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        route = match.view_name if match else None
        log_request(request.method, route, response.status_code, started, request.request_id)
        response["X-Request-ID"] = request.request_id
        return response


def log_request(method: str, route: str | None, status: int, started: float, request_id: str) -> None:
    """The request's line: `started` is its `time.perf_counter()` when it arrived."""
    duration_ms = round((time.perf_counter() - started) * 1000, 1)
    fields = {"method": method, "route": route, "status": status, "duration_ms": duration_ms, "request_id": request_id}
    logger.info("request", extra={"fields": fields})
