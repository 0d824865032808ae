import { registry } from "@web/core/registry";
import { graphView } from "@web/views/graph/graph_view";
import { GraphRenderer } from "@web/views/graph/graph_renderer";

// Odoo's graph leaves its axes untitled. A Pareto curve reads only with both titles: the
// share of customers (best first) across, the cumulative share of revenue up.
export class ParetoGraphRenderer extends GraphRenderer {
    getScaleOptions() {
        const scales = super.getScaleOptions();
        const { fields, groupBy, measure, measures } = this.model.metaData;
        if (!scales.x || !scales.y) {
            return scales;
        }
        const across = groupBy.length ? fields[groupBy[0].fieldName]?.string : "";
        scales.x.title = { ...(scales.x.title || {}), display: Boolean(across), text: across };
        scales.y.title = {
            ...(scales.y.title || {}),
            display: true,
            text: measures[measure].string,
        };
        return scales;
    }
}

registry.category("views").add("customer_pareto_graph", {
    ...graphView,
    Renderer: ParetoGraphRenderer,
});
