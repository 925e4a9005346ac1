"""Record -> write body: case-insensitive matching, dropped fields, rejections, keys and <Table>_UU."""
from __future__ import annotations

import logging
import uuid

import pytest

from destination_idempiere.record_mapping import RecordMapper, RecordRejected, deterministic_uu
from destination_idempiere.values import CLEAR_FK, FkRef, WriteContext
from idempiere_client.timeutil import ServerClock
from unit_tests.destination.fakes import bpartner_meta

CTX = WriteContext(ServerClock("UTC"))


def mapper(keys=("Value",), deterministic=True, logger=None) -> RecordMapper:
    return RecordMapper(bpartner_meta(), "c_bpartner", list(keys), CTX, deterministic, logger or logging.getLogger("t"))


def test_lower_cased_warehouse_fields_are_sent_under_the_exact_column_names() -> None:
    rec = mapper().prepare(1, {"value": "V1", "name": "N1", "isactive": "Y", "so_creditlimit": "10.5",
                               "numberemployees": "3", "c_bp_group_id": 103})
    assert rec.values == {"Value": "V1", "Name": "N1", "IsActive": True, "SO_CreditLimit": 10.5,
                          "NumberEmployees": 3, "C_BP_Group_ID": 103}
    assert rec.key == ("V1",)


def test_airbyte_cdc_audit_and_envelope_fields_are_dropped_and_logged_once(caplog) -> None:
    m = mapper()
    data = {"_airbyte_raw_id": "r", "_airbyte_meta": {}, "_ab_cdc_deleted_at": None, "id": 5, "uid": None,
            "model-name": "c_bpartner", "Created": "2024-01-01T00:00:00Z", "updatedby": 100, "Value": "V",
            "C_BP_Group_ID": 103, "C_BP_Group_ID_identifier": "Standard", "AD_Client_ID": {"id": 11}}
    with caplog.at_level(logging.INFO):
        rec = m.prepare(1, data)
        m.prepare(2, data)
    assert rec.record_id == 5
    assert set(rec.values) == {"Value", "AD_Client_ID"}  # AD_Client_ID kept for inserts (dropped from updates)
    assert rec.fk_refs["C_BP_Group_ID"] == FkRef("C_BP_Group_ID", "c_bp_group", "pair", "Standard", pair_id=103)
    notes = [r.message for r in caplog.records if "not sent as columns" in r.message]
    assert len(notes) == 1 and "_airbyte_raw_id" in notes[0] and "C_BP_Group_ID_identifier" in notes[0]


def test_a_field_matching_no_column_rejects_the_record_naming_the_field() -> None:
    with pytest.raises(RecordRejected, match="field 'colour' matches no column of table C_BPartner"):
        mapper().prepare(1, {"Value": "V", "colour": "red"})


def test_a_value_that_does_not_fit_its_column_is_a_rejection_naming_the_column() -> None:
    with pytest.raises(RecordRejected, match="column NumberEmployees: 'many' is not an integer"):
        mapper().prepare(1, {"Value": "V", "NumberEmployees": "many"})


def test_null_clears_foreign_keys_with_minus_one_and_omits_other_nulls() -> None:
    rec = mapper().prepare(1, {"Value": "V", "SalesRep_ID": None, "Name": None})
    assert rec.values == {"Value": "V", "SalesRep_ID": CLEAR_FK}


def test_identifier_field_alone_is_resolved_as_identifier() -> None:
    rec = mapper().prepare(1, {"value": "V", "c_bp_group_id_identifier": "Standard"})
    assert rec.fk_refs["C_BP_Group_ID"].form == "identifier"


def test_empty_key_is_rejected() -> None:
    with pytest.raises(RecordRejected, match="primary key field 'Value' is empty"):
        mapper().prepare(1, {"Name": "no value"})


def test_empty_key_is_no_reason_to_refuse_a_row_in_append_mode() -> None:
    append_mapper = RecordMapper(bpartner_meta(), "c_bpartner", ["Value"], CTX, False, logging.getLogger("t"),
                                 key_required=False)
    rec = append_mapper.prepare(1, {"Name": "no value"})
    assert rec.key is None and rec.values["Name"] == "no value"


def test_uu_is_deterministic_per_stream_and_key_in_upsert_modes_and_random_in_append() -> None:
    a = mapper().prepare(1, {"Value": "V"})
    b = mapper().prepare(2, {"value": "V", "name": "other"})
    assert a.uu == b.uu == deterministic_uu("c_bpartner", ("V",))
    c = mapper(deterministic=False).prepare(3, {"Value": "V"})
    assert c.uu != a.uu and uuid.UUID(c.uu).version == 4


def test_uid_key_keeps_the_source_rows_uuid() -> None:
    u = "0d3c6f9e-1b2a-4c5d-8e9f-0a1b2c3d4e5f"
    rec = mapper(keys=("uid",)).prepare(1, {"uid": u, "Value": "V"})
    assert rec.key == (u,) and rec.uu == u and "Value" in rec.values


def test_id_key_and_key_column_alias() -> None:
    rec = mapper(keys=("id",)).prepare(1, {"C_BPartner_ID": "118", "Value": "V"})
    assert rec.record_id == 118 and rec.key == (118,)


def test_unknown_key_field_is_a_configuration_problem() -> None:
    with pytest.raises(ValueError, match="primary key field 'Colour'"):
        mapper(keys=("Colour",))


def test_upsert_on_id_without_an_id_is_a_new_row_with_a_content_uuid() -> None:
    m = RecordMapper(bpartner_meta(), "c_bpartner", ["id"], CTX, True, logging.getLogger("t"), keyless_inserts=True)
    a = m.prepare(1, {"id": None, "Value": "NEW", "Name": "New"})
    b = m.prepare(2, {"Value": "NEW", "name": "New"})
    c = m.prepare(3, {"Value": "NEW", "Name": "Other"})
    assert a.new_row and a.key is None and a.uu == b.uu != c.uu
    with pytest.raises(RecordRejected, match="primary key field 'id' is empty"):
        mapper(keys=("id",)).prepare(4, {"Value": "NEW"})  # update/soft delete: nothing to match


def test_deterministic_uu_is_uuid5_of_the_stream_and_the_json_key() -> None:
    """The fast path must give the same <Table>_UU as before: reruns of old input must find their rows."""
    import json
    import random
    from datetime import date
    from decimal import Decimal

    from destination_idempiere.record_mapping import UU_NAMESPACE

    rng = random.Random(3)
    alphabet = "abcXYZ019 -_'\"\\/\n\täß€😀\x01"
    keys = [("".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))),) for _ in range(300)]
    keys += [(1,), (118, "V"), ("a", "b"), (Decimal("1.50"),), (date(2024, 5, 1), "x"), (None, True), (2.5,),
             ("content", ("Name", "x"), ("C_BP_Group_ID", "identifier 'Staff'"))]
    for key in keys:
        text = json.dumps(list(key), sort_keys=True, default=str, separators=(",", ":"))
        assert deterministic_uu("C_BPartner", key) == str(uuid.uuid5(UU_NAMESPACE, "c_bpartner\x1f" + text)), key


def test_records_with_other_field_sets_are_mapped_on_their_own_terms() -> None:
    """Field handling is worked out once per set of field names; a record with other names gets its own."""
    m = mapper()
    plain = m.prepare(1, {"Value": "V1", "C_BP_Group_ID": 103})
    paired = m.prepare(2, {"Value": "V2", "C_BP_Group_ID": 103, "C_BP_Group_ID_identifier": "Standard"})
    alone = m.prepare(3, {"Value": "V3", "c_bp_group_id_identifier": "Staff"})
    again = m.prepare(4, {"Value": "V4", "C_BP_Group_ID": 104})
    assert plain.values["C_BP_Group_ID"] == 103 and not plain.fk_refs
    assert paired.fk_refs["C_BP_Group_ID"] == FkRef("C_BP_Group_ID", "c_bp_group", "pair", "Standard", pair_id=103)
    assert alone.fk_refs["C_BP_Group_ID"] == FkRef("C_BP_Group_ID", "c_bp_group", "identifier", "Staff")
    assert again.values["C_BP_Group_ID"] == 104 and not again.fk_refs
    with pytest.raises(RecordRejected, match="field 'colour' matches no column"):
        m.prepare(5, {"Value": "V5", "colour": "red"})
    with pytest.raises(RecordRejected, match="field 'colour' matches no column"):
        m.prepare(6, {"Value": "V6", "colour": "blue"})
    assert m.prepare(7, {"Value": "V7", "_ab_cdc_deleted_at": "2024-01-01"}).deleted
    assert not m.prepare(8, {"Value": "V8", "_ab_cdc_deleted_at": None}).deleted


def test_remembered_fk_values_never_mix_columns_forms_or_companions() -> None:
    m = mapper()
    a = m.prepare(1, {"Value": "A", "C_BP_Group_ID": "Staff", "SalesRep_ID": "Staff"})
    b = m.prepare(2, {"Value": "B", "C_BP_Group_ID": {"identifier": "Staff"}})
    c = m.prepare(3, {"Value": "C", "C_BP_Group_ID": "identifier", "C_BP_Group_ID_identifier": "Staff"})
    d = m.prepare(4, {"Value": "D", "C_BP_Group_ID": 1, "SalesRep_ID": "1"})
    e = m.prepare(5, {"Value": "E", "C_BP_Group_ID": 7, "C_BP_Group_ID_identifier": "Staff"})
    assert a.fk_refs["C_BP_Group_ID"] == FkRef("C_BP_Group_ID", "c_bp_group", "identifier", "Staff")
    assert a.fk_refs["SalesRep_ID"] == FkRef("SalesRep_ID", "ad_user", "identifier", "Staff")
    assert b.fk_refs["C_BP_Group_ID"] == a.fk_refs["C_BP_Group_ID"]
    assert c.fk_refs["C_BP_Group_ID"] == FkRef("C_BP_Group_ID", "c_bp_group", "identifier", "identifier")
    assert d.values == {"Value": "D", "C_BP_Group_ID": 1, "SalesRep_ID": 1}
    assert e.fk_refs["C_BP_Group_ID"] == FkRef("C_BP_Group_ID", "c_bp_group", "pair", "Staff", pair_id=7)
    with pytest.raises(RecordRejected, match="column C_BP_Group_ID"):
        m.prepare(6, {"Value": "F", "C_BP_Group_ID": True})
