"""Jetty, the container in front of the plugin: its HTML error pages and the errors that produce them.

An exception escaping a resource method, an injected 500 and an over-long request URI are all answered by Jetty
itself, never with the plugin's JSON error shape (spec §8); 502/503 come from the proxy (erp_emulator.faults).
"""
from __future__ import annotations

import html

from erp_emulator.faults import proxy_page
from erp_emulator.messages import Response

MAX_URI = 8192  # Jetty's default requestHeaderSize: longer request URIs are refused with 414
URI_TOO_LONG = Response(414, b"<h1>Bad Message 414</h1><pre>reason: URI Too Long</pre>", "text/html;charset=iso-8859-1")

_JETTY_PAGE = """<html>
<head>
<meta http-equiv="Content-Type" content="text/html;charset=ISO-8859-1"/>
<title>Error {status} {reason}</title>
</head>
<body><h2>HTTP ERROR {status} {reason}</h2>
<table>
<tr><th>URI:</th><td>{uri}</td></tr>
<tr><th>STATUS:</th><td>{status}</td></tr>
<tr><th>MESSAGE:</th><td>{message}</td></tr>
<tr><th>SERVLET:</th><td>com.trekglobal.idempiere.rest.api.v1.ApplicationV1</td></tr>
</table>
<hr><a href="https://eclipse.org/jetty">Powered by Jetty:// 9.4.51.v20230217</a><hr/>

</body>
</html>
"""

class ContainerError(Exception):
    """An exception that escapes the resource method: Jetty answers with its HTML error page (spec §8)."""

    def __init__(self, status: int = 500, message: str = "Server Error"):
        super().__init__(message)
        self.status = status



def jetty_page(status: int, uri: str, message: str = "Server Error") -> tuple[int, str, bytes]:
    """Jetty's default error page, as for exceptions escaping a resource method (spec §8)."""
    reason = "Server Error" if status == 500 else message
    body = _JETTY_PAGE.format(status=status, reason=reason, uri=html.escape(uri), message=html.escape(message))
    return status, "text/html;charset=iso-8859-1", body.encode("iso-8859-1", "replace")



def failure_page(status: int, uri: str) -> Response:
    """An injected failure: 500 comes from Jetty itself, 502/503 from the proxy in front of it."""
    code, ctype, body = jetty_page(500, uri) if status == 500 else proxy_page(status)
    return Response(code, body, ctype)
