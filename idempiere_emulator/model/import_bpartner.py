"""Import_BPartner (core's ImportBPartner): I_BPartner rows -> C_BPartner, location and contact.

Behaviour reproduced from core (facts, not code): every row not yet imported is reset (``I_ErrorMsg=' '``,
``I_IsImported='N'``, whatever its tenant); validation appends ``ERR=... , `` texts and sets ``I_IsImported='E'``
(group from GroupValue or the default group, country from CountryCode, region by name or the country's default,
greeting, Value mandatory); with IsValidateOnly the run stops there, answering "Validated" and leaving the 'E'
marks. Otherwise rows are imported in Value order: the first row of a Value creates the partner (or updates the
one with that Value; an EMail matching a user links that user's partner) plus a location when the row has an
address, and every row of the Value adds or updates a contact. Success sets ``I_IsImported='Y'``,
``Processed='Y'`` and the ids; a failed save appends "Cannot Insert BPartner, " style text. At the end every row
of the tenant still not imported is set back to ``I_IsImported='N'`` with a new ``Updated`` (the error stays in
I_ErrorMsg), the summary is empty and three log lines count errors, inserts and updates.
"""
from __future__ import annotations

from typing import Any

from erp_emulator.clock import now_text

from ..errors import EmulatorError
from .process_run import ProcessEnv, ProcessRun

# GardenWorld's greetings (C_Greeting is not served): BPContactGreeting -> C_Greeting_ID
GREETINGS = {"Mr": 100, "Mrs": 101, "Ms": 102, "Dr": 103}
NULL_AD_CLIENT = ('Cannot invoke "java.math.BigDecimal.intValue()" because the return value of '
                  '"org.compiere.process.ProcessInfoParameter.getParameter()" is null')


def _validate(store: Any, client: int, now: str) -> None:
    """The SQL validation phase, one statement per rule in core's order."""
    pending = f"I_IsImported<>'Y' AND AD_Client_ID={client}"
    fresh = f"I_IsImported='N' AND AD_Client_ID={client}"
    run = store.execute
    run("UPDATE I_BPartner SET AD_Org_ID=COALESCE(AD_Org_ID,0), IsActive=COALESCE(IsActive,'Y'), "
        "Created=COALESCE(Created,?), Updated=COALESCE(Updated,?), I_ErrorMsg=' ', I_IsImported='N' "
        "WHERE I_IsImported<>'Y' OR I_IsImported IS NULL", (now, now))
    run(f"UPDATE I_BPartner SET GroupValue=(SELECT MAX(Value) FROM C_BP_Group g WHERE g.IsDefault='Y' AND "
        f"g.AD_Client_ID=I_BPartner.AD_Client_ID) WHERE GroupValue IS NULL AND C_BP_Group_ID IS NULL AND {pending}")
    run(f"UPDATE I_BPartner SET C_BP_Group_ID=(SELECT C_BP_Group_ID FROM C_BP_Group g WHERE "
        f"I_BPartner.GroupValue=g.Value AND g.AD_Client_ID=I_BPartner.AD_Client_ID) "
        f"WHERE C_BP_Group_ID IS NULL AND {pending}")
    _error(store, "ERR=Invalid Group, ", f"C_BP_Group_ID IS NULL AND {pending}")
    run(f"UPDATE I_BPartner SET C_Country_ID=(SELECT C_Country_ID FROM C_Country c WHERE "
        f"I_BPartner.CountryCode=c.CountryCode AND c.AD_Client_ID IN (0,I_BPartner.AD_Client_ID)) "
        f"WHERE C_Country_ID IS NULL AND {pending}")
    _error(store, "ERR=Invalid Country, ",
           f"C_Country_ID IS NULL AND (City IS NOT NULL OR Address1 IS NOT NULL) AND {pending}")
    run(f"UPDATE I_BPartner SET RegionName=(SELECT MAX(Name) FROM C_Region r WHERE r.IsDefault='Y' AND "
        f"r.C_Country_ID=I_BPartner.C_Country_ID AND r.AD_Client_ID IN (0,I_BPartner.AD_Client_ID)) "
        f"WHERE RegionName IS NULL AND C_Region_ID IS NULL AND {pending}")
    run(f"UPDATE I_BPartner SET C_Region_ID=(SELECT C_Region_ID FROM C_Region r WHERE r.Name=I_BPartner.RegionName "
        f"AND r.C_Country_ID=I_BPartner.C_Country_ID AND r.AD_Client_ID IN (0,I_BPartner.AD_Client_ID)) "
        f"WHERE C_Region_ID IS NULL AND {pending}")
    _error(store, "ERR=Invalid Region, ", f"C_Region_ID IS NULL AND EXISTS (SELECT 1 FROM C_Country c WHERE "
                                          f"c.C_Country_ID=I_BPartner.C_Country_ID AND c.HasRegion='Y') AND {pending}")
    for name, gid in GREETINGS.items():
        run(f"UPDATE I_BPartner SET C_Greeting_ID=? WHERE C_Greeting_ID IS NULL AND BPContactGreeting=? AND {pending}",
            (gid, name))
    _error(store, "ERR=Invalid Greeting, ", f"C_Greeting_ID IS NULL AND BPContactGreeting IS NOT NULL AND {pending}")
    run(f"UPDATE I_BPartner SET (C_BPartner_ID, AD_User_ID)=(SELECT C_BPartner_ID, AD_User_ID FROM AD_User u "
        f"WHERE I_BPartner.EMail=u.EMail AND u.AD_Client_ID=I_BPartner.AD_Client_ID) WHERE EMail IS NOT NULL AND "
        f"{fresh}")
    run(f"UPDATE I_BPartner SET C_BPartner_ID=(SELECT C_BPartner_ID FROM C_BPartner p WHERE I_BPartner.Value=p.Value "
        f"AND p.AD_Client_ID=I_BPartner.AD_Client_ID) WHERE C_BPartner_ID IS NULL AND Value IS NOT NULL AND {fresh}")
    run(f"UPDATE I_BPartner SET AD_User_ID=(SELECT AD_User_ID FROM AD_User c WHERE I_BPartner.ContactName=c.Name AND "
        f"I_BPartner.C_BPartner_ID=c.C_BPartner_ID AND c.AD_Client_ID=I_BPartner.AD_Client_ID) "
        f"WHERE C_BPartner_ID IS NOT NULL AND AD_User_ID IS NULL AND ContactName IS NOT NULL AND {fresh}")
    same = " AND ".join(f"(i.{c} IS l.{c})" for c in ("Address1", "Address2", "City", "Postal", "Postal_Add",
                                                     "C_Region_ID"))
    run(f"UPDATE I_BPartner SET C_BPartner_Location_ID=(SELECT bpl.C_BPartner_Location_ID FROM C_BPartner_Location "
        f"bpl JOIN C_Location l ON bpl.C_Location_ID=l.C_Location_ID JOIN I_BPartner i ON "
        f"i.I_BPartner_ID=I_BPartner.I_BPartner_ID WHERE i.C_BPartner_ID=bpl.C_BPartner_ID AND "
        f"bpl.AD_Client_ID=i.AD_Client_ID AND i.C_Country_ID=l.C_Country_ID AND {same}) "
        f"WHERE C_BPartner_ID IS NOT NULL AND C_BPartner_Location_ID IS NULL AND {fresh}")
    _error(store, "ERR=Value is mandatory, ", f"Value IS NULL AND {pending}")


def _error(store: Any, text: str, where: str, params: tuple = ()) -> int:
    return store.execute(f"UPDATE I_BPartner SET I_IsImported='E', I_ErrorMsg=I_ErrorMsg||? WHERE {where}",
                         (text, *params))


def run_import_bpartner(run: ProcessRun, env: ProcessEnv) -> str:
    """The whole process; returns the summary ("" or "Validated")."""
    client = run.value("AD_Client_ID")
    if client is None:
        raise RuntimeError(NULL_AD_CLIENT)  # prepare(): ((BigDecimal) null).intValue()
    client = int(client)
    store = env.store
    with store.lock:
        if run.value("DeleteOldImported") == "Y":
            store.execute(f"DELETE FROM I_BPartner WHERE I_IsImported='Y' AND AD_Client_ID={client}")
        _validate(store, client, now_text())
        if run.value("IsValidateOnly") == "Y":
            return "Validated"
        inserted = updated = 0
        previous, bp, bpl = None, None, None
        rows = store.query_dicts(f"SELECT * FROM I_BPartner WHERE I_IsImported='N' AND AD_Client_ID={client} "
                                 f"ORDER BY Value, I_BPartner_ID")
        for imp in rows:
            try:
                with store.transaction():
                    if imp["Value"] != previous:
                        bp, created = _save_partner(env, run, imp)
                        inserted, updated = inserted + created, updated + (not created)
                        bpl = _save_location(env, run, imp, bp)
                    previous = imp["Value"]
                    user = _save_contact(env, run, imp, bp, bpl)
                    store.execute("UPDATE I_BPartner SET I_IsImported='Y', Processed='Y', Processing='N', "
                                  "C_BPartner_ID=?, C_BPartner_Location_ID=?, AD_User_ID=?, Updated=?, UpdatedBy=? "
                                  "WHERE I_BPartner_ID=?",
                                  (bp, bpl, user, now_text(), run.session.user_id, imp["I_BPartner_ID"]))
            except _RowFailed as failed:
                inserted -= failed.undo_insert
                _error(store, failed.text, "I_BPartner_ID=?", (imp["I_BPartner_ID"],))
        errors = store.execute(f"UPDATE I_BPartner SET I_IsImported='N', Updated=? WHERE I_IsImported<>'Y' AND "
                               f"AD_Client_ID={client}", (now_text(),))
    run.add_log(errors, "@Errors@")
    run.add_log(inserted, "@C_BPartner_ID@: @Inserted@")
    run.add_log(updated, "@C_BPartner_ID@: @Updated@")
    return ""


class _RowFailed(Exception):
    """A save failed: the row's changes are rolled back and ``text`` is appended to its I_ErrorMsg.
    ``undo_insert``: core decrements the insert count for failures after the partner step (even for updates)."""

    def __init__(self, text: str, undo_insert: int = 0) -> None:
        super().__init__(text)
        self.text, self.undo_insert = text, undo_insert


def _save_partner(env: ProcessEnv, run: ProcessRun, imp: dict) -> tuple[int, bool]:
    """MBPartner(impBP) + setTypeOfBPartner, or the existing partner updated; (id, created)."""
    body: dict[str, Any] = {}
    if imp["IsVendor"] == "Y":
        body.update(IsVendor=True, IsCustomer=False)
    if imp["IsEmployee"] == "Y":
        body.update(IsEmployee=True, IsCustomer=False)
    if imp["IsCustomer"] == "Y":
        body["IsCustomer"] = True
    if not imp["C_BPartner_ID"]:
        name = imp["Name"] or imp["ContactName"] or imp["EMail"]
        body.update(Value=imp["Value"] or imp["EMail"] or imp["ContactName"], Name=name, Name2=imp["Name2"],
                    Description=imp["Description"], DUNS=imp["DUNS"], TaxID=imp["TaxID"],
                    C_BP_Group_ID=imp["C_BP_Group_ID"], AD_Org_ID=imp["AD_Org_ID"])
        try:
            return env.writer.create(run.session, "C_BPartner", _no_nulls(body))["id"], True
        except EmulatorError:
            raise _RowFailed("Cannot Insert BPartner, ") from None
    if imp["Name"] is not None:
        body.update(Name=imp["Name"], Name2=imp["Name2"])
    for column in ("DUNS", "TaxID", "Description", "C_BP_Group_ID"):
        if imp[column] is not None:
            body[column] = imp[column]
    try:
        env.writer.update(run.session, "C_BPartner", str(imp["C_BPartner_ID"]), body)
    except EmulatorError:
        raise _RowFailed("Cannot Update BPartner, ") from None
    return imp["C_BPartner_ID"], False


def _save_location(env: ProcessEnv, run: ProcessRun, imp: dict, bp: int) -> int | None:
    """The matched location gets the row's phones; a row with country, Address1 and City adds a new one."""
    phones = {c: imp[c] for c in ("Phone", "Phone2", "Fax") if imp[c] is not None}
    if imp["C_BPartner_Location_ID"]:
        if phones:
            env.writer.update(run.session, "C_BPartner_Location", str(imp["C_BPartner_Location_ID"]), phones)
        return imp["C_BPartner_Location_ID"]
    if not (imp["C_Country_ID"] and imp["Address1"] is not None and imp["City"] is not None):
        return None
    address = _no_nulls({c: imp[c] for c in ("Address1", "Address2", "City", "Postal", "Postal_Add",
                                             "C_Country_ID", "C_Region_ID")})
    try:
        return env.writer.create(run.session, "C_BPartner_Location",
                                 {"C_BPartner_ID": bp, "C_Location_ID": address, **phones})["id"]
    except EmulatorError:
        raise _RowFailed("Cannot Insert BPLocation, ", 1) from None


def _save_contact(env: ProcessEnv, run: ProcessRun, imp: dict, bp: Any, bpl: int | None) -> int | None:
    """Update the matched user (it must belong to ``bp``) or add a contact when the row names one."""
    fields = ("Title", "ContactDescription", "Comments", "Phone", "Phone2", "Fax", "EMail", "Birthday")
    values = {("Description" if c == "ContactDescription" else c): imp[c] for c in fields}
    values["Name"] = imp["ContactName"] or imp["EMail"]
    if bpl is not None:
        values["C_BPartner_Location_ID"] = bpl
    if imp["AD_User_ID"]:
        owner = env.store.query("SELECT C_BPartner_ID FROM AD_User WHERE AD_User_ID=?", (imp["AD_User_ID"],))
        if owner and owner[0][0] not in (None, bp):
            raise _RowFailed("BP of User <> BP, ", 1)
        values["C_BPartner_ID"] = bp
        try:
            env.writer.update(run.session, "AD_User", str(imp["AD_User_ID"]), _no_nulls(values))
        except EmulatorError:
            raise _RowFailed("Cannot Update BP Contact, ", 1) from None
        return imp["AD_User_ID"]
    if imp["ContactName"] is None and imp["EMail"] is None:
        return None
    try:
        return env.writer.create(run.session, "AD_User", _no_nulls({**values, "C_BPartner_ID": bp}))["id"]
    except EmulatorError:
        raise _RowFailed("Cannot Insert BPContact, ", 1) from None


def _no_nulls(values: dict) -> dict:
    return {k: v for k, v in values.items() if v is not None}
