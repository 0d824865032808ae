import { registry } from "@web/core/registry";

// Expected: the badges' colours, whatever order the grades come in.
const EXPECTED = { A: "#28a745", B: "#ffac00", C: "#d44c59", "Not graded": "#a4a8b6" };

registry.category("web_tour.tours").add("supplier_evaluation_spend_grade_colors_tour", {
    steps: () => [
        {
            content: "The chart is drawn",
            trigger: ".o_graph_renderer canvas",
            run() {
                const canvas = document.querySelector(".o_graph_renderer canvas");
                const chart = window.Chart.getChart(canvas);
                const colors = Object.fromEntries(
                    chart.data.datasets.map((dataset) => [dataset.label, dataset.backgroundColor])
                );
                for (const [grade, color] of Object.entries(EXPECTED)) {
                    if (colors[grade] !== color) {
                        throw new Error(`grade ${grade} drawn ${colors[grade]}, expected ${color}: ${JSON.stringify(colors)}`);
                    }
                }
            },
        },
    ],
});
