import base64

from odoo import api, models
from odoo.exceptions import UserError

from ..lib import uploads

# Where suppliers' portal users can add files: the addon's records and the purchase
# orders they upload quality reports and photos to.
SUPPLIER_UPLOAD_MODELS = frozenset(
    {
        "supplier.scorecard",
        "supplier.corrective.action",
        "supplier.certificate",
        "supplier.alert",
        "supplier.order.document",
        "purchase.order",
    }
)
# Fields whose change can put a new file, or a file from elsewhere, on one of those
# records.
POLICY_FIELDS = frozenset(
    {"res_model", "res_id", "raw", "datas", "db_datas", "name", "type", "url"}
)


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    @api.model_create_multi
    def create(self, vals_list):
        if self._supplier_upload_policy_applies():
            for vals in vals_list:
                if vals.get("res_model") in SUPPLIER_UPLOAD_MODELS:
                    vals["name"] = uploads.safe_filename(vals.get("name"))
        attachments = super().create(vals_list)
        attachments._check_supplier_upload_policy()
        return attachments

    def write(self, vals):
        result = super().write(vals)
        if POLICY_FIELDS.intersection(vals) and self._supplier_upload_policy_applies():
            # The chatter uploads "pending" files first and links them to the record
            # when the message is posted: the policy is checked when a file reaches one
            # of the records.
            for attachment in self.sudo().filtered(
                lambda a: a.res_model in SUPPLIER_UPLOAD_MODELS
            ):
                safe_name = uploads.safe_filename(attachment.name)
                if safe_name != attachment.name:
                    super(IrAttachment, attachment).write({"name": safe_name})
            self._check_supplier_upload_policy()
        return result

    @api.model
    def _supplier_upload_policy_applies(self):
        """Files from suppliers' portal users (and public visitors) follow the upload
        policy, whatever the route, sudo included; the company's own staff are not
        restricted."""
        return not self.env.user._is_internal()

    def _check_supplier_upload_policy(self):
        if not self._supplier_upload_policy_applies():
            return
        for attachment in self.sudo().filtered(
            lambda a: a.res_model in SUPPLIER_UPLOAD_MODELS
        ):
            if attachment.type != "binary":
                raise UserError(
                    self.env._("Links cannot be attached here: upload the file itself.")
                )
            company = attachment._supplier_upload_company()
            data = attachment.raw or (
                base64.b64decode(attachment.datas) if attachment.datas else b""
            )
            _kind, problem = uploads.check_upload(
                attachment.name,
                data,
                uploads.REPORTS,
                uploads.megabytes(company.supplier_portal_max_upload_mb),
            )
            if problem:
                raise UserError(
                    self._supplier_upload_message(
                        problem, uploads.REPORTS, company, attachment.name
                    )
                )

    def _supplier_upload_company(self):
        self.ensure_one()
        record = (
            self.env[self.res_model].sudo().browse(self.res_id).exists()
            if self.res_id
            else None
        )
        if record and "company_id" in record._fields and record.company_id:
            return record.company_id
        return self.env.company

    @api.model
    def _supplier_upload_message(self, problem, allowed, company, filename=None):
        """The message for a refused upload (``problem`` as returned by
        ``uploads.check_upload``)."""
        reasons = {
            "empty": self.env._("The file is empty."),
            "too_large": self.env._(
                "The file is larger than %s MB.", company.supplier_portal_max_upload_mb
            ),
            "archive": self.env._(
                "The file is compressed in a way no real document is: export it again."
            ),
            "mismatch": self.env._(
                "The file does not contain what its name says: rename it or export it again."  # noqa: E501
            ),
        }
        reason = reasons.get(problem) or self.env._(
            "This kind of file is not accepted here. Accepted: %s.",
            uploads.kind_names(allowed),
        )
        return (
            self.env._("“%(file)s”: %(reason)s", file=filename, reason=reason)
            if filename
            else reason
        )
