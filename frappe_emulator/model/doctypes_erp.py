"""ERPNext DocTypes served by the demo site: real fieldnames, fieldtypes and naming (a subset of each
DocType's fields; spec §6.2-§6.4). Links to DocTypes not served here are kept but not validated."""
from __future__ import annotations

from .dsl import DocType, doctype

TREE = dict(is_tree=1)


def erp_doctypes() -> list[DocType]:
    return [
        doctype("Company", "Setup", """company_name:D!^ abbr:D!* is_group:C=0 domain:D parent_company:L>Company
            default_currency:L>Currency! country:L>Country! tax_id:D date_of_establishment:DA
            monthly_sales_target:CU credit_limit:CU phone_no:D email:D website:D lft:I~ rgt:I~ old_parent:D~""",
                autoname="field:company_name", naming_rule="By fieldname", sort_order="ASC", **TREE),
        doctype("Customer Group", "Setup", """customer_group_name:D!^ parent_customer_group:L>Customer+Group
            is_group:C=0 lft:I rgt:I old_parent:L>Customer+Group""",
                autoname="field:customer_group_name", naming_rule="By fieldname", track_changes=0, **TREE),
        doctype("Territory", "Setup", """territory_name:D!^ parent_territory:L>Territory is_group:C=0 lft:I rgt:I
            old_parent:L>Territory""",
                autoname="field:territory_name", naming_rule="By fieldname", track_changes=0, **TREE),
        doctype("Customer", "Selling", """naming_series:S>CUST-.YYYY.-* customer_name:D!
            customer_type:S>Company|Individual|Partnership!=Company customer_group:L>Customer+Group
            territory:L>Territory tax_id:D disabled:C=0 is_internal_customer:C=0 default_currency:L>Currency
            website:D customer_primary_contact:L>Contact mobile_no:RO email_id:RO
            customer_primary_address:L>Address customer_details:TX is_frozen:C=0 default_commission_rate:F
            so_required:C=0 dn_required:C=0""",
                autoname="naming_series:", naming_rule='By "Naming Series" field', title_field="customer_name",
                search_fields="customer_group,territory"),
        doctype("Supplier", "Buying", """naming_series:S>SUP-.YYYY.-* supplier_name:D! country:L>Country tax_id:D
            supplier_group:L>Supplier+Group supplier_type:S>Company|Individual|Partnership!=Company disabled:C=0
            default_currency:L>Currency on_hold:C=0 hold_type:S>|All|Invoices|Payments release_date:DA
            website:D supplier_details:TX is_frozen:C=0 mobile_no:RO email_id:RO""",
                autoname="naming_series:", naming_rule='By "Naming Series" field', sort_order="ASC"),
        doctype("Item Group", "Setup", """item_group_name:D!^ parent_item_group:L>Item+Group is_group:C=0
            image:AI lft:I rgt:I old_parent:L>Item+Group""",
                autoname="field:item_group_name", naming_rule="By fieldname", track_changes=0, **TREE),
        doctype("UOM", "Setup", """uom_name:D!^ must_be_whole_number:C=0 enabled:C=1 symbol:D common_code:D
            description:ST""", autoname="field:uom_name", naming_rule="By fieldname", sort_order="ASC",
                track_changes=0),
        doctype("Item", "Stock", """naming_series:S>STO-ITEM-.YYYY.-* item_code:D!^ item_name:D
            item_group:L>Item+Group! stock_uom:L>UOM! disabled:C=0 is_stock_item:C=1 opening_stock:F
            valuation_rate:CU standard_rate:CU description:TE shelf_life_in_days:I end_of_life:DA=2099-12-31
            weight_per_unit:F weight_uom:L>UOM has_batch_no:C=0 has_serial_no:C=0 is_purchase_item:C=1
            is_sales_item:C=1 max_discount:F safety_stock:F lead_time_days:I""",
                autoname="field:item_code", naming_rule="By fieldname", title_field="item_name"),
        doctype("Warehouse", "Stock", """warehouse_name:D! is_group:C=0 company:L>Company! disabled:C=0
            email_id:D phone_no:D city:D state:D pin:D parent_warehouse:L>Warehouse lft:I~ rgt:I~
            old_parent:L>Warehouse~""", autoname="hash", naming_rule="Random", **TREE),
        doctype("Sales Order", "Selling", """naming_series:S>SAL-ORD-.YYYY.-!* customer:L>Customer!
            customer_name:D~ order_type:S>|Sales|Maintenance|Shopping+Cart!=Sales amended_from:L>Sales+Order~
            company:L>Company! transaction_date:DA! delivery_date:DA@ po_no:D@ po_date:DA@
            customer_address:L>Address contact_person:L>Contact customer_group:L>Customer+Group
            territory:L>Territory currency:L>Currency! conversion_rate:F! selling_price_list:D!
            plc_conversion_rate:F=1 set_warehouse:L>Warehouse items:TB>Sales+Order+Item!
            total_qty:F~ base_total:CU~ base_net_total:CU~ total:CU~ net_total:CU~
            taxes:TB>Sales+Taxes+and+Charges base_total_taxes_and_charges:CU~ total_taxes_and_charges:CU~
            additional_discount_percentage:F discount_amount:CU base_grand_total:CU~ grand_total:CU~
            rounded_total:CU~ in_words:D~ advance_paid:CU~ terms:TE
            status:S>|Draft|On+Hold|To+Pay|To+Deliver+and+Bill|To+Bill|To+Deliver|Completed|Cancelled|Closed!~=Draft
            delivery_status:S>Not+Delivered|Fully+Delivered|Partly+Delivered|Closed|Not+Applicable
            per_delivered:PC~ per_billed:PC~
            billing_status:S>Not+Billed|Fully+Billed|Partly+Billed|Closed commission_rate:F total_commission:CU
            from_date:DA@ to_date:DA@ skip_delivery_note:C=0""",
                is_submittable=1, autoname="naming_series:", naming_rule='By "Naming Series" field',
                title_field="customer_name"),
        doctype("Sales Order Item", "Selling", """item_code:L>Item! item_name:D! description:TE
            delivery_date:DA@ qty:F! stock_uom:L>UOM~ uom:L>UOM! conversion_factor:F!~ stock_qty:F~
            price_list_rate:CU~ discount_percentage:PC discount_amount:CU rate:CU amount:CU~ net_rate:CU~
            net_amount:CU~ warehouse:L>Warehouse delivered_qty:F~ billed_amt:CU~ additional_notes:TX
            transaction_date:DA~""", istable=1, autoname="hash", naming_rule="Random"),
        doctype("Sales Invoice", "Accounts", """naming_series:S>ACC-SINV-.YYYY.-!* customer:L>Customer!
            customer_name:D~ company:L>Company! posting_date:DA! posting_time:TI due_date:DA
            is_return:C=0 amended_from:L>Sales+Invoice~ currency:L>Currency! conversion_rate:F!
            items:TB>Sales+Invoice+Item! taxes:TB>Sales+Taxes+and+Charges total_qty:F~ total:CU~
            net_total:CU~ total_taxes_and_charges:CU~ grand_total:CU~ rounded_total:CU~
            outstanding_amount:CU~ paid_amount:CU~ remarks:ST
            status:S>|Draft|Return|Credit+Note+Issued|Submitted|Paid|Partly+Paid|Unpaid|Overdue|Cancelled=Draft""",
                is_submittable=1, autoname="naming_series:", naming_rule='By "Naming Series" field'),
        doctype("Sales Invoice Item", "Accounts", """item_code:L>Item item_name:D! description:TE qty:F
            uom:L>UOM! conversion_factor:F rate:CU! amount:CU! net_amount:CU~ sales_order:L>Sales+Order
            so_detail:D warehouse:L>Warehouse""", istable=1, autoname="hash", naming_rule="Random",
                track_changes=0),
        doctype("Sales Taxes and Charges", "Accounts", """charge_type:S>|Actual|On+Net+Total|On+Previous+Row+Amount|On+Previous+Row+Total|On+Item+Quantity!
            row_id:D account_head:D!@ description:ST! included_in_print_rate:C=0 rate:F tax_amount:CU
            total:CU~ base_tax_amount:CU~""", istable=1, sort_order="ASC", track_changes=0),
        doctype("Payment Entry", "Accounts", """naming_series:S>ACC-PAY-.YYYY.-!*
            payment_type:S>Receive|Pay|Internal+Transfer! posting_date:DA! company:L>Company!
            mode_of_payment:D party_type:L>DocType party:DL>party_type party_name:D@ paid_from:D!
            paid_to:D! paid_amount:CU! source_exchange_rate:F=1 received_amount:CU! target_exchange_rate:F=1
            reference_no:D reference_date:DA clearance_date:DA~ remarks:ST amended_from:L>Payment+Entry~
            title:D~ status:S>|Draft|Submitted|Cancelled~=Draft""",
                is_submittable=1, autoname="naming_series:", naming_rule='By "Naming Series" field'),
    ]
