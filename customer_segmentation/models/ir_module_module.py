from odoo import models


class IrModuleModule(models.Model):
    _inherit = "ir.module.module"

    def _load_module_terms(
        self, modules, langs, overwrite=False, imported_module=False
    ):
        """Also the default segment names, made per company in Python."""
        result = super()._load_module_terms(
            modules, langs, overwrite=overwrite, imported_module=imported_module
        )
        if "customer_segmentation" in modules:
            self.env["customer.segment.scheme"]._translate_default_names(
                langs, overwrite=overwrite
            )
        return result
