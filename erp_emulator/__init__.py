"""The shared ground of every ERP emulator: transport, faults, control endpoints, store, clock, child process.

This package names no ERP and imports no ERP package and no client package (an oracle that shares code with
what it tests is no oracle). An ERP emulator (``idempiere_emulator`` today) plugs four things into it:

1. **Options.** Its options dataclass has the fields of ``server.ServeOptions``: ``host``, ``port``,
   ``latency_ms``, ``fail_rate``, ``drop_rate``, ``seed`` (plus its own). ``cli.add_transport_arguments(parser,
   defaults)`` adds the matching flags ``--host --port --latency-ms --fail-rate --drop-rate --seed``.
2. **Its API handler and fault pages**, in a ``server.Site``::

       Site(handle=api.dispatch,            # (messages.Request) -> messages.Response; must not raise
            failure_page=my_500_page,       # (status, path) -> Response for an injected 500/502/503
                                            #   (default: nginx HTML pages, faults.proxy_page)
            actions={("POST", "touch"): touch},     # control actions: (payload, params) -> Response
            action_error=my_error_answer,   # (exc) -> Response | None: an ERP error raised by an action
            log_fields=lambda path: {...},  # extra request-log / hook fields (iDempiere: {"table": ...})
            max_uri=8192, uri_too_long=Response(414, ...))  # optional container limit

   ``messages.Response(status, body, content_type, headers, json_body, encode)`` encodes ``json_body`` lazily
   with the ERP's own JSON dialect (``encode``); ``messages.json_response`` is compact orjson.
3. **Its emulator class**, one level below ``server.HttpEmulator``: build the backend and API, then
   ``super().__init__(options, site, name="x-emulator", on_stop=close_db)``. It inherits ``start``/``stop``/
   ``with``, ``port``, ``base_url``, ``set_faults(fail_rate, drop_rate, latency_ms)``, ``faults_state()``,
   ``add_hook(fn)``/``remove_hook``, ``requests()``/``clear_requests()``, ``hook_errors``; it adds its own
   properties (``s2s_token``, ``api_key``...) and, for extra runtime fault settings, overrides
   ``set_faults``/``faults_state`` and extends the class attribute ``fault_settings`` (what
   ``POST /__emulator__/faults`` accepts). The shared control endpoints are ``GET|POST /__emulator__/faults``
   and ``GET|DELETE /__emulator__/requests``; they need no auth, are never faulted and never logged.
4. **Its CLI**: ``main()`` parses flags, calls ``cli.interrupt_on_sigterm()`` (before seeding data), builds the
   server and returns ``cli.serve(server, "X emulator", "/api", {"api key": key})``, which prints the one ready
   line (``ready_line.format_ready_line``: ``X emulator listening on http://127.0.0.1:PORT/api (api key: K)``)
   and serves until SIGTERM/Ctrl-C.

A test then starts it in-process (``with XEmulator(XOptions(rows=5)) as emu: emu.base_url ...``) or as a child
process: ``process.EmulatorProcess(process.module_command("x_emulator", "--rows", "5"), log_path)`` (also a
context manager) waits for the ready line and offers ``base_url``, ``api_url``, ``credentials`` (the ready
line's names), ``control(method, action, body, params)``, ``requests_log()``, ``clear_requests()``,
``set_faults(**settings)``, ``cpu_s()``, ``startup_s``, ``stop()``; an ERP subclasses it for its own control
actions (``idempiere_emulator.child.EmulatorChild``: ``count``, ``touch``, ``insert``, ``s2s_token``).

Modules: ``messages`` (Request, Response), ``server`` (HttpEmulator, Site, ServeOptions), ``faults`` (Faults,
proxy pages), ``control`` (Control, Action, bad_request), ``store`` (SqliteStore: one connection, one lock,
savepoint transactions, per-table versions for caches), ``clock`` (``Clock``: the wall clock a test may set,
freeze or advance, with ``control.clock_actions(clock)`` as ``GET|POST /__emulator__/clock``; stored UTC text,
``now_text(clock)``, time zones),
``ready_line`` (format/parse), ``cli`` (flags, serve), ``process`` (EmulatorProcess).
"""
