import { registry } from "@web/core/registry";
import { graphView } from "@web/views/graph/graph_view";
import { GraphRenderer } from "@web/views/graph/graph_renderer";

// The grade badges' colours (success, warning, danger); grey for "not graded". Odoo colours
// datasets by their position, which follows the data, so B came out red and C teal.
export const GRADE_COLORS = { A: "#28a745", B: "#ffac00", C: "#d44c59", none: "#a4a8b6" };

export class SpendGradeGraphRenderer extends GraphRenderer {
    /** The grade of a dataset or a label, from the grade field's selection labels; null otherwise. */
    gradeOf(label) {
        const selection = this.model.metaData.fields.grade?.selection || [];
        const match = selection.find(([, name]) => name === label);
        return match ? match[0] : null;
    }

    getChartConfig() {
        const config = super.getChartConfig();
        const { mode } = this.model.metaData;
        if (mode === "pie") {
            const labels = config.data.labels || [];
            const colors = labels.map((label) => GRADE_COLORS[this.gradeOf(label)]);
            if (colors.every(Boolean)) {
                for (const dataset of config.data.datasets) {
                    dataset.backgroundColor = colors;
                }
            }
            return config;
        }
        for (const dataset of config.data.datasets) {
            const color = GRADE_COLORS[this.gradeOf(dataset.label)];
            if (!color) {
                continue;
            }
            if (mode === "bar") {
                dataset.backgroundColor = color;
            } else {
                dataset.borderColor = color;
                dataset.pointBackgroundColor = color;
            }
        }
        return config;
    }
}

registry.category("views").add("supplier_spend_grade_graph", {
    ...graphView,
    Renderer: SpendGradeGraphRenderer,
});
