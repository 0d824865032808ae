import { registry } from "@web/core/registry";
import { kanbanView } from "@web/views/kanban/kanban_view";
import { KanbanRenderer } from "@web/views/kanban/kanban_renderer";

// The Kraljic matrix as a 2x2 on a desktop: profit impact up, supply risk across. On a
// phone (and when grouped by anything else) it stays Odoo's kanban, one column per swipe.
export class KraljicMatrixRenderer extends KanbanRenderer {
    static template = "supplier_evaluation.KraljicMatrixRenderer";

    get isMatrix() {
        const { list } = this.props;
        return !this.env.isSmall && list.isGrouped && list.groupByField.name === "kraljic_class";
    }

    getGroupClasses(group, isGroupProcessing) {
        const classes = super.getGroupClasses(group, isGroupProcessing);
        if (!this.isMatrix) {
            return classes;
        }
        // A scorecard without a class gets its own row under the grid.
        return `${classes} o_kraljic_quadrant o_kraljic_quadrant_${group.value || "none"}`;
    }
}

registry.category("views").add("supplier_kraljic_matrix", {
    ...kanbanView,
    Renderer: KraljicMatrixRenderer,
});
