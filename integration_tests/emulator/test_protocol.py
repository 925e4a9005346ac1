"""HTTP-level protocol of the emulator: envelope, headers, Jersey quirks, content types (spec §0, §2, §3, §8)."""
from __future__ import annotations

import http.client
import json
import math
import socket

import pytest
import requests

from .conftest import api, bearer

ENVELOPE_KEYS = ["page-count", "records-size", "skip-records", "row-count", "records", "array-count"]
HEADERS = {"X-Page-Count": "page-count", "X-Records-Size": "records-size", "X-Skip-Records": "skip-records",
           "X-Row-Count": "row-count", "X-Array-Count": "array-count"}


def get(emu, path: str, params=None, token=None, session=None):
    sender = session or requests
    return sender.get(api(emu) + path, params=params, headers=bearer(token or emu.s2s_token), timeout=30)


def expected_page_count(row_count: int, records_size: int) -> int:
    return math.ceil(row_count / records_size) if row_count > records_size else 1


def test_collection_envelope_key_order_headers_and_counts(emulator):
    resp = get(emulator, "/models/c_order", {"$orderby": "C_Order_ID", "$top": 7, "$skip": 3})
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == "application/json"
    body = json.loads(resp.text)
    assert list(body) == ENVELOPE_KEYS
    assert body["records-size"] == 7 and body["skip-records"] == 3
    assert body["array-count"] == len(body["records"]) == 7
    assert body["page-count"] == expected_page_count(body["row-count"], 7)
    for header, key in HEADERS.items():
        assert resp.headers[header] == str(body[key])
    assert ": " not in resp.text[:200] and ", " not in resp.text[:200]  # compact Gson output


def test_page_count_is_one_when_everything_fits_and_skip_is_ignored(emulator):
    body = get(emulator, "/models/c_order", {"$orderby": "C_Order_ID", "$top": 100, "$skip": 10_000}).json()
    assert body["records"] == [] and body["array-count"] == 0
    assert body["page-count"] == expected_page_count(body["row-count"], 100)
    everything = get(emulator, "/models/c_order", {"$orderby": "C_Order_ID"}).json()
    assert everything["records-size"] == 100  # omitted $top = REST_MAX_RECORDS_SIZE
    blank = get(emulator, "/models/c_order", {"$orderby": "C_Order_ID", "$top": " "})
    assert blank.status_code == 200 and blank.json()["records-size"] == 100  # blank int param = default


def test_top_is_clamped_to_max_records(emulator_factory):
    emu = emulator_factory(max_records=5)
    body = get(emu, "/models/c_order", {"$orderby": "C_Order_ID", "$top": 500}).json()
    assert body["records-size"] == 5 and len(body["records"]) == 5
    assert body["page-count"] == expected_page_count(body["row-count"], 5)


def test_max_records_zero_means_no_limit(emulator_factory):
    emu = emulator_factory(rows=150, max_records=0)
    body = get(emu, "/models/c_order", {"$filter": "IsActive neq null"}).json()
    assert body["records-size"] == 0 and body["page-count"] == 1 and len(body["records"]) == body["row-count"] == 150
    assert get(emu, "/models/c_order", {"$top": 120}).json()["records-size"] == 120  # no clamp either


def test_legacy_array_count_is_always_zero(emulator_factory):
    emu = emulator_factory(legacy=True)
    resp = get(emu, "/models/c_order", {"$orderby": "C_Order_ID", "$top": 3})
    body = resp.json()
    assert len(body["records"]) == 3 and body["array-count"] == 0 and resp.headers["X-Array-Count"] == "0"


def test_legacy_server_has_no_batch_and_no_health(emulator_factory):
    emu = emulator_factory(legacy=True)
    assert requests.get(api(emu) + "/health", timeout=10).status_code == 404
    resp = requests.post(api(emu) + "/batch", json=[], headers=bearer(emu.s2s_token), timeout=10)
    assert resp.status_code == 404 and resp.content == b""


def test_health_needs_no_token(emulator):
    resp = requests.get(api(emulator) + "/health", timeout=10)
    assert resp.status_code == 200 and resp.text == '{"status":"UP"}'
    with_db = requests.get(api(emulator) + "/health", params={"db": "true"}, timeout=10)
    assert with_db.text == '{"status":"UP","database":"connected"}'


@pytest.mark.parametrize("param", ["$top", "$skip"])
@pytest.mark.parametrize("value", ["abc", "1.5", "99999999999"])
def test_non_integer_top_or_skip_is_404_with_empty_body(emulator, param, value):
    resp = get(emulator, "/models/c_order", {param: value})
    assert resp.status_code == 404 and resp.content == b""


def test_unknown_table_is_404_json_and_yaml_is_application_yaml(emulator):
    resp = get(emulator, "/models/no_such_table")
    assert resp.status_code == 404
    assert resp.json()["title"] == "Invalid table name"
    yaml = get(emulator, "/models/c_order/yaml")
    assert yaml.status_code == 200 and yaml.headers["Content-Type"] == "application/yaml"
    assert yaml.text.startswith("openapi")
    assert get(emulator, "/models/no_such_table/yaml").status_code == 500


def test_models_list_and_single_record_and_column(emulator):
    models = get(emulator, "/models").json()["models"]
    assert any(m["model-name"] == "c_order" for m in models)
    first = get(emulator, "/models/c_order", {"$orderby": "C_Order_ID", "$top": 1}).json()["records"][0]
    one = get(emulator, f"/models/C_ORDER/{first['id']}")
    assert one.status_code == 200 and one.json()["id"] == first["id"]
    column = get(emulator, f"/models/c_order/{first['id']}/DocumentNo")
    assert column.status_code == 200 and column.json()["id"] == first["id"]
    missing = get(emulator, "/models/c_order/99999999")
    assert missing.status_code == 404 and missing.json()["title"] == "Record not found"


def test_filter_errors_keep_title_null(emulator):
    resp = get(emulator, "/models/c_order", {"$filter": "NoSuchColumn eq 1"})
    assert resp.status_code == 400
    assert resp.text.startswith('{"title":null,"status":400,"detail":')


def test_writes_need_a_json_content_type(emulator):
    headers = {**bearer(emulator.s2s_token), "Content-Type": "text/plain"}
    resp = requests.post(api(emulator) + "/models/c_order", data="{}", headers=headers, timeout=10)
    assert resp.status_code == 415
    # 415 is decided by resource matching, before the auth filter
    resp = requests.put(api(emulator) + "/models/c_order/1", data="{}", headers={"Content-Type": "text/xml"},
                        timeout=10)
    assert resp.status_code == 415


def insert_bpartner(emu, value: str) -> int:
    resp = requests.post(emu.base_url + "/__emulator__/insert", timeout=10,
                         json={"table": "C_BPartner", "rows": [{"Value": value, "Name": value}]})
    assert resp.status_code == 200, resp.text
    return resp.json()["ids"][0]


def test_write_bodies_may_contain_comments_like_gson_lenient(emulator):
    bp = insert_bpartner(emulator, "comments")
    body = '{\n  // Postman bodies carry comments\n  "Description": "commented // not a comment" /* c */\n}'
    headers = {**bearer(emulator.s2s_token), "Content-Type": "application/json"}
    resp = requests.put(api(emulator) + f"/models/c_bpartner/{bp}", data=body, headers=headers, timeout=10)
    assert resp.status_code == 200, resp.text
    assert resp.json()["Description"] == "commented // not a comment"


def test_delete_then_get_is_404(emulator):
    bp = insert_bpartner(emulator, "to-delete")
    assert get(emulator, f"/models/c_bpartner/{bp}").status_code == 200
    resp = requests.delete(api(emulator) + f"/models/c_bpartner/{bp}", headers=bearer(emulator.s2s_token), timeout=10)
    assert resp.status_code == 200 and resp.json() == {"msg": "Deleted"}
    assert get(emulator, f"/models/c_bpartner/{bp}").status_code == 404


def test_keep_alive_reuses_one_connection(emulator):
    conn = http.client.HTTPConnection("127.0.0.1", emulator.port, timeout=10)
    sockets = set()
    for _ in range(5):
        conn.request("GET", "/api/v1/models/c_order?%24top=1&%24orderby=C_Order_ID",
                     headers=bearer(emulator.s2s_token))
        resp = conn.getresponse()
        assert resp.status == 200 and resp.read()
        sockets.add(id(conn.sock))
    conn.close()
    assert len(sockets) == 1


def test_raw_http11_response_has_content_length(emulator):
    with socket.create_connection(("127.0.0.1", emulator.port), timeout=10) as sock:
        sock.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
        data = b""
        while b"\r\n\r\n" not in data or not data.endswith(b"}"):
            data += sock.recv(4096)
    head = data.split(b"\r\n\r\n")[0].decode()
    assert head.startswith("HTTP/1.1 200")
    assert "Content-Length: 15" in head


def test_requests_are_logged_with_table_and_status(emulator):
    emulator.clear_requests()
    get(emulator, "/models/C_Order", {"$top": 2, "$orderby": "C_Order_ID"})
    requests.get(api(emulator) + "/models/c_order", timeout=10)
    log = emulator.requests()
    assert [(e["method"], e["table"], e["status"]) for e in log] == [("GET", "c_order", 200), ("GET", "c_order", 401)]
    assert "$top=2" in log[0]["query"] and log[0]["path"] == "/api/v1/models/C_Order"
    assert all("timestamp" in e for e in log)


def test_cli_prints_one_line_with_url_and_token_then_serves(tmp_path):
    import subprocess
    import sys
    cmd = [sys.executable, "-m", "idempiere_emulator", "--port", "0", "--rows", "20", "--s2s-token", "cli-token"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline().strip()
        assert line.startswith("iDempiere REST emulator listening on http://127.0.0.1:")
        assert line.endswith("/api/v1 (s2s token: cli-token)")
        url = line.split(" on ", 1)[1].split(" ", 1)[0]
        resp = requests.get(url + "/models/c_order", params={"$top": 1}, headers=bearer("cli-token"), timeout=30)
        assert resp.status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_request_uri_longer_than_jettys_header_buffer_is_414(emulator):
    ids = ",".join(str(i) for i in range(1000, 3000))
    resp = get(emulator, "/models/c_order", {"$filter": f"C_Order_ID in ({ids})"})
    assert resp.status_code == 414 and "URI Too Long" in resp.text
    assert get(emulator, "/models/c_order", {"$top": 1, "$orderby": "C_Order_ID"}).status_code == 200


def test_concurrent_clients_are_all_served(emulator):
    from concurrent.futures import ThreadPoolExecutor

    def worker(n: int) -> list[int]:
        with requests.Session() as session:
            return [get(emulator, "/models/c_order", {"$top": 5, "$skip": n, "$orderby": "C_Order_ID"},
                        session=session).status_code for _ in range(20)]

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = [s for result in pool.map(worker, range(8)) for s in result]
    assert statuses == [200] * 160
    assert len(emulator.requests()) == 160


def test_cli_flags_reach_the_server(tmp_path):
    """Every issue-3 flag is parsed and takes effect (the other tests use the Python API)."""
    import subprocess
    import sys
    db = tmp_path / "cli.db"
    cmd = [sys.executable, "-m", "idempiere_emulator", "--host", "127.0.0.1", "--port", "0", "--rows", "12",
           "--legacy", "--tz", "Europe/Berlin", "--tolowercase", "--max-records", "5", "--token-ttl", "60",
           "--latency-ms", "1", "--fail-rate", "0", "--drop-rate", "0", "--s2s-token", "flags", "--seed", "3",
           "--db", str(db)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    try:
        url = proc.stdout.readline().split(" on ", 1)[1].split(" ", 1)[0]
        body = requests.get(url + "/models/c_order", params={"$orderby": "C_Order_ID", "$top": 50},
                            headers=bearer("flags"), timeout=30).json()
        assert body["records-size"] == 5 and body["array-count"] == 0  # --max-records, --legacy
        first = body["records"][0]
        assert first["documentNo"] == "80000" and "DocumentNo" not in first  # --tolowercase
        assert first["created"] == "2024-01-01T01:00:00Z"  # --tz Berlin, legacy fake Z
        root = url[:-len("/api/v1")]
        state = requests.post(root + "/__emulator__/faults", json={}, timeout=10).json()
        assert state == {"fail_rate": 0.0, "drop_rate": 0.0, "latency_ms": 1, "token_ttl": 60}
        assert requests.get(root + "/__emulator__/count", params={"table": "C_Order"}, timeout=10).json() == {
            "count": 12}
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert db.exists() and db.stat().st_size > 0  # --db
