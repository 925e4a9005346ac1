"""FK resolution: heuristic order, ambiguity, per-run cache, unsafe values never interpolated."""
from __future__ import annotations

import logging

from destination_idempiere.fk_resolver import FkResolver
from destination_idempiere.queries import safe_fragment, same_value
from destination_idempiere.values import FkRef
from unit_tests.destination.fakes import FakeCatalog, FakeClient, bpartner_meta, group_meta


def resolver(client: FakeClient) -> FkResolver:
    return FkResolver(client, FakeCatalog(bpartner_meta(), group_meta()), workers=4, logger=logging.getLogger("t"))


def ident(value: str) -> FkRef:
    return FkRef("C_BP_Group_ID", "c_bp_group", "identifier", value)


def test_name_wins_over_value_and_one_request_serves_all_candidates() -> None:
    client = FakeClient(pages={"'Standard'": [
        {"id": 5, "Value": "Standard", "Name": "Old", "IsActive": True},
        {"id": 7, "Value": "STD", "Name": "Standard", "IsActive": True},
    ]})
    res = resolver(client).get(ident("Standard"))
    assert res.value == 7 and res.error is None
    (kind, filt), = client.calls
    assert filt == "(Name eq 'Standard' or Value eq 'Standard') and IsActive neq null"


def test_at_most_one_lookup_per_distinct_value_even_in_parallel() -> None:
    client = FakeClient(pages={"'A'": [{"id": 1, "Name": "A"}], "'B'": [{"id": 2, "Name": "B"}]})
    r = resolver(client)
    refs = [ident(v) for v in ["A", "B", "A", "A", "B"] * 10]
    r.resolve_all(refs)
    r.resolve_all(refs)
    assert [r.get(x).value for x in refs[:2]] == [1, 2]
    assert len([c for c in client.calls if c[0] == "page"]) == 2


def test_not_found_and_ambiguous_are_precise_errors() -> None:
    client = FakeClient(pages={"'Twin'": [{"id": 1, "Name": "Twin", "IsActive": True},
                                          {"id": 2, "Name": "Twin", "IsActive": True}]})
    r = resolver(client)
    assert r.get(ident("Nobody")).error == "identifier 'Nobody' not found in c_bp_group (searched Name, Value)"
    assert "ambiguous" in r.get(ident("Twin")).error and "2 rows of c_bp_group have Name = 'Twin'" in r.get(ident("Twin")).error


def test_one_active_row_among_duplicates_wins() -> None:
    client = FakeClient(pages={"'Twin'": [{"id": 1, "Name": "Twin", "IsActive": False},
                                          {"id": 2, "Name": "Twin", "IsActive": True}]})
    assert resolver(client).get(ident("Twin")).value == 2


def test_quote_in_identifier_uses_contains_on_a_safe_fragment_and_exact_match() -> None:
    client = FakeClient(pages={"contains(Name,'Brien Group')": [
        {"id": 8, "Name": "O'Brien Group"}, {"id": 9, "Name": "McBrien Group"}]})
    res = resolver(client).get(ident("O'Brien Group"))
    assert res.value == 8
    assert all("'O'" not in (c[1] or "") for c in client.calls)


def test_value_without_a_safe_fragment_is_resolved_by_the_server() -> None:
    client = FakeClient()
    res = resolver(client).get(ident("'''"))
    assert res.server_side and res.value == {"identifier": "'''"}
    assert client.calls == []


def test_pair_prefers_an_existing_id_else_the_identifier() -> None:
    client = FakeClient(rows={"models/c_bp_group/103": {"id": 103}},
                        pages={"'Standard'": [{"id": 104, "Name": "Standard"}]})
    r = resolver(client)
    assert r.get(FkRef("C_BP_Group_ID", "c_bp_group", "pair", "Standard", pair_id=103)).value == 103
    assert r.get(FkRef("C_BP_Group_ID", "c_bp_group", "pair", "Standard", pair_id=999)).value == 104
    missing = r.get(FkRef("C_BP_Group_ID", "c_bp_group", "pair", "Ghost", pair_id=998))
    assert missing.error.startswith("id 998 does not exist in c_bp_group and identifier 'Ghost' not found")


def test_uid_and_lookup_forms() -> None:
    u = "0d3c6f9e-1b2a-4c5d-8e9f-0a1b2c3d4e5f"
    client = FakeClient(rows={f"models/c_bp_group/{u}": {"id": 55, "uid": u}},
                        pages={"Value eq 'STD'": [{"id": 56, "Value": "STD"}]})
    r = resolver(client)
    assert r.get(FkRef("C_BP_Group_ID", "c_bp_group", "uid", u)).value == 55
    assert r.get(FkRef("C_BP_Group_ID", "c_bp_group", "lookup", "STD", lookup_column="value")).value == 56
    assert "not a column" in r.get(FkRef("C_BP_Group_ID", "c_bp_group", "lookup", "x", lookup_column="Nope")).error
    unsafe = r.get(FkRef("C_BP_Group_ID", "c_bp_group", "lookup", "'", lookup_column="Value"))
    assert unsafe.value == {"lookupColumn": "Value", "lookupValue": "'"} and unsafe.server_side


def test_safe_fragment_and_value_equality() -> None:
    assert safe_fragment("O'Brien (UK)") == "Brien "
    assert safe_fragment("'()") is None
    assert same_value("fk", {"id": 5, "identifier": "x"}, 5)
    assert same_value("fk", None, -1)
    assert same_value("number", 10.0, 10) and not same_value("number", 10.5, 10)
    assert same_value("list", {"id": "CO"}, "CO")
    assert same_value("datetime", "2024-05-01T10:00:00Z", "2024-05-01T10:00:00Z")
    assert not same_value("string", "a", "b")


def test_pair_whose_id_names_another_row_in_the_target_is_resolved_by_identifier() -> None:
    client = FakeClient(rows={"models/c_bp_group/103": {"id": 103, "Name": "Vendors", "Value": "VEN"},
                              "models/c_bp_group/104": {"id": 104, "Name": "Standard", "Value": "STD"}},
                        pages={"'Standard'": [{"id": 104, "Name": "Standard"}]})
    r = resolver(client)
    assert r.get(FkRef("C_BP_Group_ID", "c_bp_group", "pair", "Standard", pair_id=103)).value == 104
    assert r.get(FkRef("C_BP_Group_ID", "c_bp_group", "pair", "Standard", pair_id=104)).value == 104
    composite = FkRef("C_Order_ID", "c_bp_group", "pair", "STD_2024-05-01_10.00", pair_id=104)
    assert r.get(composite).value == 104  # first part of a composite identifier agrees


def test_composite_identifier_matches_a_leading_part_only_when_the_other_parts_agree() -> None:
    orders = [
        {"id": 1, "DocumentNo": "80001", "DateOrdered": "2024-05-01", "GrandTotal": 100.0},
        {"id": 2, "DocumentNo": "80001", "DateOrdered": "2024-06-01", "GrandTotal": 100.0},
    ]
    meta = group_meta()
    from idempiere_client.metadata import ColumnMeta, TableMeta

    order_meta = TableMeta("C_Order", "c_order", {"IsActive": ColumnMeta("IsActive", "boolean"),
                                                  "DocumentNo": ColumnMeta("DocumentNo", "string")},
                           key_column="C_Order_ID")
    client = FakeClient(pages={"DocumentNo eq '80001'": orders})
    r = FkResolver(client, FakeCatalog(meta, order_meta), workers=1, logger=logging.getLogger("t"))
    assert r.get(FkRef("C_Order_ID", "c_order", "identifier", "80001_2024-06-01_100.00")).value == 2
    assert r.get(FkRef("C_Order_ID", "c_order", "identifier", "80001_2024-07-01_100.00")).error
    (_, filt), = [c for c in client.calls if "2024-06-01" in (c[1] or "")]
    assert "DocumentNo eq '80001_2024-06-01_100.00'" in filt and "DocumentNo eq '80001'" in filt


def test_a_miss_read_while_rows_were_inserted_is_not_remembered() -> None:
    """Another slice inserts into the table while the lookup runs: the lookup may have read before the
    insert, so its "not found" counts for its own records only; the next record looks again."""
    class Client(FakeClient):
        def get_page(self, table, **kwargs):
            page = super().get_page(table, **kwargs)
            if len(self.calls) == 1:
                r.forget_misses("c_bp_group")  # meanwhile, a slice inserted groups
                self.pages["'Late'"] = [{"id": 9, "Name": "Late"}]
            return page

    client = Client()
    r = resolver(client)
    assert "not found" in r.get(ident("Late")).error
    assert r.get(ident("Late")).value == 9
    assert r.get(ident("Late")).value == 9 and len(client.calls) == 2
    assert "not found" in r.get(ident("Never")).error and "not found" in r.get(ident("Never")).error
    assert len(client.calls) == 3  # a miss with no insert meanwhile stays cached
