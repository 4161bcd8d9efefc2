"""Static files answered before Django starts on a request: the site's most frequent and cheapest answer.

`make serve` wraps the site in `StaticFilesFirst` (config/wsgi.py). It serves what WhiteNoise
serves, configured from the same settings, with the headers the middleware would have added to a
static file (see `tests/test_static_files.py`) and the same one-line JSON log. Anything else,
including a plain-HTTP request that must be redirected to HTTPS, goes on to Django, whose own
WhiteNoise middleware serves static files under `runserver` and in tests.
"""

import time
import uuid

from django.conf import settings
from whitenoise.middleware import WhiteNoiseMiddleware
from whitenoise.string_utils import decode_path_info

from core.middleware import CROSS_ORIGIN_RESOURCE_POLICY, PERMISSIONS_POLICY
from core.request_log import REQUEST_ID, log_request


class StaticFilesFirst:
    def __init__(self, application):
        self.application = application
        self.whitenoise = WhiteNoiseMiddleware()
        # What SecurityMiddleware and SecurityHeadersMiddleware add to every response.
        self.headers = [
            ("Permissions-Policy", PERMISSIONS_POLICY),
            ("Cross-Origin-Resource-Policy", CROSS_ORIGIN_RESOURCE_POLICY),
        ]
        if settings.SECURE_CONTENT_TYPE_NOSNIFF:
            self.headers.append(("X-Content-Type-Options", "nosniff"))
        if settings.SECURE_REFERRER_POLICY:
            self.headers.append(("Referrer-Policy", settings.SECURE_REFERRER_POLICY))
        if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
            self.headers.append(("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY))
        self.hsts = None
        if settings.SECURE_HSTS_SECONDS:
            self.hsts = f"max-age={settings.SECURE_HSTS_SECONDS}"
            if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
                self.hsts += "; includeSubDomains"
            if settings.SECURE_HSTS_PRELOAD:
                self.hsts += "; preload"

    def __call__(self, environ, start_response):
        if self.whitenoise.autorefresh:  # development: Django's middleware looks files up afresh
            return self.application(environ, start_response)
        static_file = self.whitenoise.files.get(decode_path_info(environ.get("PATH_INFO", "")))
        if static_file is None:
            return self.application(environ, start_response)
        secure = self._is_secure(environ)
        if settings.SECURE_SSL_REDIRECT and not secure:
            return self.application(environ, start_response)
        started = time.perf_counter()
        offered = environ.get("HTTP_X_REQUEST_ID", "")
        request_id = offered if REQUEST_ID.match(offered) else uuid.uuid4().hex
        response = static_file.get_response(environ["REQUEST_METHOD"], environ)
        headers = [*response.headers, *self.headers, ("X-Request-ID", request_id)]
        if secure and self.hsts:
            headers.append(("Strict-Transport-Security", self.hsts))
        start_response(f"{response.status} {response.status.phrase}", headers)
        log_request(environ["REQUEST_METHOD"], None, int(response.status), started, request_id)
        if response.file is None:
            return []
        return environ["wsgi.file_wrapper"](response.file) if "wsgi.file_wrapper" in environ else _chunks(response.file)

    @staticmethod
    def _is_secure(environ) -> bool:
        if settings.SECURE_PROXY_SSL_HEADER:
            header, value = settings.SECURE_PROXY_SSL_HEADER
            forwarded = environ.get(header)
            if forwarded is not None:
                return forwarded.split(",", 1)[0].strip() == value
        return environ.get("wsgi.url_scheme") == "https"


def _chunks(file, size=64 * 1024):
    with file:
        while chunk := file.read(size):
            yield chunk
