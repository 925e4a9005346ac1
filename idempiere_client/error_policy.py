"""iDempiere's status policy for the shared sender (``erp_http.policy``): what the REST plugin's answers mean.

Contract (docs/architecture.md "Cross-cutting rules"): transient = connection error, timeout, dropped
connection, 408, 502, 503, 504, and 500 with a non-JSON body. A JSON error body ``{"title","status",
"detail"}`` is an application error and is never retried (spec §8): the plugin answers JSON only after the
application ran, so a JSON 5xx is not transient here (the engine's default). Any 401 means
"re-authenticate" (spec §1.7). 429 is not produced by the plugin (§12) but a reverse proxy may add it.

Quirk: ``GET /models/{t}/yaml`` of an unknown or denied table answers 500 with an empty body (§2.4); that
is a final answer (an ``ApiError``), not a container failure to retry.
"""
from __future__ import annotations

from erp_http.policy import Answer, StatusPolicy, retry_after_from, title_detail


def _empty_500_on_text(answer: Answer) -> bool:
    return answer.as_text and answer.status == 500 and not answer.content


IDEMPIERE_POLICY = StatusPolicy(
    final_answer=_empty_500_on_text,
    parse_error=title_detail,
    retry_after=retry_after_from("Retry-After"),
    quiet_path_prefixes=("auth/",),
    unauthorized_hint=("The role may lack REST access to this resource (REST_Resource_Access), "
                       "or the session is being revoked."),
    api_name="iDempiere REST API",
    api_url_hint=("base_url must be the server root where the REST plugin answers under /api/v1, e.g. "
                  "https://erp.example.com (without /api/v1, and no other path unless iDempiere runs under one)."),
)
