"""Shared HTTP core for ERP clients: errors, the error-policy engine, the one sender, the auth interface.

The rule: this package names no ERP and never imports an ERP package; ERP clients import it. An ERP
client supplies three things and nothing else:

1. an **auth object** (``erp_http.auth.Auth``): puts credentials into the headers and renews them on a 401
   (bearer tokens with refresh, API key:secret, a session cookie with re-login, OAuth2 refresh);
2. a **status policy** (``erp_http.policy.StatusPolicy``): which statuses and bodies are transient, which
   are application errors, how an error body reads as (title, detail), where Retry-After comes from;
3. its **API methods** on top of ``erp_http.sender.Sender`` (paths, paging, batch endpoints).

Modules: ``errors`` (taxonomy), ``policy`` (pure decisions), ``sender`` (the only code that sends HTTP),
``redirects`` (which redirects it follows), ``wire`` (its requests session and one-read bodies),
``auth`` (the Auth protocol), ``json_codec`` (orjson in/out), ``timeutil`` (zone-aware time helpers),
``parallel`` (the one ``parallel_map``).
"""
