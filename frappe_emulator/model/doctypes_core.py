"""Framework (Frappe) DocTypes of the demo site, plus two site-made custom DocTypes that cover the naming
rules ERPNext's own DocTypes do not use: autoincrement (integer names) and Prompt (spec §6.4)."""
from __future__ import annotations

from .dsl import DocType, doctype

_FIELD_PROPS = """label:D fieldtype:S>Data|Link|Select|Check|Int|Float|Currency|Date|Datetime|Time|Text|Small+Text|Table!=Data
    fieldname:D reqd:C=0 length:I in_list_view:C=0 options:ST default:ST fetch_from:ST hidden:C=0 read_only:C=0
    unique:C=0 set_only_once:C=0 permlevel:I=0 allow_on_submit:C=0 no_copy:C=0 non_negative:C=0 is_virtual:C=0
    precision:S>|0|1|2|3|4|5|6|7|8|9"""


def core_doctypes() -> list[DocType]:
    return [
        doctype("User", "Core", """enabled:C~=1 email:D! first_name:D! middle_name:D last_name:D full_name:D~
            send_welcome_email:C=1 username:D^ language:D time_zone:D user_image:AI roles:TB>Has+Role~
            gender:D phone:D mobile_no:D^ birth_date:DA location:D bio:ST new_password:PW
            user_type:D=System+User last_login:RO~ last_active:DT~ api_key:D^~ api_secret:PW~""",
                autoname=None, naming_rule=None),
        doctype("User Permission", "Core", """user:L>User! allow:L>DocType! for_value:DL>allow! is_default:C=0
            apply_to_all_doctypes:C=1 applicable_for:L>DocType hide_descendants:C=0"""),
        doctype("Role", "Core", """role_name:D!^ disabled:C=0 desk_access:C=1 two_factor_auth:C=0 home_page:D
            is_custom:C=0""", autoname="field:role_name", naming_rule="By fieldname"),
        doctype("Has Role", "Core", "role:L>Role", istable=1, autoname="hash", track_changes=0),
        doctype("DocType", "Core", """module:D! is_submittable:C=0 istable:C=0 issingle:C*=0 editable_grid:C=1
            track_changes:C=0 custom:C=0 fields:TB>DocField autoname:D description:ST title_field:D
            search_fields:D sort_field:D=creation sort_order:S>ASC|DESC=DESC read_only:C=0 is_tree:C=0
            is_virtual:C=0
            naming_rule:S>|Set+by+user|Autoincrement|By+fieldname|By+"Naming+Series"+field|Expression|Expression+(old+style)|Random|UUID|By+script""",
                autoname="Prompt", naming_rule="Set by user"),
        doctype("DocField", "Core", _FIELD_PROPS, istable=1, autoname="hash", naming_rule="Random",
                sort_order="ASC", track_changes=0),
        doctype("Custom Field", "Custom", "dt:L>DocType! insert_after:D " + _FIELD_PROPS.replace(
            "fieldname:D ", "fieldname:D~ "), autoname=None),
        doctype("Property Setter", "Custom", """doctype_or_field:S>|DocField|DocType|DocType+Link! value:ST
            doc_type:L>DocType! field_name:D property:D! property_type:D default_value:D row_name:D"""),
        doctype("Deleted Document", "Core", """deleted_name:D~ deleted_doctype:D~ restored:C~=0 new_name:RO~
            data:CO~"""),
        doctype("Comment", "Core", """comment_type:S>Comment|Like|Info|Label|Workflow|Created|Submitted|Cancelled|Updated|Deleted|Assigned|Assignment+Completed|Attachment|Attachment+Removed|Shared|Unshared|Bot|Relinked|Edit!=Comment
            comment_email:D subject:TX comment_by:D published:C=0 seen:C=0 reference_doctype:L>DocType
            reference_name:DL>reference_doctype reference_owner:D~ content:HE ip_address:D"""),
        doctype("ToDo", "Desk", """status:S>Open|Closed|Cancelled=Open priority:S>High|Medium|Low=Medium color:CL
            date:DA=Today description:TE! reference_type:L>DocType reference_name:DL>reference_type role:L>Role
            assigned_by:L>User assigned_by_full_name:RO sender:D allocated_to:L>User""", autoname="hash"),
        doctype("Note", "Desk", """title:D! public:C=0 notify_on_login:C=0 notify_on_every_login:C=0
            expire_notification_on:DT content:TE""", autoname="hash", naming_rule="Random"),
        doctype("Contact", "Contacts", """first_name:D last_name:D email_id:D~ user:L>User
            status:S>Passive|Open|Replied=Passive phone:D~ is_primary_contact:C=0 department:D designation:D
            unsubscribed:C=0 middle_name:D email_ids:TB>Contact+Email address:L>Address
            phone_nos:TB>Contact+Phone mobile_no:D~ company_name:D full_name:D~""", naming_rule="By script"),
        doctype("Contact Email", "Contacts", "email_id:D! is_primary:C=0", istable=1),
        doctype("Contact Phone", "Contacts", "phone:D! is_primary_phone:C=0 is_primary_mobile_no:C=0", istable=1),
        doctype("Address", "Contacts", """address_title:D address_type:S>Billing|Shipping|Office|Personal|Plant|Postal|Shop|Subsidiary|Warehouse|Current|Permanent|Other!
            address_line1:D! address_line2:D city:D! county:D state:D country:D! pincode:D email_id:D phone:D
            fax:D is_primary_address:C=0 is_shipping_address:C=0 disabled:C=0"""),
        doctype("System Settings", "Core", """country:D language:D! time_zone:D!~ setup_complete:C~=0
            date_format:S>yyyy-mm-dd|dd-mm-yyyy|dd/mm/yyyy|mm/dd/yyyy!=dd-mm-yyyy time_format:S>HH:mm:ss|HH:mm!=HH:mm:ss
            number_format:S>#,###.##|#.###,##!=#,###.## float_precision:S>|2|3|4|5|6|7|8|9
            session_expiry:D=170:00 deny_multiple_sessions:C=0 allow_error_traceback:C=1
            allow_consecutive_login_attempts:I=10 allow_login_after_fail:I=60 disable_user_pass_login:C=0
            app_name:D=Frappe""", issingle=1),
        # site-made DocTypes (custom=1): the autoincrement and Prompt naming rules
        doctype("Sync Counter", "Custom", "label:D counter_value:I note:ST", autoname="autoincrement",
                naming_rule="Autoincrement", custom=1),
        doctype("Sync Tag", "Custom", "tag_title:D! color:CL", autoname="Prompt", naming_rule="Set by user",
                custom=1),
    ]
