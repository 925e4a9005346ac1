"""Import_Product (core's ImportProduct): I_Product rows -> M_Product (and prices of a price list version).

Reproduced from core (facts): the reset of every pending row (ProductType defaults to 'I'), the validation
texts in core's order and spelling ("ERR=Invalid BPartner," ... "ERR=Invalid UOM, " ... "ERR=Value not
unique,"), matching an existing product by UPC then Value (its values fill the row's empty fields), the
tenant's default product category, UOM and currency, insert or update, prices when M_PriceList_Version_ID is
given, ``I_IsImported='Y'``/``Processed='Y'``/M_Product_ID on success, "Insert Product failed" on a failed
insert, every other pending row set back to 'N' with a new ``Updated`` at the end, an empty summary and five
log lines. Not emulated: vendor data (M_Product_PO is not served, so the "Purchase" counts stay 0) and the
vendor product number match. The default currency is the tenant's accounting currency (USD).
"""
from __future__ import annotations

from typing import Any

from erp_emulator.clock import now_text

from ..errors import EmulatorError
from .import_bpartner import NULL_AD_CLIENT
from .process_run import ProcessEnv, ProcessRun

ACCT_CURRENCY = "USD"  # GardenWorld's accounting schema currency (C_AcctSchema/AD_ClientInfo are not served)
# M_Product columns an import row fills (core's list, less the columns the emulator's M_Product lacks)
COPIED_TEXT = ("Value", "Name", "Description", "DocumentNote", "Help", "UPC", "SKU", "Classification",
               "ProductType", "Discontinued", "DiscontinuedAt", "ImageURL", "DescriptionURL")
COPIED_NUMBERS = ("C_UOM_ID", "M_Product_Category_ID", "Volume", "Weight", "ShelfWidth", "ShelfHeight",
                  "ShelfDepth", "UnitsPerPallet")


def _validate(store: Any, client: int) -> None:
    pending = f"I_IsImported<>'Y' AND AD_Client_ID={client}"
    fresh = f"I_IsImported='N' AND AD_Client_ID={client}"
    run = store.execute
    run("UPDATE I_Product SET AD_Org_ID=COALESCE(AD_Org_ID,0), IsActive=COALESCE(IsActive,'Y'), "
        "ProductType=COALESCE(ProductType,'I'), I_ErrorMsg=' ', I_IsImported='N' "
        "WHERE I_IsImported<>'Y' OR I_IsImported IS NULL")
    run(f"UPDATE I_Product SET C_BPartner_ID=(SELECT C_BPartner_ID FROM C_BPartner p WHERE "
        f"I_Product.BPartner_Value=p.Value AND I_Product.AD_Client_ID=p.AD_Client_ID) "
        f"WHERE C_BPartner_ID IS NULL AND {pending}")
    _error(store, "ERR=Invalid BPartner,", f"C_BPartner_ID IS NULL AND BPartner_Value IS NOT NULL AND {pending}")
    _error(store, "ERR=more than one product with this UPC,",
           f"{pending} AND EXISTS (SELECT 1 FROM M_Product mp JOIN M_Product mp2 ON mp.AD_Client_ID=mp2.AD_Client_ID "
           f"AND mp.UPC=mp2.UPC AND mp.M_Product_ID<>mp2.M_Product_ID WHERE I_Product.AD_Client_ID=mp.AD_Client_ID "
           f"AND I_Product.UPC=mp.UPC)")
    for match in ("UPC", "Value"):
        run(f"UPDATE I_Product SET M_Product_ID=(SELECT M_Product_ID FROM M_Product p WHERE I_Product.{match}=p.{match} "
            f"AND I_Product.AD_Client_ID=p.AD_Client_ID) WHERE M_Product_ID IS NULL AND {fresh}")
    _error(store, "ERR=Product is not active,",
           f"{pending} AND M_Product_ID IS NOT NULL AND EXISTS (SELECT 1 FROM M_Product mp WHERE "
           f"I_Product.AD_Client_ID=mp.AD_Client_ID AND I_Product.M_Product_ID=mp.M_Product_ID AND mp.IsActive='N')")
    run(f"UPDATE I_Product SET ProductCategory_Value=(SELECT MAX(Value) FROM M_Product_Category WHERE IsDefault='Y' "
        f"AND AD_Client_ID={client}) WHERE ProductCategory_Value IS NULL AND M_Product_Category_ID IS NULL AND "
        f"M_Product_ID IS NULL AND {pending}")
    run(f"UPDATE I_Product SET M_Product_Category_ID=(SELECT M_Product_Category_ID FROM M_Product_Category c WHERE "
        f"I_Product.ProductCategory_Value=c.Value AND I_Product.AD_Client_ID=c.AD_Client_ID) "
        f"WHERE ProductCategory_Value IS NOT NULL AND M_Product_Category_ID IS NULL AND {pending}")
    for column in COPIED_TEXT + COPIED_NUMBERS:
        empty = f"({column} IS NULL OR {column}=0)" if column in COPIED_NUMBERS else f"{column} IS NULL"
        run(f"UPDATE I_Product SET {column}=(SELECT {column} FROM M_Product p WHERE I_Product.M_Product_ID=p.M_Product_ID "
            f"AND I_Product.AD_Client_ID=p.AD_Client_ID) WHERE M_Product_ID IS NOT NULL AND {empty} AND {fresh}")
    _error(store, "ERR=Invalid ProdCategory,", f"M_Product_Category_ID IS NULL AND {pending}")
    run(f"UPDATE I_Product SET X12DE355=(SELECT MAX(X12DE355) FROM C_UOM u WHERE u.IsDefault='Y' AND "
        f"u.AD_Client_ID IN (0,I_Product.AD_Client_ID)) WHERE X12DE355 IS NULL AND C_UOM_ID IS NULL AND {pending}")
    run(f"UPDATE I_Product SET C_UOM_ID=(SELECT C_UOM_ID FROM C_UOM u WHERE u.X12DE355=I_Product.X12DE355 AND "
        f"u.AD_Client_ID IN (0,I_Product.AD_Client_ID)) WHERE C_UOM_ID IS NULL AND {pending}")
    _error(store, "ERR=Invalid UOM, ", f"C_UOM_ID IS NULL AND {pending}")
    run(f"UPDATE I_Product SET ISO_Code=? WHERE C_Currency_ID IS NULL AND ISO_Code IS NULL AND {pending}",
        (ACCT_CURRENCY,))
    run(f"UPDATE I_Product SET C_Currency_ID=(SELECT C_Currency_ID FROM C_Currency c WHERE I_Product.ISO_Code=c.ISO_Code "
        f"AND c.AD_Client_ID IN (0,I_Product.AD_Client_ID)) WHERE C_Currency_ID IS NULL AND {pending}")
    _error(store, "ERR=Currency,", f"C_Currency_ID IS NULL AND {pending}")
    _error(store, "ERR=Invalid ProductType,", f"ProductType NOT IN ('E','I','R','S','A') AND {pending}")
    for column, text in (("Value", "ERR=Value not unique,"), ("UPC", "ERR=UPC not unique,")):
        _error(store, text, f"{pending} AND EXISTS (SELECT 1 FROM I_Product ii WHERE I_Product.AD_Client_ID="
                            f"ii.AD_Client_ID AND I_Product.I_Product_ID<>ii.I_Product_ID AND I_Product.{column}=ii.{column})")
    _error(store, "ERR=No Mandatory Value,", f"Value IS NULL AND {pending}")
    run(f"UPDATE I_Product SET VendorProductNo=Value WHERE C_BPartner_ID IS NOT NULL AND VendorProductNo IS NULL AND "
        f"{fresh}")
    _error(store, "ERR=VendorProductNo not unique,",
           f"{pending} AND C_BPartner_ID IS NOT NULL AND EXISTS (SELECT 1 FROM I_Product ii WHERE I_Product.AD_Client_ID="
           f"ii.AD_Client_ID AND I_Product.C_BPartner_ID=ii.C_BPartner_ID AND I_Product.VendorProductNo=ii.VendorProductNo "
           f"AND I_Product.I_Product_ID<>ii.I_Product_ID)")


def _error(store: Any, text: str, where: str, params: tuple = ()) -> int:
    return store.execute(f"UPDATE I_Product SET I_IsImported='E', I_ErrorMsg=I_ErrorMsg||? WHERE {where}",
                         (text, *params))


def run_import_product(run: ProcessRun, env: ProcessEnv) -> str:
    client = run.value("AD_Client_ID")
    if client is None:
        raise RuntimeError(NULL_AD_CLIENT)
    client, store = int(client), env.store
    version = run.value("M_PriceList_Version_ID")
    inserted = updated = 0
    with store.lock:
        if run.value("DeleteOldImported") == "Y":
            store.execute(f"DELETE FROM I_Product WHERE I_IsImported='Y' AND AD_Client_ID={client}")
        _validate(store, client)
        tax = store.query(f"SELECT C_TaxCategory_ID FROM C_TaxCategory WHERE IsDefault='Y' AND AD_Client_ID={client}")
        tax_category = tax[0][0] if tax else None
        for imp in store.query_dicts(f"SELECT * FROM I_Product WHERE I_IsImported='N' AND AD_Client_ID={client} "
                                     f"ORDER BY I_Product_ID"):
            values = {c: imp[c] for c in COPIED_TEXT + COPIED_NUMBERS if imp[c] is not None}
            product = imp["M_Product_ID"]
            try:
                with store.transaction():
                    if not product:
                        body = {**values, "C_TaxCategory_ID": tax_category, "AD_Org_ID": imp["AD_Org_ID"]}
                        product = env.writer.create(run.session, "M_Product", body)["id"]
                        inserted += 1
                    else:
                        sets = ", ".join(f"{c}=?" for c in COPIED_TEXT + COPIED_NUMBERS)
                        store.execute(f"UPDATE M_Product SET {sets}, Updated=?, UpdatedBy=? WHERE M_Product_ID=?",
                                      (*(imp[c] for c in COPIED_TEXT + COPIED_NUMBERS), now_text(),
                                       run.session.user_id, product))
                        updated += 1
                    if version:
                        _save_prices(env, run, int(version), product, imp)
                    store.execute("UPDATE I_Product SET I_IsImported='Y', M_Product_ID=?, Updated=?, Processed='Y' "
                                  "WHERE I_Product_ID=?", (product, now_text(), imp["I_Product_ID"]))
            except EmulatorError:
                _error(store, "Insert Product failed", "I_Product_ID=?", (imp["I_Product_ID"],))
        errors = store.execute(f"UPDATE I_Product SET I_IsImported='N', Updated=? WHERE I_IsImported<>'Y' AND "
                               f"AD_Client_ID={client}", (now_text(),))
    run.add_log(errors, "@Errors@")
    run.add_log(inserted, "@M_Product_ID@: @Inserted@")
    run.add_log(updated, "@M_Product_ID@: @Updated@")
    run.add_log(0, "@M_Product_ID@ @Purchase@: @Inserted@")
    run.add_log(0, "@M_Product_ID@ @Purchase@: @Updated@")
    return ""


def _save_prices(env: ProcessEnv, run: ProcessRun, version: int, product: int, imp: dict) -> None:
    """MProductPrice.get or new, setPrices(list, std, limit) when any of them is not zero."""
    prices = [float(imp[c] or 0) for c in ("PriceList", "PriceStd", "PriceLimit")]
    if not any(prices):
        return
    found = env.store.query("SELECT M_ProductPrice_ID FROM M_ProductPrice WHERE M_PriceList_Version_ID=? AND "
                            "M_Product_ID=?", (version, product))
    body = dict(zip(("PriceList", "PriceStd", "PriceLimit"), prices))
    if found:
        env.writer.update(run.session, "M_ProductPrice", str(found[0][0]), body)
    else:
        env.writer.create(run.session, "M_ProductPrice",
                          {"M_PriceList_Version_ID": version, "M_Product_ID": product, **body})
