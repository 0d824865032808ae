import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("customer_segmentation_pareto_axes_tour", {
    steps: () => [
        {
            content: "The Pareto curve is drawn with both axes titled",
            trigger: ".o_graph_renderer canvas",
            run() {
                const canvas = document.querySelector(".o_graph_renderer canvas");
                const { x, y } = window.Chart.getChart(canvas).options.scales;
                const titles = {
                    x: x.title.display && x.title.text,
                    y: y.title.display && y.title.text,
                };
                if (titles.x !== "Share of customers (best first)" ||
                        titles.y !== "Cumulative share of revenue %") {
                    throw new Error(`axis titles: ${JSON.stringify(titles)}`);
                }
            },
        },
    ],
});
