"""source_idempiere.attachment_streams.load_attachment_sources: which tables can have an attachment stream."""
from __future__ import annotations

import pytest

from erp_http.errors import ConfigurationError
from idempiere_client.metadata import ColumnMeta, TableMeta
from source_idempiere.attachment_streams import load_attachment_sources, require


def meta(name: str, *cols: str, key: bool = True) -> TableMeta:
    columns = {c: ColumnMeta(c, "string") for c in cols}
    return TableMeta(name, name.lower(), columns, key_column=f"{name}_ID" if key else None, uu_column=f"{name}_UU")


class Catalog:
    def __init__(self, listed: dict[str, int], metas: dict[str, TableMeta]) -> None:
        self.listed, self.metas = listed, metas

    def list_tables(self):
        return [{"id": i, "model-name": n} for n, i in self.listed.items()]

    def get_many(self, names):
        return {n: self.metas[n] for n in names if n in self.metas}, {n: "boom" for n in names if n not in self.metas}


INDEX = meta("AD_Attachment", "Record_ID", "Record_UU", "Updated")


def test_a_listed_keyed_table_is_a_source():
    cat = Catalog({"ad_attachment": 254, "c_order": 259}, {"ad_attachment": INDEX, "c_order": meta("C_Order")})
    found, problems = load_attachment_sources(cat, ["c_order"])
    assert not problems and found["c_order__attachments"].table_id == 259 and not found["c_order__attachments"].by_uid


@pytest.mark.parametrize("listed, metas, table, needle", [
    ({"c_order": 259}, {}, "c_order", "cannot read AD_Attachment"),
    ({"ad_attachment": 254}, {"ad_attachment": INDEX}, "c_ordr", "c_ordr, which is not a table this role can read"),
    ({"ad_attachment": 254, "x": 1, "x__attachments": 2}, {"ad_attachment": INDEX, "x": meta("X")}, "x",
     "a table is named x__attachments"),
    ({"ad_attachment": 254, "x": 1}, {"ad_attachment": meta("AD_Attachment", "Record_ID", "Updated"), "x": meta("X", key=False)},
     "x", "no Record_UU"),
    ({"ad_attachment": 254, "x": 1}, {"ad_attachment": INDEX}, "x", "the metadata of x could not be read (boom)"),
])
def test_problems_are_sentences_per_stream_and_check_raises_them(listed, metas, table, needle):
    found, problems = load_attachment_sources(Catalog(listed, metas), [table])
    assert not found and needle in problems[f"{table}__attachments"]
    with pytest.raises(ConfigurationError, match=f"Attachment stream {table}__attachments: "):
        require(problems)


def test_a_uuid_keyed_table_is_read_by_record_uu_when_the_server_has_it():
    cat = Catalog({"ad_attachment": 254, "testuu": 200302}, {"ad_attachment": INDEX, "testuu": meta("TestUU", key=False)})
    found, _ = load_attachment_sources(cat, ["testuu"])
    assert found["testuu__attachments"].by_uid
